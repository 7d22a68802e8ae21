/** Auto groups (the original's eveonline.autogroups): configs, the states they apply to, the groups they manage. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  await db.schema
    .createTable("autogroups_configs")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("corp_groups", "boolean", (c) => c.notNull())
    .addColumn("corp_group_prefix", "varchar(50)", (c) => c.notNull())
    .addColumn("corp_name_source", "varchar(20)", (c) => c.notNull())
    .addColumn("alliance_groups", "boolean", (c) => c.notNull())
    .addColumn("alliance_group_prefix", "varchar(50)", (c) => c.notNull())
    .addColumn("alliance_name_source", "varchar(20)", (c) => c.notNull())
    .addColumn("replace_spaces", "boolean", (c) => c.notNull())
    .addColumn("replace_spaces_with", "varchar(10)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("autogroups_config_states")
    .addColumn("config_id", "integer", (c) => c.notNull())
    .addColumn("state_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("autogroups_config_states_pkey", ["config_id", "state_id"])
    .addForeignKeyConstraint("autogroups_config_states_config_fk", ["config_id"], "autogroups_configs", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("autogroups_config_states_state_fk", ["state_id"], "states", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("autogroups_config_states_state_idx").on("autogroups_config_states").column("state_id").execute();
  // One group per (config, kind, corporation or alliance); a group may be shared by two configs whose names coincide.
  await db.schema
    .createTable("autogroups_managed_groups")
    .addColumn("config_id", "integer", (c) => c.notNull())
    .addColumn("kind", "varchar(8)", (c) => c.notNull())
    .addColumn("entity_id", "bigint", (c) => c.notNull())
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("autogroups_managed_groups_pkey", ["config_id", "kind", "entity_id"])
    .addForeignKeyConstraint("autogroups_managed_groups_config_fk", ["config_id"], "autogroups_configs", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("autogroups_managed_groups_group_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("autogroups_managed_groups_group_idx").on("autogroups_managed_groups").column("group_id").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("autogroups_managed_groups").execute();
  await db.schema.dropTable("autogroups_config_states").execute();
  await db.schema.dropTable("autogroups_configs").execute();
}
