/**
 * The Discord REST API v10 client used by the Discord connector: bot-token calls (and one user-token
 * call) with undici, typed with discord-api-types, behind the shared rate limiter. Server errors and
 * timeouts are retried with backoff (never for POST, which is not idempotent); 429s wait `retry_after`
 * when it is short and otherwise fail as DiscordUnavailableError("rate_limited") with the retry time,
 * so a job can come back later instead of sleeping for days (role creation).
 */
import type { APIGuild, APIGuildMember, APIRole, APIUser, RESTPostAPIGuildRoleJSONBody } from "discord-api-types/v10";
import { request } from "../../modules/ops/undici.server";
import { APP_VERSION } from "../../modules/ops/version.server";
import { DiscordApiError, DiscordUnavailableError } from "./errors.server";
import { MemoryRateLimitStore, type RateLimitStore } from "./rate-limit-store.server";
import { DEFAULT_INVALID_BUDGET, RateLimiter, readRateLimitHeaders } from "./rate-limiter.server";

export const DISCORD_API_BASE = "https://discord.com/api";
export const API_VERSION = 10;

export interface DiscordClientOptions {
  botToken: string;
  /** Without the version: `https://discord.com/api` (the client adds `/v10`). */
  apiBase?: string;
  /** Shared windows; the default (memory) is right for one process only. */
  store?: RateLimitStore;
  /** Our URL for the User-Agent `DiscordBot (url, version)`. */
  siteUrl?: string;
  /** Per request (headers and body each), ms. Default 30 s. */
  timeoutMs?: number;
  /** Retries after a 5xx or a timeout (GET, PUT, PATCH, DELETE). Default 3. */
  maxRetries?: number;
  /** First backoff in ms, doubled per retry, plus jitter. Default 500. */
  backoffMs?: number;
  /** A rate-limit wait longer than this is not slept: the call fails with `retryAt`. Default 10 s. */
  maxWaitMs?: number;
  /** Invalid requests (401/403/429) per 10 minutes after which calls stop. Default 1,000 (Discord bans at 10,000). */
  invalidBudget?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AddMemberOptions {
  /** The user's OAuth2 access token (scope guilds.join) from the same application as the bot. */
  accessToken: string;
  roles?: string[];
  nick?: string | null;
}

export type AddMemberResult = { added: true; member: APIGuildMember } | { added: false };

interface CallOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** User token: `Authorization: Bearer` instead of the bot token. */
  bearer?: string;
  /** Audit-log reason (not accepted by PUT member). */
  reason?: string;
}

const SNOWFLAKE = /^\d{1,20}$/;
function id(value: string, what: string): string {
  if (!SNOWFLAKE.test(value)) throw new TypeError(`Discord ${what} must be a snowflake, got ${JSON.stringify(value)}`);
  return value;
}

/** Discord's limit is 32 code points; trims, and null when nothing is left. */
export function cutNickname(nick: string | null | undefined): string | null {
  const cut = Array.from((nick ?? "").trim().replace(/\s+/g, " ")).slice(0, 32).join("").trim();
  return cut || null;
}

