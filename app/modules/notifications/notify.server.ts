/**
 * `notifyUser`: the one way every module tells a member something (the original's `notify`).
 * Keeps at most NOTIFICATIONS_MAX_PER_USER per user: the oldest go first.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";

type Executor = Kysely<DB> | Transaction<DB>;

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
  await db
    .insertInto("notifications")
    .values(userIds.map((user_id) => ({ user_id, level: normaliseLevel(notification.level), title, message: notification.message ?? notification.title, viewed: false, created_at: now })))
    .execute();
  await trimNotifications(db, userIds, maxPerUser);
}

export async function notifyUser(db: Executor, userId: number, notification: NewNotification, maxPerUser: number) {
  await notifyUsers(db, [userId], notification, maxPerUser);
}

/** Deletes all but the newest `max` notifications of each user. */
export async function trimNotifications(db: Executor, userIds: number[], max: number) {
  for (const userId of userIds) {
    const keep = await db.selectFrom("notifications").select("id").where("user_id", "=", userId).orderBy("created_at", "desc").orderBy("id", "desc").limit(max).execute();
    if (keep.length < max) continue;
    await db
      .deleteFrom("notifications")
      .where("user_id", "=", userId)
      .where(
        "id",
        "not in",
        keep.map((k) => k.id),
      )
      .execute();
  }
}

export async function unreadCount(db: Executor, userId: number) {
  const row = await db.selectFrom("notifications").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).where("viewed", "=", false).executeTakeFirstOrThrow();
  return Number(row.n);
}
