/**
 * The ESI HTTP client: undici with timeouts, our User-Agent and compatibility date, an ETag/Expires
 * cache and an error-budget governor shared by every process through the database. It never
 * retries by itself: callers run in jobs, and the job system retries with backoff.
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { request } from "../ops/undici.server";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { APP_VERSION } from "../ops/version.server";

export type EsiSettings = Pick<Settings, "ESI_API_URL" | "ESI_USER_CONTACT_EMAIL" | "ESI_TIMEOUT_SECONDS"> & Partial<Pick<Settings, "ESI_COMPATIBILITY_DATE">>;

/**
 * The default of ESI_COMPATIBILITY_DATE: ESI's behaviour is pinned to this date (header
 * X-Compatibility-Date). Every route we read is parsed with the schema of the date in use
 * (entities.server.ts accepts the field names of both sides of each change we know of).
 */
export const ESI_COMPATIBILITY_DATE = "2025-09-30";

/** One User-Agent for ESI and the SSO: app, version and the operator's contact, as CCP asks. */
export function eveUserAgent(settings: { ESI_USER_CONTACT_EMAIL?: string }) {
  const contact = settings.ESI_USER_CONTACT_EMAIL || "no contact configured";
  return `AllianceAuthTS/${APP_VERSION} (${contact})`;
}
/** Stop calling ESI while this few errors are left in the window (the budget is 100 a minute). */
export const ERROR_BUDGET_RESERVE = 10;

export class EsiError extends Error {
  constructor(
    public readonly status: number,
    public readonly path: string,
    public readonly body: string,
  ) {
    super(`ESI ${path} answered ${status}: ${body.slice(0, 200)}`);
  }
  get notFound() {
    return this.status === 404;
  }
  /** Worth retrying later (server errors, error limiting). */
  get transient() {
    return this.status >= 500 || this.status === 420 || this.status === 429;
  }
}

/** ESI could not be reached, or the error budget is spent: try again after `retryAt`. */
export class EsiUnavailableError extends Error {
  constructor(
    message: string,
    public readonly retryAt: Date | null = null,
  ) {
    super(message);
  }
}

export interface EsiResponse<T> {
  data: T;
  /** true when served from the cache (fresh, or confirmed by a 304). */
  cached: boolean;
}

export class EsiClient {
  /** Requests actually sent (for benchmarks and tests). */
  calls = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly settings: EsiSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private url(path: string) {
    return `${this.settings.ESI_API_URL.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  }

  /** Refuses to call while the shared error budget is nearly spent. */
  private async checkBudget() {
    const row = await this.db.selectFrom("esi_error_budget").selectAll().where("id", "=", 1).executeTakeFirst();
    if (row && row.remain <= ERROR_BUDGET_RESERVE && row.reset_at > this.now()) {
      throw new EsiUnavailableError(`ESI error budget nearly spent (${row.remain} left); waiting until ${row.reset_at.toISOString()}`, row.reset_at);
    }
  }

  private async recordBudget(headers: Record<string, string | string[] | undefined>, status: number) {
    const remainHeader = headers["x-esi-error-limit-remain"];
    const resetHeader = headers["x-esi-error-limit-reset"];
    if (remainHeader === undefined && status !== 420) return;
    const remain = status === 420 ? 0 : Number(remainHeader);
    const reset = Number(resetHeader ?? 60);
    if (!Number.isFinite(remain)) return;
    const now = this.now();
    const values = { remain, reset_at: new Date(now.getTime() + (Number.isFinite(reset) ? reset : 60) * 1000), updated_at: now };
    const updated = await this.db.updateTable("esi_error_budget").set(values).where("id", "=", 1).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await this.db
        .insertInto("esi_error_budget")
        .values({ id: 1, ...values })
        .execute()
        .catch(() => this.db.updateTable("esi_error_budget").set(values).where("id", "=", 1).execute());
    }
  }

  private async send(method: "GET" | "POST", path: string, options: { body?: unknown; token?: string; etag?: string | null }) {
    await this.checkBudget();
    const headers: Record<string, string> = {
      "user-agent": eveUserAgent(this.settings),
      "x-compatibility-date": this.settings.ESI_COMPATIBILITY_DATE ?? ESI_COMPATIBILITY_DATE,
      accept: "application/json",
    };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.etag) headers["if-none-match"] = options.etag;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response;
    try {
      this.calls++;
      response = await request(this.url(path), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        headersTimeout: this.settings.ESI_TIMEOUT_SECONDS * 1000,
        bodyTimeout: this.settings.ESI_TIMEOUT_SECONDS * 1000,
      });
    } catch (error) {
      throw new EsiUnavailableError(`ESI unreachable: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    await this.recordBudget(response.headers, response.statusCode);
    if (response.statusCode === 429) {
      // A rate-limit group (X-Ratelimit-*) is spent: nothing of that group before Retry-After.
      const seconds = Number(response.headers["retry-after"] ?? 60);
      throw new EsiUnavailableError(`ESI rate limit on ${path}`, new Date(this.now().getTime() + (Number.isFinite(seconds) ? seconds : 60) * 1000));
    }
    return { status: response.statusCode, headers: response.headers, text };
  }

