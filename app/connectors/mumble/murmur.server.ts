/**
 * Direct mode's view of murmur: an Ice client of one virtual server. Every call carries the Ice
 * secret in its context; each use opens a communicator and destroys it afterwards (calls to one
 * service are serialised by the service's job queue). Group membership lives in the root channel's
 * ACL groups (`add` lists registered user ids), which murmur evaluates for every channel below.
 */
import { murmurSlice, type MurmurAcl, type MurmurGroup, type MurmurServer, type MurmurSlice } from "./murmur-slice.server";
import type { MumbleSettings } from "./settings";

export class MurmurUnavailableError extends Error {}

export const ROOT_CHANNEL = 0;

export interface RootAcl {
  acls: MurmurAcl[];
  groups: MurmurGroup[];
  inherit: boolean;
}

/** Counts the remote calls (the bench and the drift report print them). */
export interface CallCounter {
  calls: number;
}

export class MurmurSession {
  constructor(
    private readonly server: MurmurServer,
    private readonly ctx: Map<string, string>,
    readonly counter: CallCounter,
    readonly slice: MurmurSlice,
  ) {}

  private call<T>(run: (s: MurmurServer, ctx: Map<string, string>) => Promise<T>): Promise<T> {
    this.counter.calls++;
    return run(this.server, this.ctx);
  }

  /** Registered users by id (SuperUser, id 0, included). */
  registeredUsers(filter = ""): Promise<Map<number, string>> {
    return this.call((s, c) => s.getRegisteredUsers(filter, c));
  }

  /** The id of the user registered under exactly `name` (murmur compares case-insensitively), or null. */
  async idOf(name: string): Promise<number | null> {
    const users = await this.registeredUsers(name);
    for (const [id, n] of users) if (n.toLowerCase() === name.toLowerCase()) return id;
    return null;
  }

  register(name: string, password: string): Promise<number> {
    return this.call((s, c) => s.registerUser(new Map([[this.slice.userInfo.UserName, name], [this.slice.userInfo.UserPassword, password]]), c));
  }

  /** Renames and/or sets the password; false when the id is not registered. */
  async update(id: number, fields: { name?: string; password?: string }): Promise<boolean> {
    const info = new Map<unknown, string>();
    if (fields.name !== undefined) info.set(this.slice.userInfo.UserName, fields.name);
    if (fields.password !== undefined) info.set(this.slice.userInfo.UserPassword, fields.password);
    try {
      await this.call((s, c) => s.updateRegistration(id, info, c));
      return true;
    } catch (error) {
      if (this.slice.isException(error, "InvalidUserException")) return false;
      throw error;
    }
  }

  /** The registration's last activity (murmur's UserLastActive, UTC "YYYY-MM-DD hh:mm:ss"), null if none or unknown id. */
  async lastActive(id: number): Promise<string | null> {
    try {
      const info = await this.call((s, c) => s.getRegistration(id, c));
      return info.get(this.slice.userInfo.UserLastActive) || null;
    } catch (error) {
      if (this.slice.isException(error, "InvalidUserException")) return null;
      throw error;
    }
  }

  async rootAcl(): Promise<RootAcl> {
    const [acls, groups, inherit] = await this.call((s, c) => s.getACL(ROOT_CHANNEL, c));
    return { acls, groups, inherit };
  }

  /** setACL replaces the channel's whole ACL: always pass what rootAcl() read, changed. */
  setRootAcl(acl: RootAcl): Promise<void> {
    return this.call((s, c) => s.setACL(ROOT_CHANNEL, acl.acls.filter((a) => !a.inherited), acl.groups.filter((g) => !g.inherited), acl.inherit, c));
  }

  /** Channels and ACLs of other channels (tests build a channel only a group may enter). */
  raw(): MurmurServer {
    return this.server;
  }

  context(): Map<string, string> {
    return this.ctx;
  }
}

/**
 * Group membership as murmur holds it: group name → registered ids in the root channel's `add` list.
 * Only `managed` names are touched; other groups (admin …) and other ids stay as they are.
 */
export function membershipOf(acl: RootAcl, managed: Set<string>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const g of acl.groups) if (managed.has(g.name)) out.set(g.name, new Set(g.add ?? []));
  return out;
}

/** Writes `membership` (managed groups only) into the ACL read before; new groups are created inheritable. */
export function withMembership(slice: Pick<MurmurSlice, "newGroup">, acl: RootAcl, membership: Map<string, Set<number>>): RootAcl {
  // Copies keep the Slice struct's class (its marshalling lives on the prototype).
  const groups = acl.groups.map((g) => (membership.has(g.name) ? Object.assign(Object.create(Object.getPrototypeOf(g)) as MurmurGroup, g, { add: [...membership.get(g.name)!].sort((a, b) => a - b) }) : g));
  for (const [name, ids] of membership) if (!acl.groups.some((g) => g.name === name) && ids.size) groups.push(slice.newGroup(name, [...ids].sort((a, b) => a - b)));
  return { ...acl, groups };
}

/** Opens murmur's virtual server, runs `use`, and always destroys the communicator. */
export async function withMurmur<T>(settings: MumbleSettings, use: (session: MurmurSession) => Promise<T>, counter: CallCounter = { calls: 0 }): Promise<T> {
  const slice = await murmurSlice();
  const Ice = slice.Ice;
  const init = new Ice.InitializationData();
  init.properties = Ice.createProperties();
  init.properties.setProperty("Ice.Default.EncodingVersion", "1.0");
  init.properties.setProperty("Ice.Default.InvocationTimeout", String(settings.timeoutMs));
  const communicator = Ice.initialize(init);
  const ctx = new Map(settings.iceSecret ? [["secret", settings.iceSecret]] : []);
  try {
    const meta = slice.metaProxy(communicator, `Meta:tcp -h ${settings.iceHost} -p ${settings.icePort} -t ${settings.timeoutMs}`);
    let server: MurmurServer | null;
    try {
      counter.calls++;
      server = await meta.getServer(settings.serverId, ctx);
    } catch (error) {
      if (slice.isException(error, "InvalidSecretException")) throw new MurmurUnavailableError("murmur refused the Ice secret (MUMBLE_ICE_SECRET must match icesecretwrite)");
      throw new MurmurUnavailableError(`murmur's Ice endpoint ${settings.iceHost}:${settings.icePort} did not answer (${(error as Error)?.constructor?.name ?? "error"})`);
    }
    if (!server) throw new MurmurUnavailableError(`murmur has no virtual server ${settings.serverId}`);
    return await use(new MurmurSession(server, ctx, counter, slice));
  } catch (error) {
    if (slice.isException(error, "ServerBootedException")) throw new MurmurUnavailableError(`murmur's virtual server ${settings.serverId} is not running`);
    // Ice's transport errors (timeouts, refused connections) carry their name, not a message.
    if (error instanceof slice.Ice.LocalException) throw new MurmurUnavailableError(`murmur's Ice call failed (${(error as { ice_id?(): string }).ice_id?.() ?? "Ice error"})`);
    throw error;
  } finally {
    await communicator.destroy();
  }
}
