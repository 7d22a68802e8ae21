/**
 * Openfire's REST API plugin (`/plugins/restapi/v1`, Secret Key Auth): the raw shared secret in
 * `Authorization`, JSON both ways. Group bodies use the key of plugin 1.7.1 and later (`groupnames`);
 * see docs/decisions/0028-openfire-rest-and-broadcast.md. Errors come back as
 * `{resource, message, exception}` and are raised as OpenfireError with the exception's name; auth
 * failures (401/403) have no body.
 */
import { callService, type HttpAnswer } from "~/modules/services/http.server";

export class OpenfireError extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    message: string,
  ) {
    super(`Openfire ${status} ${exception}: ${message}`);
    this.name = "OpenfireError";
  }
}

export interface OpenfireUser {
  username: string;
  name: string | null;
  email: string | null;
}

export interface OpenfireGroup {
  name: string;
  members: string[];
}

export class OpenfireClient {
  /** Requests answered since creation (the drift report's figures). */
  readonly stats = { reads: 0, writes: 0 };
  constructor(
    private readonly address: string,
    private readonly secret: string,
  ) {}

  private async call(method: "GET" | "POST" | "PUT" | "DELETE", path: string, json?: unknown): Promise<HttpAnswer> {
    const base = this.address.replace(/\/+$/, "");
    const answer = await callService({ service: "Openfire", method, url: `${base}/plugins/restapi/v1${path}`, headers: { authorization: this.secret }, json });
    if (method === "GET") this.stats.reads++;
    else this.stats.writes++;
    if (answer.status >= 200 && answer.status < 300) return answer;
    const body = (answer.json ?? {}) as { exception?: string; message?: string };
    throw new OpenfireError(answer.status, body.exception ?? (answer.status === 401 ? "RequestNotAuthorised" : answer.status === 403 ? "UserServiceDisabled" : "InvalidResponse"), body.message ?? answer.text.slice(0, 200));
  }

  private static user(username: string) {
    return `/users/${encodeURIComponent(username)}`;
  }

  /** Creates the user; false when the username is taken (409 UserAlreadyExistsException). */
  async createUser(username: string, password: string, name: string | null = null): Promise<boolean> {
    try {
      await this.call("POST", "/users", { username, password, name, email: null });
      return true;
    } catch (error) {
      if (error instanceof OpenfireError && error.exception === "UserAlreadyExistsException") return false;
      throw error;
    }
  }

  /** False when the user does not exist. */
  async deleteUser(username: string): Promise<boolean> {
    return this.orMissing(() => this.call("DELETE", OpenfireClient.user(username)).then(() => true), false);
  }

  /** Changes the password and/or the display name (fields left out stay); false when the user does not exist. */
  async updateUser(username: string, changes: { password?: string; name?: string }): Promise<boolean> {
    return this.orMissing(() => this.call("PUT", OpenfireClient.user(username), { username, ...changes }).then(() => true), false);
  }

  /** The user, or null when it does not exist. */
  async getUser(username: string): Promise<OpenfireUser | null> {
    return this.orMissing(async () => {
      const u = (await this.call("GET", OpenfireClient.user(username))).json as OpenfireUser;
      return { username: u.username, name: u.name ?? null, email: u.email ?? null };
    }, null);
  }

  /** The user's groups, or null when the user does not exist. */
  async userGroups(username: string): Promise<string[] | null> {
    return this.orMissing(async () => {
      const answer = await this.call("GET", `${OpenfireClient.user(username)}/groups`);
      const names = (answer.json as { groupnames?: string[] | string } | undefined)?.groupnames ?? [];
      return typeof names === "string" ? [names] : names;
    }, null);
  }

  /** Adds the user to the groups (the plugin creates groups that do not exist). */
  async addGroups(username: string, groups: string[]) {
    await this.call("POST", `${OpenfireClient.user(username)}/groups`, { groupnames: groups });
  }

  /** Removes the user from the groups (404 GroupNotFoundException when one does not exist). */
  async removeGroups(username: string, groups: string[]) {
    await this.call("DELETE", `${OpenfireClient.user(username)}/groups`, { groupnames: groups });
  }

  async listUsers(): Promise<OpenfireUser[]> {
    const answer = await this.call("GET", "/users");
    return ((answer.json as { users?: OpenfireUser[] } | undefined)?.users ?? []).map((u) => ({ username: u.username, name: u.name ?? null, email: u.email ?? null }));
  }

  /** Every group with its members (one listing, then one read per group). */
  async listGroupsWithMembers(): Promise<OpenfireGroup[]> {
    const answer = await this.call("GET", "/groups");
    const names = ((answer.json as { groups?: { name: string }[] } | undefined)?.groups ?? []).map((g) => g.name);
    const out: OpenfireGroup[] = [];
    for (const name of names) {
      const group = (await this.call("GET", `/groups/${encodeURIComponent(name)}`)).json as { members?: string[] };
      out.push({ name, members: (group?.members ?? []).map((jid) => jid.split("@")[0]) });
    }
    return out;
  }

  private async orMissing<T>(run: () => Promise<T>, missing: T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OpenfireError && error.exception === "UserNotFoundException") return missing;
      throw error;
    }
  }
}