  /** GET with the shared cache for public routes: no request before `Expires`, then If-None-Match. */
  async get<T>(path: string, options: { token?: string } = {}): Promise<EsiResponse<T>> {
    const cacheable = !options.token;
    const key = createHash("sha256").update(this.url(path)).digest("hex");
    const entry = cacheable ? await this.db.selectFrom("esi_cache").selectAll().where("cache_key", "=", key).executeTakeFirst() : undefined;
    if (entry && entry.expires_at > this.now()) return { data: JSON.parse(entry.body) as T, cached: true };
    const { status, headers, text } = await this.send("GET", path, { token: options.token, etag: entry?.etag });
    if (status === 304 && entry) {
      await this.db.updateTable("esi_cache").set({ expires_at: expiresFrom(headers, this.now()), updated_at: this.now() }).where("cache_key", "=", key).execute();
      return { data: JSON.parse(entry.body) as T, cached: true };
    }
    if (status !== 200) throw new EsiError(status, path, text);
    if (cacheable) await this.store(key, path, headers, text);
    return { data: JSON.parse(text) as T, cached: false };
  }

  /** POST; an array body (bulk ids or names) is sent without duplicates, which ESI refuses (uniqueItems). */
  async post<T>(path: string, body: unknown): Promise<T> {
    const { status, text } = await this.send("POST", path, { body: Array.isArray(body) ? [...new Set(body)] : body });
    if (status !== 200 && status !== 201) throw new EsiError(status, path, text);
    return JSON.parse(text) as T;
  }

  private async store(key: string, path: string, headers: Record<string, string | string[] | undefined>, body: string) {
    const etag = typeof headers.etag === "string" ? headers.etag.slice(0, 255) : null;
    const values = { url: this.url(path).slice(0, 1000), etag, expires_at: expiresFrom(headers, this.now()), body, updated_at: this.now() };
    const updated = await this.db.updateTable("esi_cache").set(values).where("cache_key", "=", key).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await this.db
        .insertInto("esi_cache")
        .values({ cache_key: key, ...values })
        .execute()
        .catch(() => {}); // another process stored it meanwhile
    }
  }
}

function expiresFrom(headers: Record<string, string | string[] | undefined>, now: Date): Date {
  const expires = typeof headers.expires === "string" ? Date.parse(headers.expires) : NaN;
  if (Number.isFinite(expires)) return new Date(expires);
  const maxAge = /max-age=(\d+)/.exec(String(headers["cache-control"] ?? ""));
  return new Date(now.getTime() + (maxAge ? Number(maxAge[1]) : 0) * 1000);
}
