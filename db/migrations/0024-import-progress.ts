/**
 * Import runs started from the admin page: queued as a job, with their progress (rows read of all
 * source rows, the table being read) and the source URL encrypted until the run ends.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>) {
  await db.schema
    .alterTable("import_runs")
    .addColumn("done", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("import_runs").addColumn("total", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("import_runs").addColumn("current_table", "varchar(64)").execute();
  await db.schema.alterTable("import_runs").addColumn("error", "varchar(500)").execute();
  await db.schema.alterTable("import_runs").addColumn("source_secret", "text").execute();
}

export async function down(db: Kysely<any>) {
  for (const column of ["source_secret", "error", "current_table", "total", "done"]) await db.schema.alterTable("import_runs").dropColumn(column).execute();
}
