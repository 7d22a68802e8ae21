/** Ship replacement (the original's srp app): SRP fleets and the members' loss requests. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("srp_fleets")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("fleet_name", "varchar(254)", (c) => c.notNull())
    .addColumn("doctrine", "varchar(254)", (c) => c.notNull())
    .addColumn("fleet_time", ts, (c) => c.notNull())
    .addColumn("fleet_srp_code", "varchar(32)", (c) => c.notNull().unique())
    .addColumn("fleet_srp_status", "varchar(32)", (c) => c.notNull())
    .addColumn("fleet_commander_id", "integer", (c) => c.references("eve_characters.id").onDelete("set null"))
    .addColumn("fleet_commander_name", "varchar(254)")
    .addColumn("aar_link", "varchar(254)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("srp_requests")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("fleet_id", "integer", (c) => c.notNull().references("srp_fleets.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("character_id", "integer", (c) => c.references("eve_characters.id").onDelete("set null"))
    .addColumn("character_name", "varchar(254)", (c) => c.notNull())
    .addColumn("killboard_link", "varchar(254)", (c) => c.notNull())
    // One request per kill, across every fleet (the original refuses a link naming a kill already filed).
    .addColumn("kill_id", "bigint", (c) => c.notNull().unique())
    .addColumn("additional_info", "text", (c) => c.notNull())
    .addColumn("srp_status", "varchar(16)", (c) => c.notNull())
    .addColumn("srp_total_amount", "bigint", (c) => c.notNull())
    .addColumn("kb_total_loss", "bigint", (c) => c.notNull())
    .addColumn("ship_type_id", "bigint", (c) => c.notNull())
    .addColumn("srp_ship_name", "varchar(254)", (c) => c.notNull())
    .addColumn("post_time", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("srp_requests_fleet_idx").on("srp_requests").column("fleet_id").execute();
  await db.schema.createIndex("srp_requests_user_idx").on("srp_requests").column("user_id").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("srp_requests").execute();
  await db.schema.dropTable("srp_fleets").execute();
}
