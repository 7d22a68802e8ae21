/** States, group management, notifications and job statistics; seeds Member, Blue and Guest. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  const id = idColumn(dialect);

  await db.schema
    .createTable("states")
    .addColumn("id", "integer", id)
    .addColumn("name", "varchar(32)", (c) => c.notNull().unique())
    .addColumn("priority", "integer", (c) => c.notNull().unique())
    .addColumn("public", "boolean", (c) => c.notNull())
    .execute();

  const member = (table: string, column: string, type: string, refTable: string, refColumn: string) =>
    db.schema
      .createTable(table)
      .addColumn("state_id", "integer", (c) => c.notNull())
      .addColumn(column, type as "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, ["state_id", column])
      .addForeignKeyConstraint(`${table}_state_fk`, ["state_id"], "states", ["id"], (fk) => fk.onDelete("cascade"))
      .addForeignKeyConstraint(`${table}_${column}_fk`, [column], refTable, [refColumn], (fk) => fk.onDelete("cascade"))
      .execute();
  await member("state_permissions", "permission_id", "integer", "permissions", "id");
  await member("state_member_characters", "character_id", "integer", "eve_characters", "id");
  await member("state_member_corporations", "corporation_id", "bigint", "eve_corporations", "corporation_id");
  await member("state_member_alliances", "alliance_id", "bigint", "eve_alliances", "alliance_id");
  await member("state_member_factions", "faction_id", "bigint", "eve_factions", "faction_id");
  for (const [table, column] of [
    ["state_member_corporations", "corporation_id"],
    ["state_member_alliances", "alliance_id"],
    ["state_member_factions", "faction_id"],
    ["state_member_characters", "character_id"],
  ]) {
    await db.schema.createIndex(`${table}_${column}_idx`).on(table).column(column).execute();
  }

  await db.schema.alterTable("users").addColumn("state_id", "integer").execute();
  await db.schema.alterTable("users").addForeignKeyConstraint("users_state_id_fk", ["state_id"], "states", ["id"], (fk) => fk.onDelete("set null")).execute();
  await db.schema.createIndex("users_state_idx").on("users").column("state_id").execute();

  await db.schema
    .createTable("group_settings")
    .addColumn("group_id", "integer", (c) => c.primaryKey())
    .addColumn("internal", "boolean", (c) => c.notNull())
    .addColumn("hidden", "boolean", (c) => c.notNull())
    .addColumn("open", "boolean", (c) => c.notNull())
    .addColumn("public", "boolean", (c) => c.notNull())
    .addColumn("restricted", "boolean", (c) => c.notNull())
    .addColumn("description", "varchar(512)", (c) => c.notNull())
    .addForeignKeyConstraint("group_settings_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("group_leaders")
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_leaders_pkey", ["group_id", "user_id"])
    .addForeignKeyConstraint("group_leaders_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("group_leaders_user_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("group_leaders_user_idx").on("group_leaders").column("user_id").execute();

  await db.schema
    .createTable("group_leader_groups")
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addColumn("leader_group_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_leader_groups_pkey", ["group_id", "leader_group_id"])
    .addForeignKeyConstraint("group_leader_groups_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("group_leader_groups_leader_fk", ["leader_group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("group_states")
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addColumn("state_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_states_pkey", ["group_id", "state_id"])
    .addForeignKeyConstraint("group_states_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("group_states_state_fk", ["state_id"], "states", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  // One pending request per user and group: a double request fails on the key, also under concurrency.
  await db.schema
    .createTable("group_requests")
    .addColumn("id", "integer", id)
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addColumn("leave_request", "boolean", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addUniqueConstraint("group_requests_user_group_key", ["user_id", "group_id"])
    .addForeignKeyConstraint("group_requests_user_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("group_requests_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("group_requests_group_idx").on("group_requests").column("group_id").execute();

  await db.schema
    .createTable("group_request_logs")
    .addColumn("id", "integer", id)
    .addColumn("group_id", "integer", (c) => c.notNull())
    /** join | leave | removed (the original's request_type False | True | None) */
    .addColumn("request_type", "varchar(8)", (c) => c.notNull())
    .addColumn("request_info", "varchar(254)", (c) => c.notNull())
    .addColumn("requestor_id", "integer")
    .addColumn("action", "boolean", (c) => c.notNull())
    .addColumn("request_actor_id", "integer")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addForeignKeyConstraint("group_request_logs_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("group_request_logs_requestor_fk", ["requestor_id"], "users", ["id"], (fk) => fk.onDelete("set null"))
    .addForeignKeyConstraint("group_request_logs_actor_fk", ["request_actor_id"], "users", ["id"], (fk) => fk.onDelete("set null"))
    .execute();
  await db.schema.createIndex("group_request_logs_group_idx").on("group_request_logs").columns(["group_id", "created_at"]).execute();

  await db.schema
    .createTable("reserved_group_names")
    .addColumn("id", "integer", id)
    .addColumn("name", "varchar(150)", (c) => c.notNull().unique())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_by", "varchar(255)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "integer", id)
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("level", "varchar(10)", (c) => c.notNull())
    .addColumn("title", "varchar(254)", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("viewed", "boolean", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addForeignKeyConstraint("notifications_user_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("notifications_user_viewed_idx").on("notifications").columns(["user_id", "viewed"]).execute();
  await db.schema.createIndex("notifications_user_created_idx").on("notifications").columns(["user_id", "created_at"]).execute();

  await db.schema
    .createTable("job_events")
    .addColumn("id", "integer", id)
    .addColumn("task", "varchar(128)", (c) => c.notNull())
    /** succeeded | retried | failed */
    .addColumn("outcome", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("job_events_created_idx").on("job_events").column("created_at").execute();

  // The original creates these on install; Guest is public and the fallback for everyone.
  await db
    .insertInto("states")
    .values([
      { name: "Member", priority: 100, public: false },
      { name: "Blue", priority: 50, public: false },
      { name: "Guest", priority: 0, public: true },
    ])
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of [
    "job_events",
    "notifications",
    "reserved_group_names",
    "group_request_logs",
    "group_requests",
    "group_states",
    "group_leader_groups",
    "group_leaders",
    "group_settings",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable("users").dropConstraint("users_state_id_fk").execute();
  await db.schema.alterTable("users").dropColumn("state_id").execute();
  for (const table of ["state_member_factions", "state_member_alliances", "state_member_corporations", "state_member_characters", "state_permissions", "states"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
