/**
 * The connection's health for the admin: the last problem, classified by the original's
 * troubleshooting topics (bad login 520, permissions 2568, flood ban 3331, default group 2564 …),
 * kept in service_sync_state.last_error as `<topic>: <message>`. Admins are notified once when the
 * topic changes, with what to do, never a stack trace.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { serverT } from "~/i18n/i18n.server";
import { alertRecipientIds } from "~/modules/notifications/job-alerts.server";
import { notifyUsers } from "~/modules/notifications/notify.server";
import { troubleOf, type Ts3Trouble } from "./errors";

const SERVICE = "teamspeak3";

export interface Ts3Status {
  trouble: Ts3Trouble | null;
  detail: string | null;
  at: string | null;
}

export async function ts3Status(db: Kysely<DB>): Promise<Ts3Status> {
  const row = await db.selectFrom("service_sync_state").select(["last_error", "updated_at"]).where("service", "=", SERVICE).executeTakeFirst();
  if (!row?.last_error) return { trouble: null, detail: null, at: null };
  const [topic, ...rest] = row.last_error.split(": ");
  return { trouble: topic as Ts3Trouble, detail: rest.join(": ") || null, at: row.updated_at.toISOString() };
}

async function writeStatus(db: Kysely<DB>, value: string | null) {
  const now = new Date();
  const updated = await db.updateTable("service_sync_state").set({ last_error: value, updated_at: now }).where("service", "=", SERVICE).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("service_sync_state").values({ service: SERVICE, last_reconcile_at: null, last_reconcile: null, last_error: value, progress_key: null, managed: null, updated_at: now }).execute();
}

/** Records a failed call's topic; notifies the admins when it is a new one. Returns the topic. */
export async function recordTrouble(db: Kysely<DB>, settings: Settings, error: unknown): Promise<Ts3Trouble | null> {
  const trouble = troubleOf(error);
  if (!trouble) return null;
  const before = await ts3Status(db);
  const detail = (error instanceof Error ? error.message : String(error)).slice(0, 400);
  await writeStatus(db, `${trouble}: ${detail}`);
  if (before.trouble !== trouble) {
    const t = serverT(settings.LANGUAGE_CODE);
    const recipients = await alertRecipientIds(db);
    await notifyUsers(db, recipients, { title: t("teamspeak3.notify.title", { topic: t(`teamspeak3.trouble.${trouble}.title`) }), message: `${t(`teamspeak3.trouble.${trouble}.help`)}\n\n${detail}`, level: trouble === "defaultGroup" ? "warning" : "danger" }, settings.NOTIFICATIONS_MAX_PER_USER);
  }
  return trouble;
}

/** A call went through: the connection is healthy again (cheap when it already was). */
export async function clearTrouble(db: Kysely<DB>) {
  const row = await db.selectFrom("service_sync_state").select("last_error").where("service", "=", SERVICE).executeTakeFirst();
  if (row?.last_error) await writeStatus(db, null);
}

/** Runs `fn`; a failure is recorded (and re-thrown, so the job retries), success clears the status. */
export async function watched<T>(db: Kysely<DB>, settings: Settings, fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    await clearTrouble(db);
    return result;
  } catch (error) {
    await recordTrouble(db, settings, error);
    throw error;
  }
}
