/** Structure timers (the original's timerboard app). */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("timerboard_timers")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("details", "varchar(254)", (c) => c.notNull())
    .addColumn("system", "varchar(254)", (c) => c.notNull())
    .addColumn("planet_moon", "varchar(254)", (c) => c.notNull())
    .addColumn("structure", "varchar(64)", (c) => c.notNull())
    .addColumn("timer_type", "varchar(16)", (c) => c.notNull())
    .addColumn("objective", "varchar(16)", (c) => c.notNull())
    .addColumn("eve_time", ts, (c) => c.notNull())
    .addColumn("important", "boolean", (c) => c.notNull())
    .addColumn("corp_timer", "boolean", (c) => c.notNull())
    // The author's main character and corporation when the timer was saved (names kept for display).
    .addColumn("eve_character_id", "integer", (c) => c.references("eve_characters.id").onDelete("set null"))
    .addColumn("character_name", "varchar(254)")
    .addColumn("corporation_id", "bigint")
    .addColumn("corporation_name", "varchar(254)")
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("timerboard_timers_eve_time_idx").on("timerboard_timers").column("eve_time").execute();
  await db.schema.createIndex("timerboard_timers_corp_idx").on("timerboard_timers").columns(["corp_timer", "corporation_id"]).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("timerboard_timers").execute();
}
