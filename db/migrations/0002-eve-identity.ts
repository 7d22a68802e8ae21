/** EVE entities, characters and their ownership, ESI tokens, SSO states, email outbox, ESI cache and error budget. */
import { type Kysely, sql } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  const id = idColumn(dialect);
  // Owner hashes are base64: case matters, so MySQL must compare them in binary.
  const hashType = (length: number) => (dialect === "mysql" ? sql.raw(`varchar(${length}) character set utf8mb4 collate utf8mb4_bin`) : sql.raw(`varchar(${length})`));

  await db.schema
    .createTable("eve_factions")
    .addColumn("faction_id", "bigint", (c) => c.primaryKey())
    .addColumn("faction_name", "varchar(254)", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("eve_alliances")
    .addColumn("alliance_id", "bigint", (c) => c.primaryKey())
    .addColumn("alliance_name", "varchar(254)", (c) => c.notNull())
    .addColumn("alliance_ticker", "varchar(254)", (c) => c.notNull())
    .addColumn("executor_corp_id", "bigint")
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("eve_alliances_name_idx").on("eve_alliances").column("alliance_name").execute();

  await db.schema
    .createTable("eve_corporations")
    .addColumn("corporation_id", "bigint", (c) => c.primaryKey())
    .addColumn("corporation_name", "varchar(254)", (c) => c.notNull())
    .addColumn("corporation_ticker", "varchar(254)", (c) => c.notNull())
    .addColumn("member_count", "integer", (c) => c.notNull())
    .addColumn("ceo_id", "bigint")
    .addColumn("alliance_id", "bigint")
    .addColumn("faction_id", "bigint")
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addForeignKeyConstraint("eve_corporations_alliance_id_fk", ["alliance_id"], "eve_alliances", ["alliance_id"], (fk) => fk.onDelete("set null"))
    .execute();
  await db.schema.createIndex("eve_corporations_name_idx").on("eve_corporations").column("corporation_name").execute();
  await db.schema.createIndex("eve_corporations_alliance_idx").on("eve_corporations").column("alliance_id").execute();

  await db.schema
    .createTable("eve_characters")
    .addColumn("id", "integer", id)
    .addColumn("character_id", "bigint", (c) => c.notNull().unique())
    .addColumn("character_name", "varchar(254)", (c) => c.notNull())
    .addColumn("corporation_id", "bigint", (c) => c.notNull())
    .addColumn("corporation_name", "varchar(254)", (c) => c.notNull())
    .addColumn("corporation_ticker", "varchar(5)", (c) => c.notNull())
    .addColumn("alliance_id", "bigint")
    .addColumn("alliance_name", "varchar(254)")
    .addColumn("alliance_ticker", "varchar(5)")
    .addColumn("faction_id", "bigint")
    .addColumn("faction_name", "varchar(254)")
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  for (const column of ["character_name", "corporation_id", "corporation_name", "alliance_id", "alliance_name", "faction_id"]) {
    await db.schema.createIndex(`eve_characters_${column}_idx`).on("eve_characters").column(column).execute();
  }

  // A character is the main of at most one user (unique), and losing the character clears the main.
  await db.schema.alterTable("users").addColumn("main_character_id", "integer").execute();
  await db.schema.alterTable("users").addUniqueConstraint("users_main_character_id_key", ["main_character_id"]).execute();
  await db.schema
    .alterTable("users")
    .addForeignKeyConstraint("users_main_character_id_fk", ["main_character_id"], "eve_characters", ["id"], (fk) => fk.onDelete("set null"))
    .execute();

  await db.schema
    .createTable("character_ownerships")
    .addColumn("id", "integer", id)
    .addColumn("character_id", "integer", (c) => c.notNull().unique())
    .addColumn("owner_hash", hashType(28), (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addForeignKeyConstraint("character_ownerships_character_id_fk", ["character_id"], "eve_characters", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("character_ownerships_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("character_ownerships_user_idx").on("character_ownerships").column("user_id").execute();

  await db.schema
    .createTable("ownership_records")
    .addColumn("id", "integer", id)
    .addColumn("character_id", "integer", (c) => c.notNull())
    .addColumn("owner_hash", hashType(28), (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addForeignKeyConstraint("ownership_records_character_id_fk", ["character_id"], "eve_characters", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("ownership_records_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("ownership_records_lookup_idx").on("ownership_records").columns(["character_id", "owner_hash"]).execute();

  await db.schema
    .createTable("esi_tokens")
    .addColumn("id", "integer", id)
    .addColumn("user_id", "integer")
    .addColumn("character_id", "bigint", (c) => c.notNull())
    .addColumn("character_name", "varchar(254)", (c) => c.notNull())
    .addColumn("character_owner_hash", hashType(254), (c) => c.notNull())
    .addColumn("token_type", "varchar(16)", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("access_token", "text", (c) => c.notNull())
    .addColumn("refresh_token", "text")
    .addColumn("key_id", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("refreshed_at", ts, (c) => c.notNull())
    .addForeignKeyConstraint("esi_tokens_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("esi_tokens_character_idx").on("esi_tokens").column("character_id").execute();
  await db.schema.createIndex("esi_tokens_owner_hash_idx").on("esi_tokens").column("character_owner_hash").execute();
  await db.schema.createIndex("esi_tokens_user_idx").on("esi_tokens").column("user_id").execute();

  await db.schema
    .createTable("sso_states")
    .addColumn("state_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("purpose", "varchar(32)", (c) => c.notNull())
    .addColumn("next_path", "varchar(500)", (c) => c.notNull())
    .addColumn("user_id", "integer")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addForeignKeyConstraint("sso_states_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("email_outbox")
    .addColumn("id", "integer", id)
    .addColumn("to_address", "varchar(254)", (c) => c.notNull())
    .addColumn("subject", "varchar(500)", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("esi_cache")
    .addColumn("cache_key", "varchar(64)", (c) => c.primaryKey())
    .addColumn("url", "varchar(1000)", (c) => c.notNull())
    .addColumn("etag", "varchar(255)")
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("esi_error_budget")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("remain", "integer", (c) => c.notNull())
    .addColumn("reset_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ["esi_error_budget", "esi_cache", "email_outbox", "sso_states", "esi_tokens", "ownership_records", "character_ownerships"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable("users").dropConstraint("users_main_character_id_fk").execute();
  await db.schema.alterTable("users").dropColumn("main_character_id").execute();
  for (const table of ["eve_characters", "eve_corporations", "eve_alliances", "eve_factions"]) await db.schema.dropTable(table).ifExists().execute();
}
