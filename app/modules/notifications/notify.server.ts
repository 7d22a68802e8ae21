/**
 * `notifyUser`: the one way every module tells a member something (the original's `notify`).
 * Keeps at most NOTIFICATIONS_MAX_PER_USER per user: the oldest go first.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";

type Executor = Kysely<DB> | Transaction<DB>;

const CHUNK = 1000;

export type NotificationLevel = "info" | "success" | "warning" | "danger";

const LEGACY_LEVELS: Record<string, NotificationLevel> = { CRITICAL: "danger", ERROR: "danger", WARN: "warning", WARNING: "warning", INFO: "info", DEBUG: "success" };

/** Unknown levels fall back to info; the original's legacy names map as it maps them. */
export function normaliseLevel(level: string | undefined): NotificationLevel {
  if (level === "info" || level === "success" || level === "warning" || level === "danger") return level;
  return (level && LEGACY_LEVELS[level.toUpperCase()]) || "info";
}

export interface NewNotification {
  title: string;
  /** Defaults to the title. */
  message?: string;
  level?: NotificationLevel | string;
}

/** Notifies several users at once (set-based), then trims each to the cap. */
export async function notifyUsers(db: Executor, userIds: number[], notification: NewNotification, maxPerUser: number) {
  if (userIds.length === 0) return;
  const now = new Date();
  const title = notification.title.slice(0, 254);
  // Chunks keep each statement under the drivers' bound-parameter limits.
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const chunk = userIds.slice(i, i + CHUNK);
    await db
      .insertInto("notifications")
      .values(chunk.map((user_id) => ({ user_id, level: normaliseLevel(notification.level), title, message: notification.message ?? notification.title, viewed: false, created_at: now })))
      .execute();
    await trimNotifications(db, chunk, maxPerUser);
  }
}

export async function notifyUser(db: Executor, userId: number, notification: NewNotification, maxPerUser: number) {
  await notifyUsers(db, [userId], notification, maxPerUser);
}

/** Deletes all but the newest `max` notifications of each user: one statement for any number of users. */
export async function trimNotifications(db: Executor, userIds: number[], max: number) {
  if (userIds.length === 0) return;
  // The derived table is materialised first, which MySQL needs to delete from the table it reads.
  await sql`delete from notifications where id in (
    select id from (
      select id, row_number() over (partition by user_id order by created_at desc, id desc) as position
      from notifications where user_id in (${sql.join(userIds)})
    ) ranked where position > ${max}
  )`.execute(db);
}

export async function unreadCount(db: Executor, userId: number) {
  const row = await db.selectFrom("notifications").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).where("viewed", "=", false).executeTakeFirstOrThrow();
  return Number(row.n);
}
