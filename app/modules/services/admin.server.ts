/** The admin's per-service page: linked accounts, last errors, the last reconcile's drift report. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import type { Connector } from "./contract";
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

/** An extra admin button of a connector (e.g. "Update TS3 Groups"): queues its task, audited. False: unknown intent. */
export async function queueAdminAction(db: Kysely<DB>, connector: Connector, intent: string, actor: Actor) {
  const action = connector.adminActions?.find((a) => a.intent === intent);
  if (!action) return false;
  await db.transaction().execute(async (trx) => {
    await writeAudit(trx, actor, { action: "service.admin_action", targetType: "service", targetId: connector.meta.id, after: { intent } });
    await enqueue(trx, action.task, { reason: "admin" }, { jobKey: action.task, queueName: connector.meta.id, priority: PRIORITY.high });
  });
  return true;
}
