/**
 * Notifications keep one index instead of two: (user_id, viewed, created_at) serves the unread
 * count, the read/unread pages newest first, the per-user trim and the foreign key, and every
 * notification written (a state change reaches every member) maintains one index fewer.
 */
import type { Kysely } from "kysely";
import { dialectOf } from "../dialect";

async function dropIndex(db: Kysely<any>, name: string) {
  // MySQL names the table; PostgreSQL's DROP INDEX takes no ON clause.
  const drop = db.schema.dropIndex(name);
  await (dialectOf(db) === "mysql" ? drop.on("notifications") : drop).execute();
}

export async function up(db: Kysely<any>) {
  // Made first: on MySQL the foreign key on user_id needs an index with user_id first at all times.
  await db.schema.createIndex("notifications_user_viewed_created_idx").on("notifications").columns(["user_id", "viewed", "created_at"]).execute();
  await dropIndex(db, "notifications_user_viewed_idx");
  await dropIndex(db, "notifications_user_created_idx");
}

export async function down(db: Kysely<any>) {
  await db.schema.createIndex("notifications_user_viewed_idx").on("notifications").columns(["user_id", "viewed"]).execute();
  await db.schema.createIndex("notifications_user_created_idx").on("notifications").columns(["user_id", "created_at"]).execute();
  await dropIndex(db, "notifications_user_viewed_created_idx");
}
