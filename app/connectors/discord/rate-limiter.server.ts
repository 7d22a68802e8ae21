/**
 * The rate-limit policy in front of every Discord call, over a shared RateLimitStore:
 * - buckets learned from `X-RateLimit-*` headers: route → bucket hash, windows per (hash, major parameter);
 * - a global window kept below Discord's 50 requests/s in ANY second (10 per 250 ms: two adjacent
 *   fixed windows can never add up to more than 50 within one second);
 * - 429s: `retry_after` (seconds, float) honoured per bucket, globally only when `global` is set,
 *   for the one request on shared-scope and sublimit 429s (they never stall the bucket);
 * - invalid requests (401, 403, non-shared 429) counted; calls stop well before Discord's ban.
 */
import type { RateLimitStore } from "./rate-limit-store.server";

export const GLOBAL_WINDOW_MS = 250;
export const GLOBAL_PER_WINDOW = 10;
/** Discord bans an IP after 10,000 invalid requests in 10 minutes; we stop at a tenth of that. */
export const INVALID_WINDOW_MS = 10 * 60_000;
export const DEFAULT_INVALID_BUDGET = 1_000;
/** Added to every wait, for clock granularity and network delay. */
const MARGIN_MS = 50;
/**
 * A route whose bucket nobody has learned yet: one request at a time across processes, until its
 * answer names the bucket. Otherwise a request in flight under the route's own key is invisible to
 * the bucket's window, and another process can spend that window meanwhile (a 429 from Discord).
 */
export const UNKNOWN_BUCKET_PROBE_MS = 1_000;
const GLOBAL_SHAPE = { limit: GLOBAL_PER_WINDOW, windowMs: GLOBAL_WINDOW_MS };

export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  resetAfterMs: number;
  bucket: string | null;
}

export function readRateLimitHeaders(headers: Record<string, string | string[] | undefined>): RateLimitHeaders | null {
  const get = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const limit = Number(get("x-ratelimit-limit"));
  const remaining = Number(get("x-ratelimit-remaining"));
  const resetAfter = Number(get("x-ratelimit-reset-after"));
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(resetAfter) || get("x-ratelimit-limit") === undefined) return null;
  return { limit, remaining, resetAfterMs: Math.ceil(resetAfter * 1000), bucket: get("x-ratelimit-bucket") ?? null };
}

export class RateLimiter {
  private buckets = new Map<string, string>();
  /** Route keys (`r:…`) this process has had an answer under: no bucket header, so no probing. */
  private answered = new Set<string>();
  private invalid = { count: 0, resetAt: 0 };
  private invalidReadAt = -Infinity;

  constructor(
    private readonly store: RateLimitStore,
    private readonly now: () => number,
    readonly invalidBudget = DEFAULT_INVALID_BUDGET,
  ) {}

  /** The window key of a route for one major parameter: by bucket hash once Discord told us. */
  async keyFor(route: string, major: string): Promise<string> {
    let hash = this.buckets.get(route) ?? null;
    if (!hash) {
      hash = await this.store.getBucket(route);
      if (hash) this.buckets.set(route, hash);
    }
    return hash ? `b:${hash}:${major}` : `r:${route}:${major}`;
  }

  /** ms to wait before this request may go (0: it may, and it has been counted). */
  async acquire(key: string): Promise<number> {
    // The shared count is read at most once a second per process: the budget is a tenth of the ban.
    if (this.now() - this.invalidReadAt >= 1000) {
      this.invalid = await this.store.invalidCount(this.now());
      this.invalidReadAt = this.now();
    }
    if (this.invalid.count >= this.invalidBudget && this.invalid.resetAt > this.now()) return -Math.max(1, this.invalid.resetAt - this.now());
    // Global first: a slot it wastes when the bucket then says "wait" is back within 250 ms, whereas
    // a wasted bucket slot can cost a whole bucket window.
    const globalWait = await this.store.acquireFixed("global", GLOBAL_PER_WINDOW, GLOBAL_WINDOW_MS, this.now());
    if (globalWait > 0) return globalWait + 1;
    const probing = key.startsWith("r:") && !this.answered.has(key);
    const bucketWait = probing ? await this.store.acquireFixed(key, 1, UNKNOWN_BUCKET_PROBE_MS, this.now()) : await this.store.acquire(key, this.now());
    return bucketWait > 0 ? bucketWait + MARGIN_MS : 0;
  }

  /** Learns from a response's headers (any status). */
  async learn(route: string, major: string, usedKey: string, headers: Record<string, string | string[] | undefined>) {
    if (usedKey.startsWith("r:")) this.answered.add(usedKey);
    const info = readRateLimitHeaders(headers);
    if (!info) return;
    let key = usedKey;
    if (info.bucket) {
      if (this.buckets.get(route) !== info.bucket) {
        this.buckets.set(route, info.bucket);
        await this.store.setBucket(route, info.bucket);
      }
      key = `b:${info.bucket}:${major}`;
    }
    await this.store.update(key, info.limit, info.remaining, info.resetAfterMs, this.now());
  }

  /**
   * After a 429 with a JSON body: blocks what must be blocked and returns the ms this request waits.
   * `scope` and `global` come from the headers and body; a sublimit shows requests still remaining.
   */
  async onRateLimited(key: string, retryAfterSeconds: number, options: { global: boolean; scope: string | null; sublimit: boolean }): Promise<number> {
    const waitMs = Math.ceil(retryAfterSeconds * 1000) + MARGIN_MS;
    const now = this.now();
    if (options.scope !== "shared") this.invalid = await this.store.countInvalid(now, INVALID_WINDOW_MS);
    if (options.global) await this.store.block("global", now + waitMs, now, GLOBAL_SHAPE);
    else if (options.scope !== "shared" && !options.sublimit) await this.store.block(key, now + waitMs, now);
    return waitMs;
  }

  /** A Cloudflare ban (429 without JSON): nothing goes out until it ends. */
  async onBanned(retryAfterSeconds: number) {
    const now = this.now();
    this.invalid = await this.store.countInvalid(now, INVALID_WINDOW_MS);
    await this.store.block("global", now + retryAfterSeconds * 1000, now, GLOBAL_SHAPE);
  }

  async onInvalid(status: number) {
    if (status === 401 || status === 403) this.invalid = await this.store.countInvalid(this.now(), INVALID_WINDOW_MS);
  }
}
