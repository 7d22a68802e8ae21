/**
 * Job outcomes: the worker records each one in `job_events` (the dashboard's statistics) and tells
 * the admins about jobs that failed for good — our version of the original's NotificationHandler,
 * which turns errors into notifications for superusers and holders of `auth.logging_notifications`.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { serverT } from "~/i18n/i18n.server";
import { notifyUsers } from "./notify.server";

type Executor = Kysely<DB> | Transaction<DB>;

export type JobOutcome = "succeeded" | "retried" | "failed";

/** How long job events are kept; older ones are pruned while recording. */
export const JOB_EVENTS_RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const lastPrune = new WeakMap<object, number>();

/** Records one job outcome; now and then also drops events older than the retention. */
export async function recordJobEvent(db: Kysely<DB>, task: string, outcome: JobOutcome, now = new Date()) {
  await db.insertInto("job_events").values({ task: task.slice(0, 128), outcome, created_at: now }).execute();
  const last = lastPrune.get(db) ?? 0;
  if (now.getTime() - last >= PRUNE_EVERY_MS) {
    lastPrune.set(db, now.getTime());
    await db.deleteFrom("job_events").where("created_at", "<", new Date(now.getTime() - JOB_EVENTS_RETENTION_MS)).execute();
  }
}

/**
 * Active users who receive error notifications: superusers, and holders of
 * `auth.logging_notifications` directly, through a group or through their state.
 */
export async function alertRecipientIds(db: Executor): Promise<number[]> {
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("is_active", "=", true)
    .where((eb) => {
      const permission = eb.selectFrom("permissions").select("permissions.id").where("app_label", "=", "auth").where("codename", "=", "logging_notifications");
      return eb.or([
        eb("is_superuser", "=", true),
        eb("id", "in", eb.selectFrom("user_permissions").select("user_permissions.user_id").where("user_permissions.permission_id", "in", permission)),
        eb(
          "id",
          "in",
          eb
            .selectFrom("user_groups as ug")
            .innerJoin("group_permissions as gp", "gp.group_id", "ug.group_id")
            .select("ug.user_id")
            .where("gp.permission_id", "in", permission),
        ),
        eb("state_id", "in", eb.selectFrom("state_permissions").select("state_permissions.state_id").where("state_permissions.permission_id", "in", permission)),
      ]);
    })
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

/** What we need to know about a failed graphile-worker job. */
export interface FailedJob {
  id: string | number;
  task_identifier: string;
  attempts: number;
  max_attempts: number;
  last_error?: string | null;
}

const MAX_ERROR_CHARS = 2000;

function errorText(job: FailedJob, error: unknown) {
  const text = error instanceof Error ? error.message : error != null ? String(error) : (job.last_error ?? "");
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/**
 * Notifies every admin (see alertRecipientIds) that a job failed on its last attempt. The text is
 * in the site's default language: notifications are stored, not rendered per reader.
 */
export async function notifyAdminsOfFailedJob(db: Executor, settings: Settings, job: FailedJob, error?: unknown): Promise<number> {
  const recipients = await alertRecipientIds(db);
  if (recipients.length === 0) return 0;
  const t = serverT(settings.LANGUAGE_CODE);
  const params = { task: job.task_identifier, id: String(job.id), attempts: job.attempts, error: errorText(job, error) || t("notifications.jobFailed.noError") };
  await notifyUsers(db, recipients, { title: t("notifications.jobFailed.title", params), message: t("notifications.jobFailed.message", params), level: "danger" }, settings.NOTIFICATIONS_MAX_PER_USER);
  return recipients.length;
}