export function cutRoleName(name: string): string {
  return Array.from(name).slice(0, 100).join("");
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DiscordClient {
  /** Requests actually sent (tests, benchmarks). */
  calls = 0;
  private readonly limiter: RateLimiter;
  private readonly base: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tokenRejected = false;

  constructor(private readonly options: DiscordClientOptions) {
    this.base = `${(options.apiBase ?? DISCORD_API_BASE).replace(/\/+$/, "")}/v${API_VERSION}`;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleeper;
    this.limiter = new RateLimiter(options.store ?? new MemoryRateLimitStore(), this.now, options.invalidBudget ?? DEFAULT_INVALID_BUDGET);
  }

  get userAgent() {
    return `DiscordBot (${this.options.siteUrl || "https://github.com/allianceauth-ts"}, ${APP_VERSION})`;
  }

  // ---- endpoints ---------------------------------------------------------------------------------

  getGuild(guildId: string): Promise<APIGuild> {
    return this.call("GET", "/guilds/{guild.id}", guildId, `/guilds/${id(guildId, "guild id")}`);
  }

  listRoles(guildId: string): Promise<APIRole[]> {
    return this.call("GET", "/guilds/{guild.id}/roles", guildId, `/guilds/${id(guildId, "guild id")}/roles`);
  }

  /** The name is cut to 100 characters. Role creation has a harsh limit (about 250 per 48 h). */
  createRole(guildId: string, role: RESTPostAPIGuildRoleJSONBody & { name: string }, reason?: string): Promise<APIRole> {
    return this.call("POST", "/guilds/{guild.id}/roles", guildId, `/guilds/${id(guildId, "guild id")}/roles`, { body: { ...role, name: cutRoleName(role.name) }, reason });
  }

  async deleteRole(guildId: string, roleId: string, reason?: string): Promise<void> {
    await this.call("DELETE", "/guilds/{guild.id}/roles/{role.id}", guildId, `/guilds/${id(guildId, "guild id")}/roles/${id(roleId, "role id")}`, { reason });
  }

  /** Every member, a page (up to `pageSize`, default 1000) at a time. Needs the GUILD_MEMBERS intent (else 50001). */
  async *listMembers(guildId: string, options: { pageSize?: number; after?: string } = {}): AsyncGenerator<APIGuildMember[]> {
    const limit = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
    let after = options.after ?? "0";
    for (;;) {
      const page: APIGuildMember[] = await this.call("GET", "/guilds/{guild.id}/members", guildId, `/guilds/${id(guildId, "guild id")}/members`, { query: { limit: String(limit), after } });
      if (page.length) yield page;
      if (page.length < limit) return;
      after = page[page.length - 1].user.id;
    }
  }

  /** The member, or null when the user is not in the guild (10007) or does not exist (10013). */
  async getMember(guildId: string, userId: string): Promise<APIGuildMember | null> {
    try {
      return await this.call("GET", "/guilds/{guild.id}/members/{user.id}", guildId, `/guilds/${id(guildId, "guild id")}/members/${id(userId, "user id")}`);
    } catch (error) {
      if (error instanceof DiscordApiError && error.unknownMember) return null;
      throw error;
    }
  }

  /** PUT member: `added: false` (204) means the user was already there and roles/nick were NOT applied. */
  async addMember(guildId: string, userId: string, options: AddMemberOptions): Promise<AddMemberResult> {
    const body: Record<string, unknown> = { access_token: options.accessToken };
    if (options.roles) body.roles = options.roles.map((r) => id(r, "role id"));
    if (options.nick !== undefined) body.nick = cutNickname(options.nick);
    const member = await this.call<APIGuildMember | undefined>("PUT", "/guilds/{guild.id}/members/{user.id}", guildId, `/guilds/${id(guildId, "guild id")}/members/${id(userId, "user id")}`, { body });
    return member ? { added: true, member } : { added: false };
  }

  /** One PATCH: `roles` replaces the whole list (keep managed roles in it); `nick: null` clears the nickname. */
  modifyMember(guildId: string, userId: string, changes: { roles?: string[]; nick?: string | null }, reason?: string): Promise<APIGuildMember> {
    const body: Record<string, unknown> = {};
    if (changes.roles) body.roles = changes.roles.map((r) => id(r, "role id"));
    if (changes.nick !== undefined) body.nick = cutNickname(changes.nick);
    return this.call("PATCH", "/guilds/{guild.id}/members/{user.id}", guildId, `/guilds/${id(guildId, "guild id")}/members/${id(userId, "user id")}`, { body, reason });
  }

  /** Kick. */
  async removeMember(guildId: string, userId: string, reason?: string): Promise<void> {
    await this.call("DELETE", "/guilds/{guild.id}/members/{user.id}", guildId, `/guilds/${id(guildId, "guild id")}/members/${id(userId, "user id")}`, { reason });
  }

  /**
   * The user behind an OAuth2 access token (scope identify). Discord limits this route per token;
   * all tokens share one window here (activations are rare), so no row is stored per user.
   */
  getCurrentUser(accessToken: string): Promise<APIUser> {
    return this.call("GET", "/users/@me", "@me", "/users/@me", { bearer: accessToken });
  }

  // ---- transport ---------------------------------------------------------------------------------

  /**
   * Waits for the rate limiter and returns the window key the request was counted in; throws when the
   * wait would be too long or the invalid budget is spent. The key is looked up again after each wait:
   * a route's bucket may have been learned meanwhile (by this process or another).
   */
  private async waitForTurn(route: string, major: string): Promise<string> {
    const maxWait = this.options.maxWaitMs ?? 10_000;
    let waited = 0;
    for (;;) {
      const key = await this.limiter.keyFor(route, major);
      const wait = await this.limiter.acquire(key);
      if (wait === 0) return key;
      if (wait < 0) {
        throw new DiscordUnavailableError("invalid_request_budget", "Discord calls paused: too many invalid requests in the last 10 minutes", new Date(this.now() - wait));
      }
      if (wait > maxWait || waited + wait > maxWait * 3) {
        throw new DiscordUnavailableError("rate_limited", `Discord rate limit: next request allowed in ${Math.ceil(wait / 1000)} s`, new Date(this.now() + wait));
      }
      waited += wait;
      await this.sleep(wait);
    }
  }

  private backoff(attempt: number) {
    const base = this.options.backoffMs ?? 500;
    return base * 2 ** attempt + Math.floor(Math.random() * (base / 2));
  }

  private async call<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", template: string, major: string, path: string, options: CallOptions = {}): Promise<T> {
    const route = `${method} ${template}`;
    const retriable = method !== "POST";
    const maxRetries = this.options.maxRetries ?? 3;
    const maxWait = this.options.maxWaitMs ?? 10_000;
    const timeout = this.options.timeoutMs ?? 30_000;
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { "user-agent": this.userAgent, accept: "application/json" };
    headers.authorization = options.bearer ? `Bearer ${options.bearer}` : `Bot ${this.options.botToken}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.reason) headers["x-audit-log-reason"] = encodeURIComponent(options.reason.slice(0, 512));
    let failures = 0;
    let limited = 0;
    for (;;) {
      if (this.tokenRejected && !options.bearer) throw new DiscordUnavailableError("token_rejected", "Discord refused the bot token (401); fix DISCORD_BOT_TOKEN");
      const key = await this.waitForTurn(route, major);
      let status: number;
      let responseHeaders: Record<string, string | string[] | undefined>;
      let text: string;
      try {
        this.calls++;
        const response = await request(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: AbortSignal.timeout(timeout),
        });
        status = response.statusCode;
        responseHeaders = response.headers;
        text = await response.body.text();
      } catch (error) {
        const { code, name } = error as { code?: unknown; name?: unknown };
        const timedOut = String(code ?? "").includes("TIMEOUT") || name === "TimeoutError";
        if (retriable && failures < maxRetries) {
          await this.sleep(this.backoff(failures++));
          continue;
        }
        throw new DiscordUnavailableError(timedOut ? "timeout" : "unreachable", `Discord ${route}: ${(error as Error).message}`);
      }
      await this.limiter.learn(route, major, key, responseHeaders);
      if (status >= 200 && status < 300) return (status === 204 || !text ? undefined : JSON.parse(text)) as T;

      const json = parseJson(text);
      if (status === 429) {
        const retryHeader = Number(first(responseHeaders["retry-after"]));
        if (!json || typeof json.retry_after !== "number") {
          // Cloudflare's ban: plain text "error code: 1015". Nothing goes out until it ends.
          const seconds = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : 3600;
          await this.limiter.onBanned(seconds);
          throw new DiscordUnavailableError("cloudflare_ban", `Discord (Cloudflare) refuses requests: ${text.slice(0, 100)}`, new Date(this.now() + seconds * 1000));
        }
        const scope = first(responseHeaders["x-ratelimit-scope"]) ?? null;
        const isGlobal = json.global === true || first(responseHeaders["x-ratelimit-global"]) === "true";
        const remaining = readRateLimitHeaders(responseHeaders)?.remaining ?? 0;
        const wait = await this.limiter.onRateLimited(key, json.retry_after, { global: isGlobal, scope, sublimit: !isGlobal && scope !== "shared" && remaining > 0 });
        if (wait > maxWait || ++limited > 3) {
          throw new DiscordUnavailableError("rate_limited", `Discord ${route} rate limited for ${json.retry_after} s`, new Date(this.now() + wait));
        }
        await this.sleep(wait);
        continue;
      }
      if (status >= 500 && retriable && failures < maxRetries) {
        await this.sleep(this.backoff(failures++));
        continue;
      }
      await this.limiter.onInvalid(status);
      if (status === 401 && !options.bearer) this.tokenRejected = true;
      const code = typeof json?.code === "number" ? json.code : 0;
      const message = typeof json?.message === "string" ? json.message : text.slice(0, 200);
      throw new DiscordApiError(status, code, message, method, template, json);
    }
  }
}

function first(value: string | string[] | undefined) {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): Record<string, any> | null {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}
