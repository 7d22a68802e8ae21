/**
 * Rules of the fake ESI that real ESI states in headers: compatibility dates (spec C.0/C.1) and the
 * floating-window rate-limit groups (spec C.3).
 */
import type { Reply } from "./http";

/** The oldest compatibility date ESI accepts; a request without one gets this behaviour. */
export const MIN_COMPATIBILITY_DATE = "2020-01-01";
/** Schema changes after 2025-09-30 on routes we serve (spec C.1). */
export const CHARACTER_TITLE_RENAMED = "2026-06-09";
export const CORPORATION_ENLISTED_FACTION = "2026-07-21";

/** ESI's day rolls over at 11:00 UTC: before that, "today" is still yesterday. */
export function esiToday(nowMs: number): string {
  return new Date(nowMs - 11 * 3_600_000).toISOString().slice(0, 10);
}

/** The effective compatibility date of a request, or the error text for a refused one. */
export function compatibilityDate(requested: string | null | undefined, nowMs: number): { date: string } | { error: string } {
  if (requested == null) return { date: MIN_COMPATIBILITY_DATE };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(requested) || Number.isNaN(Date.parse(requested))) return { error: `Invalid compatibility date: ${requested}` };
  if (requested < MIN_COMPATIBILITY_DATE) return { error: `Compatibility date ${requested} is before the minimum ${MIN_COMPATIBILITY_DATE}` };
  if (requested > esiToday(nowMs)) return { error: `Compatibility date ${requested} is in the future` };
  return { date: requested };
}

export interface RateLimitGroup {
  name: string;
  /** Tokens per window (real ESI writes e.g. "150/15m"). */
  maxTokens: number;
  windowSeconds: number;
}

/** Groups as real ESI assigns them (x-rate-limit in the OpenAPI document); sizes are configurable. */
export const DEFAULT_RATE_LIMIT_GROUPS: Record<string, RateLimitGroup> = {
  "char-location": { name: "char-location", maxTokens: 1200, windowSeconds: 900 },
  status: { name: "status", maxTokens: 600, windowSeconds: 900 },
};

/** Token cost of an answer (spec C.3): 2xx 2, 3xx 1, 4xx 5 (but 429 nothing), 5xx nothing. */
function cost(status: number) {
  if (status < 300) return 2;
  if (status < 400) return 1;
  if (status === 429) return 0;
  if (status < 500) return 5;
  return 0;
}

/** A sliding window per (group, key): tokens come back one window after they were spent. */
export class RateLimiter {
  private readonly spent = new Map<string, { at: number; tokens: number }[]>();

  constructor(private readonly groups: Record<string, RateLimitGroup>) {}

  group(name: string) {
    return this.groups[name];
  }

  private used(bucket: string, group: RateLimitGroup, now: number) {
    const entries = (this.spent.get(bucket) ?? []).filter((e) => e.at > now - group.windowSeconds * 1000);
    this.spent.set(bucket, entries);
    return { entries, used: entries.reduce((sum, e) => sum + e.tokens, 0) };
  }

  /** A 429 when the bucket is spent, else null (the caller then answers and calls `charge`). */
  check(groupName: string, key: string, now: number): Reply | null {
    const group = this.groups[groupName];
    const bucket = `${groupName}:${key}`;
    const { entries, used } = this.used(bucket, group, now);
    if (used + 2 <= group.maxTokens) return null;
    const oldest = entries[0]?.at ?? now;
    const retryAfter = Math.max(1, Math.ceil((oldest + group.windowSeconds * 1000 - now) / 1000));
    return {
      status: 429,
      headers: { "content-type": "application/json; charset=utf-8", "retry-after": String(retryAfter), ...this.headers(group, used) },
      body: JSON.stringify({ error: "Too many requests" }),
    };
  }

  charge(groupName: string, key: string, status: number, now: number): Record<string, string> {
    const group = this.groups[groupName];
    const bucket = `${groupName}:${key}`;
    const { entries, used } = this.used(bucket, group, now);
    const tokens = cost(status);
    if (tokens) entries.push({ at: now, tokens });
    return this.headers(group, used + tokens);
  }

  private headers(group: RateLimitGroup, used: number): Record<string, string> {
    const window = group.windowSeconds % 3600 === 0 ? `${group.windowSeconds / 3600}h` : `${Math.round(group.windowSeconds / 60)}m`;
    return {
      "x-ratelimit-group": group.name,
      "x-ratelimit-limit": `${group.maxTokens}/${window}`,
      "x-ratelimit-remaining": String(Math.max(0, group.maxTokens - used)),
      "x-ratelimit-used": String(used),
    };
  }

  reset() {
    this.spent.clear();
  }
}
