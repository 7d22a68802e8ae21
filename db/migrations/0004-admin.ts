/** Admin site: progress of bulk actions that run as jobs, addressed by their job key. */
import type { Kysely } from "kysely";
import { dialectOf, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const ts = timestampType(dialectOf(db));
  await db.schema
    .createTable("admin_job_progress")
    .addColumn("job_key", "varchar(100)", (c) => c.primaryKey())
    .addColumn("resource", "varchar(64)", (c) => c.notNull())
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("ids", "text", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("done", "integer", (c) => c.notNull())
    .addColumn("failed", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("actor_user_id", "integer")
    .addColumn("actor", "varchar(150)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("admin_job_progress").execute();
}
