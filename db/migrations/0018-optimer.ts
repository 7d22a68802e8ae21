/** Fleet operation timers and their types (the original's optimer app). */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("optimer_types")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("type", "varchar(254)", (c) => c.notNull().unique())
    .execute();
  await db.schema
    .createTable("optimer_timers")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("operation_name", "varchar(254)", (c) => c.notNull())
    .addColumn("type_id", "integer", (c) => c.references("optimer_types.id").onDelete("set null"))
    .addColumn("doctrine", "varchar(254)", (c) => c.notNull())
    .addColumn("system", "varchar(254)", (c) => c.notNull())
    .addColumn("location", "varchar(254)", (c) => c.notNull())
    .addColumn("start", ts, (c) => c.notNull())
    .addColumn("duration", "varchar(25)", (c) => c.notNull())
    .addColumn("fc", "varchar(254)", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("post_time", ts, (c) => c.notNull())
    .addColumn("eve_character_id", "integer", (c) => c.references("eve_characters.id").onDelete("set null"))
    .addColumn("character_name", "varchar(254)")
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("optimer_timers_start_idx").on("optimer_timers").column("start").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("optimer_timers").execute();
  await db.schema.dropTable("optimer_types").execute();
}
