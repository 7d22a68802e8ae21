/**
 * The ServerQuery commands the connector uses, over the one connection this process shares
 * (a worker's jobs queue behind each other on it). Reads and writes are counted for reports.
 */
import type { Settings } from "~/config.server";
import { Ts3Error } from "./errors";
import { QueryClient } from "./query-client.server";
import { queryOptions } from "./settings";

/** The custom property that binds a TeamSpeak identity to our user (set when the key is redeemed). */
export const BINDING_IDENT = "sso_uid";

export interface ServerGroup {
  sgid: number;
  name: string;
  type: number;
}

const clients = new Map<string, QueryClient>();

/** The shared client for these settings (one per process and server). */
export function sharedQueryClient(settings: Settings): QueryClient {
  const options = queryOptions(settings);
  const key = JSON.stringify(options);
  let client = clients.get(key);
  if (!client) {
    client = new QueryClient(options);
    clients.set(key, client);
  }
  return client;
}

export function closeSharedQueryClients() {
  for (const c of clients.values()) c.close();
  clients.clear();
}

export class Ts3Port {
  reads = 0;
  writes = 0;
  constructor(readonly client: QueryClient) {}

  private read(command: string, params = {}, flags: string[] = []) {
    this.reads++;
    return this.client.list(command, params, flags);
  }

  private write(command: string, params = {}) {
    this.writes++;
    return this.client.send(command, params);
  }

  async serverGroups(): Promise<ServerGroup[]> {
    return (await this.read("servergrouplist")).map((g) => ({ sgid: Number(g.sgid), name: g.name ?? "", type: Number(g.type) }));
  }

  async createGroup(name: string): Promise<number> {
    const [row] = await this.write("servergroupadd", { name });
    const sgid = Number(row?.sgid);
    // The original's powers: only strong admins may change the group or its members by hand.
    for (const [permsid, permvalue] of [["i_group_needed_modify_power", 75], ["i_group_needed_member_add_power", 100], ["i_group_needed_member_remove_power", 100]] as const) {
      await this.write("servergroupaddperm", { sgid, permsid, permvalue, permnegated: 0, permskip: 0 });
    }
    return sgid;
  }

  /** Clients whose binding matches (LIKE pattern: `%` finds every bound client): value → cldbid. */
  async bindings(pattern: string): Promise<Map<string, number>> {
    const rows = await this.read("customsearch", { ident: BINDING_IDENT, pattern });
    return new Map(rows.map((r) => [r.value ?? "", Number(r.cldbid)]));
  }

  async findClient(uid: string): Promise<number | null> {
    return (await this.bindings(uid)).get(uid) ?? null;
  }

  async clientGroups(cldbid: number): Promise<Map<number, string>> {
    return new Map((await this.read("servergroupsbyclientid", { cldbid })).map((r) => [Number(r.sgid), r.name ?? ""]));
  }

  async groupMembers(sgid: number): Promise<number[]> {
    return (await this.read("servergroupclientlist", { sgid })).map((r) => Number(r.cldbid));
  }

  /** Adds the group to every client listed (one command); false when one already had it (2561). */
  async addToGroup(sgid: number, cldbids: number[]) {
    try {
      await this.write("servergroupaddclient", { sgid, cldbid: cldbids });
      return true;
    } catch (error) {
      if (error instanceof Ts3Error && error.id === 2561) return false;
      throw error;
    }
  }

  /** Removes the group; "default" when it is the server's default group (2564: nothing to remove). */
  async removeFromGroup(sgid: number, cldbids: number[]): Promise<"removed" | "absent" | "default"> {
    try {
      await this.write("servergroupdelclient", { sgid, cldbid: cldbids });
      return "removed";
    } catch (error) {
      if (error instanceof Ts3Error && error.id === 2564) return "default";
      if (error instanceof Ts3Error && error.emptyResult) return "absent";
      throw error;
    }
  }

  /** A privilege key for server group `sgid` that binds the redeeming identity to `uid`. */
  async privilegeKey(sgid: number, description: string, uid: string): Promise<string> {
    const [row] = await this.write("privilegekeyadd", { tokentype: 0, tokenid1: sgid, tokenid2: 0, tokendescription: description, tokencustomset: `ident=${BINDING_IDENT} value=${uid}` });
    if (!row?.token) throw new Ts3Error(1, "no token in the answer", "privilegekeyadd");
    return row.token;
  }

  async deletePrivilegeKey(token: string) {
    try {
      await this.write("privilegekeydelete", { token });
    } catch (error) {
      if (!(error instanceof Ts3Error && (error.id === 3840 || error.emptyResult))) throw error;
    }
  }

  /** Kicks the identity's online connections, then deletes it from the client database. */
  async deleteClient(cldbid: number) {
    const online = (await this.read("clientlist")).filter((c) => Number(c.client_database_id) === cldbid);
    for (const c of online) await this.write("clientkick", { clid: Number(c.clid), reasonid: 5, reasonmsg: "Auth service deleted" });
    try {
      await this.write("clientdbdelete", { cldbid });
    } catch (error) {
      if (!(error instanceof Ts3Error && error.id === 512)) throw error;
    }
  }

  stats() {
    return { reads: this.reads, writes: this.writes };
  }
}

export function ts3Port(settings: Settings) {
  return new Ts3Port(sharedQueryClient(settings));
}
