/**
 * Brute-force protection for password logins, after Keycloak's defaults: once a username or an
 * address has failed THRESHOLD times, each further failure adds a wait (WAIT per step, at most
 * MAX_WAIT); the count resets RESET hours after the last failure. Counters live in the database,
 * so every web process shares them.
 */
import type { Kysely, Transaction } from "kysely";
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

export async function recordFailure(db: Executor, policy: ThrottlePolicy, keys: string[], now = new Date()) {
  const resetBefore = new Date(now.getTime() - policy.LOGIN_FAILURE_RESET_HOURS * 3_600_000);
  for (const key of keys) {
    const row = await db.selectFrom("login_failures").selectAll().where("key", "=", key).executeTakeFirst();
    const failures = row && row.last_failure_at > resetBefore ? row.failures + 1 : 1;
    const over = failures - policy.LOGIN_FAILURE_THRESHOLD;
    const waitSeconds = over >= 0 ? Math.min((over + 1) * policy.LOGIN_FAILURE_WAIT_SECONDS, policy.LOGIN_FAILURE_MAX_WAIT_SECONDS) : 0;
    const values = { failures, last_failure_at: now, locked_until: waitSeconds ? new Date(now.getTime() + waitSeconds * 1000) : null };
    if (row) await db.updateTable("login_failures").set(values).where("key", "=", key).execute();
    else await db.insertInto("login_failures").values({ key, ...values }).execute();
  }
}

export async function clearFailures(db: Executor, keys: string[]) {
  await db.deleteFrom("login_failures").where("key", "in", keys).execute();
}
