/**
 * "Sync all" progress, shown on the admin bulk-job page (/admin/jobs/<key>): the same
 * admin_job_progress rows the admin's bulk actions use, filled in by the reconcile.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";

/** The admin resource whose view permission guards the progress page. */
export const PROGRESS_RESOURCE = "name-formats";


/** Queues `<service>.update_all` with a progress row, audited, in one transaction; returns the key. */
export async function startSyncAll(db: Kysely<DB>, service: string, actor: Actor) {
  const jobKey = `services-sync-${service}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const now = new Date();
  const total = Number((await db.selectFrom("service_accounts").select((eb) => eb.fn.countAll().as("n")).where("service", "=", service).executeTakeFirst())?.n ?? 0);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("admin_job_progress")
      .values({ job_key: jobKey, resource: PROGRESS_RESOURCE, action: `${service}.update_all`, ids: "[]", total, done: 0, failed: 0, status: "queued", actor_user_id: actor.userId, actor: actor.label.slice(0, 150), created_at: now, updated_at: now })
      .execute();
    await writeAudit(trx, actor, { action: "service.sync_all", targetType: "service", targetId: service, after: { jobKey } });
    await enqueue(trx, `${service}.update_all`, { progressKey: jobKey }, { jobKey: `${service}.update_all`, queueName: service, priority: PRIORITY.high });
  });
  return jobKey;
}

export async function updateProgress(db: Kysely<DB>, jobKey: string, done: number, total: number) {
  await db.updateTable("admin_job_progress").set({ done, total, status: "running", updated_at: new Date() }).where("job_key", "=", jobKey).execute();
}

export async function finishProgress(db: Kysely<DB>, jobKey: string, status: "done" | "failed", failed: number) {
  await db
    .updateTable("admin_job_progress")
    .set((eb) => ({ status, failed, done: status === "done" ? eb.ref("total") : eb.ref("done"), updated_at: new Date() }))
    .where("job_key", "=", jobKey)
    .execute();
}
