/** Analytics (issue 16): off by default; an install id, and page views counted per route pattern and day (no user, no address). */
import type { Kysely } from "kysely";
import { dialectOf, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const ts = timestampType(dialectOf(db));
  await db.schema
    .createTable("analytics_install")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("install_id", "varchar(36)", (c) => c.notNull())
    .addColumn("last_sent_at", ts)
    .execute();
  await db.schema
    .createTable("analytics_page_views")
    .addColumn("day", "varchar(10)", (c) => c.notNull())
    .addColumn("route", "varchar(200)", (c) => c.notNull())
    .addColumn("views", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("analytics_page_views_pk", ["day", "route"])
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("analytics_page_views").execute();
  await db.schema.dropTable("analytics_install").execute();
}
