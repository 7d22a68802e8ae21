/** Fleet activity tracking (the original's fleetactivitytracking app): FAT links and the participations recorded through them. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("fleetactivitytracking_fatlinks")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("fleet", "varchar(254)", (c) => c.notNull())
    .addColumn("hash", "varchar(32)", (c) => c.notNull().unique())
    // Minutes the link stays open after fatdatetime (the original's `duration`).
    .addColumn("duration", "integer", (c) => c.notNull())
    .addColumn("fatdatetime", ts, (c) => c.notNull())
    // The original sets a sentinel "deleted" user; here the link keeps its creator's name.
    .addColumn("creator_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("creator_name", "varchar(254)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("fat_fatlinks_time_idx").on("fleetactivitytracking_fatlinks").column("fatdatetime").execute();
  await db.schema.createIndex("fat_fatlinks_creator_idx").on("fleetactivitytracking_fatlinks").column("creator_id").execute();
  await db.schema
    .createTable("fleetactivitytracking_fats")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("fatlink_id", "integer", (c) => c.notNull().references("fleetactivitytracking_fatlinks.id").onDelete("cascade"))
    .addColumn("character_id", "integer", (c) => c.notNull().references("eve_characters.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // The character's corporation when the link was clicked (statistics per corporation by month).
    .addColumn("corporation_id", "bigint")
    .addColumn("corporation_name", "varchar(254)", (c) => c.notNull())
    .addColumn("system", "varchar(30)", (c) => c.notNull())
    .addColumn("solar_system_id", "bigint")
    .addColumn("station", "varchar(125)", (c) => c.notNull())
    .addColumn("shiptype", "varchar(100)", (c) => c.notNull())
    .addColumn("ship_type_id", "bigint")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addUniqueConstraint("fat_fats_link_character_uniq", ["fatlink_id", "character_id"])
    .execute();
  await db.schema.createIndex("fat_fats_user_idx").on("fleetactivitytracking_fats").column("user_id").execute();
  await db.schema.createIndex("fat_fats_corporation_idx").on("fleetactivitytracking_fats").column("corporation_id").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("fleetactivitytracking_fats").execute();
  await db.schema.dropTable("fleetactivitytracking_fatlinks").execute();
}
