/**
 * TeamSpeak 3: the server groups read from the server (run_ts3_group_update), and the admin's mapping
 * of Auth groups and states to them (the original's TSgroup, AuthTS and StateGroup).
 */
import type { Kysely } from "kysely";
import { dialectOf, idColumn } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  await db.schema
    .createTable("ts3_server_groups")
    .addColumn("sgid", "integer", (c) => c.primaryKey())
    .addColumn("name", "varchar(64)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ts3_auth_groups")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("group_id", "integer", (c) => c.notNull().references("auth_groups.id").onDelete("cascade"))
    .execute();
  await db.schema.createIndex("ts3_auth_groups_group").on("ts3_auth_groups").column("group_id").unique().execute();
  await db.schema
    .createTable("ts3_auth_group_server_groups")
    .addColumn("auth_ts_id", "integer", (c) => c.notNull().references("ts3_auth_groups.id").onDelete("cascade"))
    .addColumn("sgid", "integer", (c) => c.notNull().references("ts3_server_groups.sgid").onDelete("cascade"))
    .addPrimaryKeyConstraint("ts3_auth_group_server_groups_pk", ["auth_ts_id", "sgid"])
    .execute();
  await db.schema
    .createTable("ts3_state_groups")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("state_id", "integer", (c) => c.notNull().references("states.id").onDelete("cascade"))
    .addColumn("sgid", "integer", (c) => c.notNull().references("ts3_server_groups.sgid").onDelete("cascade"))
    .execute();
  await db.schema.createIndex("ts3_state_groups_unique").on("ts3_state_groups").columns(["state_id", "sgid"]).unique().execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("ts3_state_groups").execute();
  await db.schema.dropTable("ts3_auth_group_server_groups").execute();
  await db.schema.dropTable("ts3_auth_groups").execute();
  await db.schema.dropTable("ts3_server_groups").execute();
}
