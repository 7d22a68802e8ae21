/**
 * XenAPI (`api.php`, Contex/XenAPI 1.4): every call a GET with `action`, its arguments and the API key
 * as `hash`. Errors are HTTP 400 `{error, message}`; user errors are general error 7 with
 * `user_error_id` (40 name taken, 42 email taken, 8 already in the group, 12 not in the group …).
 */
import { callService } from "~/modules/services/http.server";

export const XENAPI = {
  noUser: 4,
  userError: 7,
  userExists: 40,
  alreadyInGroup: 8,
  notInGroup: 12,
} as const;

export class XenForoError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    readonly userErrorId: number | null,
    message: string,
  ) {
    super(`XenForo ${status} error ${code ?? "?"}${userErrorId ? `/${userErrorId}` : ""}: ${message}`);
    this.name = "XenForoError";
  }
}

export interface XenForoUser {
  user_id: number;
  username: string;
  email?: string;
  user_group_id?: number;
  secondary_group_ids?: string;
}

export function xenForoUrl(endpoint: string) {
  return /^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}

export class XenForoClient {
  constructor(
    private readonly endpoint: string,
    private readonly apiKey: string,
  ) {}

  private async call(action: string, args: Record<string, string | number>): Promise<Record<string, unknown>> {
    const url = new URL(xenForoUrl(this.endpoint));
    url.searchParams.set("action", action);
    for (const [k, v] of Object.entries(args)) url.searchParams.set(k, String(v));
    url.searchParams.set("hash", this.apiKey);
    const answer = await callService({ service: "XenForo", method: "GET", url: url.toString() });
    const body = (answer.json ?? {}) as Record<string, unknown>;
    if (answer.status === 200 && answer.json !== undefined) return body;
    throw new XenForoError(answer.status, typeof body.error === "number" ? body.error : null, typeof body.user_error_id === "number" ? body.user_error_id : null, typeof body.message === "string" ? body.message : answer.text.slice(0, 200));
  }

  async register(input: { username: string; password: string; email: string; group: number }): Promise<XenForoUser> {
    return (await this.call("register", { username: input.username, password: input.password, email: input.email, group: input.group, visible: 1, user_state: "valid" })) as unknown as XenForoUser;
  }

  /** `user` is the user id or name; `username` renames (user error 40 when the name is taken). */
  async editUser(user: string, changes: { password?: string; username?: string; add_groups?: number; remove_groups?: number }) {
    const args: Record<string, string | number> = { user };
    for (const [k, v] of Object.entries(changes)) if (v !== undefined) args[k] = v;
    return this.call("editUser", args);
  }

  /** The user, or null when XenAPI finds none (general error 4). */
  async getUser(value: string): Promise<XenForoUser | null> {
    try {
      return (await this.call("getUser", { value })) as unknown as XenForoUser;
    } catch (error) {
      if (error instanceof XenForoError && error.code === XENAPI.noUser) return null;
      throw error;
    }
  }
}

export const isUserError = (error: unknown, id: number) => error instanceof XenForoError && error.code === XENAPI.userError && error.userErrorId === id;
