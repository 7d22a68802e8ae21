/**
 * Bulk actions that touch many users run as jobs. Each run has a progress row addressed by its job
 * key (table admin_job_progress); the job page shows it, with and without JavaScript.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit, writeAuditMany } from "../audit/audit.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import { setUserActive } from "../states/states.server";
import { syncUserServices } from "../services/run.server";
import { type AdminCtx, type AdminResource, type BulkAction } from "./registry.server";

export const BULK_TASK = "admin.bulk_action";


/** Checked again when the job runs: only a superuser's job may touch a superuser (who may have been promoted since). */
async function setActive(db: Kysely<DB>, id: string, active: boolean, actor: Actor) {
  const [target, by] = await Promise.all([
    db.selectFrom("users").select("is_superuser").where("id", "=", Number(id)).executeTakeFirst(),
    actor.userId === null ? undefined : db.selectFrom("users").select("is_superuser").where("id", "=", actor.userId).executeTakeFirst(),
  ]);
  if (target?.is_superuser && !by?.is_superuser) throw new Error("only a superuser may change a superuser");
  await setUserActive(db, Number(id), active, actor);
}

/** What a bulk action does to one object; each step writes its own audit row. */
const handlers: Record<string, (db: Kysely<DB>, id: string, actor: Actor) => Promise<void>> = {
  "users:activate": (db, id, actor) => setActive(db, id, true, actor),
  "users:deactivate": (db, id, actor) => setActive(db, id, false, actor),
  // The original's per-service "sync groups" / "sync nicknames" admin actions, for every service at once.
  "users:sync_groups": (db, id) => syncUserServices(db, Number(id), { groups: true, nickname: false }),
  "users:sync_nicknames": (db, id) => syncUserServices(db, Number(id), { groups: false, nickname: true }),
};

export function bulkHandlerExists(resource: string, action: string) {
  return Boolean(handlers[`${resource}:${action}`]);
}

/** Records the request (audited) and enqueues the job in the same transaction; returns the job key. */
export async function startBulkAction(ctx: AdminCtx, resource: AdminResource, action: BulkAction, ids: string[]) {
  const jobKey = `admin-bulk-${resource.key}-${action.name}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const now = new Date();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("admin_job_progress")
      .values({ job_key: jobKey, resource: resource.key, action: action.name, ids: JSON.stringify(ids), total: ids.length, done: 0, failed: 0, status: "queued", actor_user_id: ctx.actor.userId, actor: ctx.actor.label.slice(0, 150), created_at: now, updated_at: now })
      .execute();
    await writeAudit(trx, ctx.actor, { action: `admin.bulk.${action.name}`, targetType: resource.auditType, targetId: null, after: { ids, jobKey } });
    // A row per object, so each object's history shows the request: one statement for all of them.
    await writeAuditMany(trx, ctx.actor, ids.map((id) => ({ action: `admin.bulk.${action.name}.requested`, targetType: resource.auditType, targetId: id, reason: jobKey })));
    await enqueue(trx, BULK_TASK, { jobKey }, { jobKey, priority: PRIORITY.bulk });
  });
  return jobKey;
}

export async function getBulkProgress(db: Kysely<DB>, jobKey: string) {
  return (await db.selectFrom("admin_job_progress").selectAll().where("job_key", "=", jobKey).executeTakeFirst()) ?? null;
}

/** The job: resumes where it stopped (idempotent), updating the progress row as it goes. */
export async function runBulkAction(db: Kysely<DB>, jobKey: string) {
  const progress = await getBulkProgress(db, jobKey);
  if (!progress || progress.status === "done") return { skipped: true };
  const handler = handlers[`${progress.resource}:${progress.action}`];
  const pdb = db;
  if (!handler) {
    await pdb.updateTable("admin_job_progress").set({ status: "failed", updated_at: new Date() }).where("job_key", "=", jobKey).execute();
    return { failed: true };
  }
  const ids = JSON.parse(progress.ids) as string[];
  const actor: Actor = { userId: progress.actor_user_id, label: progress.actor };
  let { done, failed } = progress;
  await pdb.updateTable("admin_job_progress").set({ status: "running", updated_at: new Date() }).where("job_key", "=", jobKey).execute();
  for (let i = done; i < ids.length; i++) {
    try {
      await handler(db, ids[i], actor);
    } catch {
      failed++;
    }
    done = i + 1;
    await pdb.updateTable("admin_job_progress").set({ done, failed, updated_at: new Date() }).where("job_key", "=", jobKey).execute();
  }
  await pdb.updateTable("admin_job_progress").set({ status: "done", updated_at: new Date() }).where("job_key", "=", jobKey).execute();
  return { done, failed };
}
