/**
 * The fake's rate limits: per-route buckets keyed on (bucket hash, major parameter), a global limit per
 * bot token, and the invalid-request counter that ends in a Cloudflare-style ban. Windows are fixed and
 * start at the first request after a reset, so `Reset-After` counts down within a window.
 */
import { createHash } from "node:crypto";

export type RouteGroup = "guild" | "roles" | "role-create" | "role-edit" | "members-list" | "member" | "member-add" | "member-role" | "me" | "oauth";

export interface BucketLimit {
  limit: number;
  windowMs: number;
}

/** Defaults close to what Discord shows: member routes 10 per 10 s, role creation 250 per 48 h. */
export const DEFAULT_LIMITS: Record<RouteGroup, BucketLimit> = {
  guild: { limit: 5, windowMs: 5_000 },
  roles: { limit: 5, windowMs: 5_000 },
  "role-create": { limit: 250, windowMs: 48 * 3600_000 },
  "role-edit": { limit: 5, windowMs: 5_000 },
  "members-list": { limit: 10, windowMs: 10_000 },
  member: { limit: 10, windowMs: 10_000 },
  "member-add": { limit: 10, windowMs: 10_000 },
  "member-role": { limit: 10, windowMs: 10_000 },
  me: { limit: 5, windowMs: 5_000 },
  oauth: { limit: 5, windowMs: 1_000 },
};

interface Window {
  count: number;
  resetAt: number;
}

export interface ForcedLimit {
  group: RouteGroup;
  retryAfter: number;
  scope: "user" | "shared" | "global";
  /** "sublimit": answered while the bucket still shows requests remaining. */
  sublimit?: boolean;
  times: number;
}

export interface RateDecision {
  /** Headers for the answer (route headers, or the 429's). */
  headers: Record<string, string>;
  /** Set when the request is refused with 429. */
  limited?: { body: { message: string; retry_after: number; global: boolean; code?: number }; scope: "user" | "shared" | "global" };
}

export class FakeRateLimits {
  limits: Record<RouteGroup, BucketLimit> = { ...DEFAULT_LIMITS };
  /** Requests per second per bot token; null switches the global limit off. */
  globalPerSecond: number | null = 50;
  omitHeaders = new Set<RouteGroup>();
  forced: ForcedLimit[] = [];
  invalidLimit = 10_000;
  invalidWindowMs = 10 * 60_000;
  private buckets = new Map<string, Window>();
  private global = new Map<string, Window>();
  private invalid: Window = { count: 0, resetAt: 0 };
  /** Total invalid requests counted (never reset; for tests). */
  invalidTotal = 0;
  rateLimitedTotal = 0;

  constructor(private readonly clock: () => number) {}

  static bucketHash(group: RouteGroup) {
    return createHash("sha1").update(`fake-discord:${group}`).digest("hex").slice(0, 32);
  }

  banned(): boolean {
    const now = this.clock();
    return this.invalid.resetAt > now && this.invalid.count >= this.invalidLimit;
  }

  /** 401, 403 and non-shared 429 answers count toward the ban. */
  countInvalid(status: number, scope?: string) {
    if (status !== 401 && status !== 403 && status !== 429) return;
    if (status === 429 && scope === "shared") return;
    const now = this.clock();
    if (this.invalid.resetAt <= now) this.invalid = { count: 0, resetAt: now + this.invalidWindowMs };
    this.invalid.count++;
    this.invalidTotal++;
  }

  invalidCount() {
    return this.invalid.resetAt > this.clock() ? this.invalid.count : 0;
  }

  reset() {
    this.buckets.clear();
    this.global.clear();
    this.invalid = { count: 0, resetAt: 0 };
  }

  private window(map: Map<string, Window>, key: string, windowMs: number, now: number): Window {
    let w = map.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      map.set(key, w);
    }
    return w;
  }

  /** Counts one request; `identity` is the bot token (global limit), `major` the guild id or token. */
  take(group: RouteGroup, major: string, identity: string): RateDecision {
    const now = this.clock();
    const seconds = (ms: number) => Math.max(0, ms / 1000);
    if (this.globalPerSecond !== null) {
      const g = this.window(this.global, identity, 1000, now);
      if (g.count >= this.globalPerSecond) {
        return this.limited({ retryAfter: seconds(g.resetAt - now), scope: "global", headers: {} });
      }
      g.count++;
    }
    const { limit, windowMs } = this.limits[group];
    const key = `${group}:${major}`;
    const w = this.window(this.buckets, key, windowMs, now);
    const routeHeaders = (remaining: number, resetAt = w.resetAt): Record<string, string> =>
      this.omitHeaders.has(group)
        ? {}
        : {
            "x-ratelimit-limit": String(limit),
            "x-ratelimit-remaining": String(Math.max(0, remaining)),
            "x-ratelimit-reset": (resetAt / 1000).toFixed(3),
            "x-ratelimit-reset-after": seconds(resetAt - now).toFixed(3),
            "x-ratelimit-bucket": FakeRateLimits.bucketHash(group),
          };
    const forced = this.forced.find((f) => f.group === group && f.times > 0);
    if (forced) {
      forced.times--;
      if (forced.scope === "global") return this.limited({ retryAfter: forced.retryAfter, scope: "global", headers: {} });
      // Shared and sublimit 429s show the caller's own bucket (requests left); a user 429 shows it spent until retry_after.
      const headers = forced.sublimit || forced.scope === "shared" ? routeHeaders(limit - w.count) : routeHeaders(0, now + forced.retryAfter * 1000);
      return this.limited({ retryAfter: forced.retryAfter, scope: forced.scope, headers });
    }
    if (w.count >= limit) return this.limited({ retryAfter: seconds(w.resetAt - now), scope: "user", headers: routeHeaders(0) });
    w.count++;
    return { headers: routeHeaders(limit - w.count) };
  }

  private limited(options: { retryAfter: number; scope: "user" | "shared" | "global"; headers: Record<string, string> }): RateDecision {
    this.rateLimitedTotal++;
    const retryAfter = Math.round(options.retryAfter * 1000) / 1000;
    const headers: Record<string, string> = { ...options.headers, "retry-after": String(Math.ceil(retryAfter)), "x-ratelimit-scope": options.scope };
    if (options.scope === "global") headers["x-ratelimit-global"] = "true";
    const message = options.scope === "shared" ? "The resource is being rate limited." : "You are being rate limited.";
    return { headers, limited: { body: { message, retry_after: retryAfter, global: options.scope === "global" }, scope: options.scope } };
  }
}
