/** The admin's per-service page: linked accounts, last errors, the last reconcile's drift report. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { lastReconcile } from "./runner.server";

export async function serviceOverview(db: Kysely<DB>, service: string, limit = 500) {
  const accounts = await db
    .selectFrom("service_accounts as a")
    .innerJoin("users as u", "u.id", "a.user_id")
    .select(["a.user_id", "u.username", "a.remote_id", "a.remote_username", "a.status", "a.last_sync_at", "a.last_error", "a.last_error_at"])
    .where("a.service", "=", service)
    .orderBy("a.last_error_at", "desc")
    .orderBy("u.username")
    .limit(limit)
    .execute();
  const total = Number((await db.selectFrom("service_accounts").select((eb) => eb.fn.countAll().as("n")).where("service", "=", service).executeTakeFirst())?.n ?? 0);
  const errors = Number((await db.selectFrom("service_accounts").select((eb) => eb.fn.countAll().as("n")).where("service", "=", service).where("last_error", "is not", null).executeTakeFirst())?.n ?? 0);
  return {
    total,
    errors,
    accounts: accounts.map((a) => ({ ...a, last_sync_at: a.last_sync_at?.toISOString() ?? null, last_error_at: a.last_error_at?.toISOString() ?? null })),
    drift: await lastReconcile({ db }, service),
  };
}
