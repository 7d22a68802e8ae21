/**
 * Per-address request limits for the endpoints that attackers hammer: password login (and the
 * first-run setup form), starting an EVE SSO login, registration. Page views are never limited.
 * Counters live in the queue PostgreSQL (always PostgreSQL, reachable from every web process and
 * host), through rate-limiter-flexible's PostgreSQL store; when that store fails, a per-process
 * memory limiter with the same limits takes over. See docs/decisions/0013-rate-limits.md.
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Settings } from "~/config.server";
import type { Runtime } from "~/modules/runtime.server";

export const RATE_LIMIT_TABLE = "aa_rate_limits";

export type LimitedAction = "login" | "sso" | "registration";

/** Route ids whose non-GET requests are limited, and the limit each one counts against. */
export const LIMITED_ROUTES: Record<string, LimitedAction> = {
  "routes/login": "login",
  "routes/setup.$token": "login",
  "routes/sso.login": "sso",
  "routes/account.register": "registration",
};

function limitOf(settings: Settings, action: LimitedAction): { points: number; duration: number } {
  switch (action) {
    case "login":
      return { points: settings.RATE_LIMIT_LOGIN_PER_MINUTE, duration: 60 };
    case "sso":
      return { points: settings.RATE_LIMIT_SSO_PER_MINUTE, duration: 60 };
    case "registration":
      return { points: settings.RATE_LIMIT_REGISTRATION_PER_HOUR, duration: 3600 };
  }
}

export type RateDecision = { limited: false } | { limited: true; retryAfterSeconds: number; action: LimitedAction };

/** The limiters of one runtime; `check` counts one request of this route from this address. */
export function createRateLimits(runtime: Pick<Runtime, "settings" | "queuePool">) {
  const limiters = new Map<LimitedAction, Promise<RateLimiterAbstract | null>>();

  function limiter(action: LimitedAction) {
    let pending = limiters.get(action);
    if (!pending) {
      const { points, duration } = limitOf(runtime.settings, action);
      pending =
        points <= 0
          ? Promise.resolve(null)
          : new Promise<RateLimiterAbstract>((resolve) => {
              const options = { keyPrefix: `aa:${action}`, points, duration };
              const insurance = new RateLimiterMemory(options);
              const store: RateLimiterPostgres = new RateLimiterPostgres(
                { ...options, storeClient: runtime.queuePool, storeType: "pool", tableName: RATE_LIMIT_TABLE, insuranceLimiter: insurance },
                // Table creation failed (database down): count in this process until it is back.
                (error?: unknown) => resolve(error ? insurance : store),
              );
            });
      limiters.set(action, pending);
    }
    return pending;
  }

  return {
    async check(routeId: string, method: string, ip: string | null): Promise<RateDecision> {
      const action = LIMITED_ROUTES[routeId];
      if (!action || ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return { limited: false };
      const active = await limiter(action);
      if (!active) return { limited: false };
      try {
        await active.consume(ip ?? "unknown");
        return { limited: false };
      } catch (result) {
        if (result instanceof RateLimiterRes) return { limited: true, action, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
        throw result;
      }
    },
  };
}
