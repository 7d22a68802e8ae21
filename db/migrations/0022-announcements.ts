/** Announcements (issue 20): site-wide or state/group-targeted messages with a level and a time window, dismissable per member. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("announcements")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("title", "varchar(200)", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("level", "varchar(10)", (c) => c.notNull())
    .addColumn("starts_at", ts, (c) => c.notNull())
    .addColumn("ends_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("created_by", "integer")
    .execute();
  await db.schema.createIndex("announcements_window_idx").on("announcements").columns(["starts_at", "ends_at"]).execute();
  // Targets: none means everyone; otherwise members of any listed state or group.
  await db.schema
    .createTable("announcement_targets")
    .addColumn("announcement_id", "integer", (c) => c.notNull())
    .addColumn("kind", "varchar(8)", (c) => c.notNull())
    .addColumn("target_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("announcement_targets_pk", ["announcement_id", "kind", "target_id"])
    .execute();
  await db.schema
    .createTable("announcement_dismissals")
    .addColumn("announcement_id", "integer", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("dismissed_at", ts, (c) => c.notNull())
    .addPrimaryKeyConstraint("announcement_dismissals_pk", ["announcement_id", "user_id"])
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("announcement_dismissals").execute();
  await db.schema.dropTable("announcement_targets").execute();
  await db.schema.dropTable("announcements").execute();
}
