/**
 * Discourse's admin API: `Api-Key` and `Api-Username` headers, JSON answers, redirects not followed (a
 * redirect means a wrong key or host). Rate limits: every admin-key request shares one site-wide bucket
 * (60/min by default); a 429 carries `Retry-After` (and `extras.wait_seconds`). A short wait is slept
 * and the call retried; a long one fails with DiscourseRateLimitedError so the job comes back later.
 */
import { callService, type HttpAnswer } from "~/modules/services/http.server";

export class DiscourseError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    endpoint: string,
  ) {
    super(`Discourse ${status} ${endpoint}: ${errors.join("; ") || "error"}`);
    this.name = "DiscourseError";
  }
}

export class DiscourseRateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Discourse rate limit: retry after ${retryAfterSeconds} s`);
    this.name = "DiscourseRateLimitedError";
  }
}

export interface DiscourseGroup {
  id: number;
  name: string;
  automatic: boolean;
}

export interface DiscourseUser {
  id: number;
  username: string;
  name?: string | null;
  suspended_till?: string | null;
  groups?: DiscourseGroup[];
}

export interface DiscourseClientOptions {
  url: string;
  apiKey: string;
  apiUsername: string;
  /** Longest Retry-After slept in the call (ms); longer ones fail. Default 10 s. */
  maxWaitMs?: number;
  /** 429s retried within one call. Default 3. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const SUSPEND_REASON = "Disabled by auth.";
const SUSPEND_DAYS = 99999;

export class DiscourseClient {
  readonly stats = { reads: 0, writes: 0, rateLimited: 0 };
  constructor(private readonly options: DiscourseClientOptions) {}

  private async call(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: { json?: unknown; form?: Record<string, string> }): Promise<HttpAnswer> {
    const { url, apiKey, apiUsername } = this.options;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      const answer = await callService({ service: "Discourse", method, url: `${url.replace(/\/+$/, "")}${path}`, headers: { "api-key": apiKey, "api-username": apiUsername }, ...body });
      if (method === "GET") this.stats.reads++;
      else this.stats.writes++;
      if (answer.status === 429) {
        this.stats.rateLimited++;
        const extras = (answer.json as { extras?: { wait_seconds?: number } } | undefined)?.extras;
        const wait = Number(answer.headers["retry-after"] ?? extras?.wait_seconds ?? 11);
        const seconds = Number.isFinite(wait) && wait >= 0 ? wait : 11;
        if (seconds * 1000 > (this.options.maxWaitMs ?? 10_000) || attempt >= (this.options.maxRetries ?? 3)) throw new DiscourseRateLimitedError(seconds);
        await sleep(seconds * 1000);
        continue;
      }
      const errors = (answer.json as { errors?: unknown } | undefined)?.errors;
      const list = Array.isArray(errors) ? errors.map(String) : [];
      if (answer.status >= 300 || list.length) throw new DiscourseError(answer.status, list.length ? list : [answer.status >= 300 && answer.status < 400 ? "redirected (wrong API key or URL?)" : answer.text.slice(0, 200)], `${method} ${path}`);
      return answer;
    }
  }

  /** Every group (automatic ones included; callers filter). */
  async groups(): Promise<DiscourseGroup[]> {
    const answer = await this.call("GET", "/groups/search.json");
    return ((answer.json as DiscourseGroup[] | undefined) ?? []).map((g) => ({ id: g.id, name: g.name, automatic: Boolean(g.automatic) }));
  }

  async createGroup(name: string): Promise<DiscourseGroup> {
    const answer = await this.call("POST", "/admin/groups.json", { json: { group: { name, visible: true, automatic_membership_retroactive: false, primary_group: false, grant_trust_level: 1 } } });
    const group = (answer.json as { basic_group: { id: number; name: string } }).basic_group;
    return { id: group.id, name: group.name, automatic: false };
  }

  /** The user DiscourseConnect created for our user id, or null. */
  async userByExternalId(externalId: number): Promise<DiscourseUser | null> {
    try {
      const answer = await this.call("GET", `/users/by-external/${externalId}.json`);
      return (answer.json as { user: DiscourseUser }).user;
    } catch (error) {
      if (error instanceof DiscourseError && error.status === 404) return null;
      throw error;
    }
  }

  async addMember(groupId: number, username: string) {
    await this.call("PUT", `/groups/${groupId}/members.json`, { form: { usernames: username } });
  }

  /** By username (a comma-separated string, as Discourse expects; the original's numeric id fails there). */
  async removeMember(groupId: number, username: string) {
    await this.call("DELETE", `/groups/${groupId}/members.json`, { form: { usernames: username } });
  }

  async logOut(userId: number) {
    await this.call("POST", `/admin/users/${userId}/log_out.json`);
  }

  async suspend(userId: number, now = new Date()) {
    const until = new Date(now.getTime() + SUSPEND_DAYS * 86_400_000).toISOString();
    await this.call("PUT", `/admin/users/${userId}/suspend.json`, { form: { suspend_until: until, reason: SUSPEND_REASON } });
  }

  async unsuspend(userId: number) {
    await this.call("PUT", `/admin/users/${userId}/unsuspend.json`);
  }

  /** Usernames in a group (first 1,000). */
  async groupMembers(name: string): Promise<string[]> {
    const answer = await this.call("GET", `/groups/${encodeURIComponent(name)}/members.json?limit=1000`);
    return ((answer.json as { members?: { username: string }[] } | undefined)?.members ?? []).map((m) => m.username);
  }
}
