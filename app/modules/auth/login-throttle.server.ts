/**
 * Brute-force protection for password logins, after Keycloak's defaults: once a username or an
 * address has failed THRESHOLD times, each further failure adds a wait (WAIT per step, at most
 * MAX_WAIT); the count resets RESET hours after the last failure. Counters live in the database,
 * so every web process shares them.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { dialectOf } from "../../../db/dialect";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";

type Executor = Kysely<DB> | Transaction<DB>;

export type ThrottlePolicy = Pick<
  Settings,
  "LOGIN_FAILURE_THRESHOLD" | "LOGIN_FAILURE_WAIT_SECONDS" | "LOGIN_FAILURE_MAX_WAIT_SECONDS" | "LOGIN_FAILURE_RESET_HOURS"
>;

export function throttleKeys(username: string, ip: string | null | undefined) {
  const keys = [`user:${username.trim().toLowerCase().slice(0, 150)}`];
  if (ip) keys.push(`ip:${ip.slice(0, 64)}`);
  return keys;
}

/** The time until which any of the keys is locked, or null. */
export async function lockedUntil(db: Executor, keys: string[], now = new Date()): Promise<Date | null> {
  const rows = await db.selectFrom("login_failures").select(["locked_until"]).where("key", "in", keys).execute();
  const until = rows.map((r) => r.locked_until).filter((d): d is Date => d !== null && d > now);
  return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : null;
}

/** The wait after `failures` failures (0 below the threshold), as in `lockExpression`. */
export function waitSeconds(policy: ThrottlePolicy, failures: number) {
  const over = failures - policy.LOGIN_FAILURE_THRESHOLD;
  return over >= 0 ? Math.min((over + 1) * policy.LOGIN_FAILURE_WAIT_SECONDS, policy.LOGIN_FAILURE_MAX_WAIT_SECONDS) : 0;
}

/**
 * Counts one failure per key with a single upsert-and-increment statement, so concurrent failures
 * are all counted (no read-then-write race, no duplicate-key error). Every SET expression reads
 * only the old row: MySQL evaluates assignments left to right, so last_failure_at comes last.
 */
export async function recordFailure(db: Executor, policy: ThrottlePolicy, keys: string[], now = new Date()) {
  const resetBefore = new Date(now.getTime() - policy.LOGIN_FAILURE_RESET_HOURS * 3_600_000);
  const mysql = dialectOf(db) === "mysql";
  const failures = sql<number>`case when login_failures.last_failure_at > ${resetBefore} then login_failures.failures + 1 else 1 end`;
  const threshold = sql.lit(policy.LOGIN_FAILURE_THRESHOLD);
  const wait = sql<number>`least((${failures} - ${threshold} + 1) * ${sql.lit(policy.LOGIN_FAILURE_WAIT_SECONDS)}, ${sql.lit(policy.LOGIN_FAILURE_MAX_WAIT_SECONDS)})`;
  const until = mysql ? sql<Date>`date_add(${now}, interval ${wait} second)` : sql<Date>`${now}::timestamptz + ${wait} * interval '1 second'`;
  const set = {
    locked_until: sql<Date | null>`case when ${failures} >= ${threshold} then ${until} else null end`,
    failures,
    last_failure_at: now,
  };
  for (const key of keys) {
    const first = waitSeconds(policy, 1);
    const insert = db.insertInto("login_failures").values({ key, failures: 1, last_failure_at: now, locked_until: first ? new Date(now.getTime() + first * 1000) : null });
    await (mysql ? insert.onDuplicateKeyUpdate(set) : insert.onConflict((oc) => oc.column("key").doUpdateSet(set))).execute();
  }
}

export async function clearFailures(db: Executor, keys: string[]) {
  await db.deleteFrom("login_failures").where("key", "in", keys).execute();
}
