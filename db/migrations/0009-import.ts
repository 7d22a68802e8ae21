/** Alliance Auth import: which source row became which target row (idempotent, resumable), and runs. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("import_map")
    .addColumn("source_table", "varchar(64)", (c) => c.notNull())
    .addColumn("source_id", "varchar(64)", (c) => c.notNull())
    .addColumn("target_id", "varchar(64)", (c) => c.notNull())
    .addPrimaryKeyConstraint("import_map_pkey", ["source_table", "source_id"])
    .execute();
  await db.schema
    .createTable("import_runs")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("source", "varchar(255)", (c) => c.notNull())
    .addColumn("dry_run", "boolean", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("started_at", ts, (c) => c.notNull())
    .addColumn("finished_at", ts)
    .addColumn("report", "text")
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("import_runs").execute();
  await db.schema.dropTable("import_map").execute();
}
