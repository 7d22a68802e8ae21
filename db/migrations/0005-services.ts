/**
 * Services framework: one row per linked external account (service_accounts), name formats per
 * service and state (service_name_formats + its states), and per-service sync bookkeeping
 * (service_sync_state: last reconcile, its drift report, a live "sync all" progress key).
 */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("service_accounts")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("service", "varchar(32)", (c) => c.notNull())
    .addColumn("remote_id", "varchar(64)")
    .addColumn("remote_username", "varchar(191)")
    // AES-256-GCM sealed (SecretBox) credentials that must be recoverable, e.g. a forum password.
    .addColumn("credentials", "text")
    // active | grace (lost access, removal due at removal_due_at)
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    // What we last wrote (nickname, role names ...) as JSON: drift is measured against it.
    .addColumn("synced", "text")
    .addColumn("activated_at", ts, (c) => c.notNull())
    .addColumn("last_sync_at", ts)
    .addColumn("last_error", "varchar(500)")
    .addColumn("last_error_at", ts)
    .addColumn("removal_due_at", ts)
    .execute();
  await db.schema.createIndex("service_accounts_user_service").on("service_accounts").columns(["user_id", "service"]).unique().execute();
  await db.schema.createIndex("service_accounts_service_remote").on("service_accounts").columns(["service", "remote_id"]).execute();

  await db.schema
    .createTable("service_name_formats")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("service", "varchar(32)", (c) => c.notNull())
    .addColumn("format", "varchar(100)", (c) => c.notNull())
    .addColumn("default_to_username", "boolean", (c) => c.notNull())
    .execute();
  // One format per service per state: (service, state_id) is unique across all formats.
  await db.schema
    .createTable("service_name_format_states")
    .addColumn("name_format_id", "integer", (c) => c.notNull().references("service_name_formats.id").onDelete("cascade"))
    .addColumn("service", "varchar(32)", (c) => c.notNull())
    .addColumn("state_id", "integer", (c) => c.notNull().references("states.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("service_name_format_states_pk", ["name_format_id", "state_id"])
    .execute();
  await db.schema.createIndex("service_name_format_states_unique").on("service_name_format_states").columns(["service", "state_id"]).unique().execute();

  await db.schema
    .createTable("service_sync_state")
    .addColumn("service", "varchar(32)", (c) => c.primaryKey())
    .addColumn("last_reconcile_at", ts)
    .addColumn("last_reconcile", "text")
    .addColumn("last_error", "varchar(500)")
    .addColumn("progress_key", "varchar(100)")
    // Remote group/role ids the connector created or matched to a group (JSON): finds orphans.
    .addColumn("managed", "text")
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("service_sync_state").execute();
  await db.schema.dropTable("service_name_format_states").execute();
  await db.schema.dropTable("service_name_formats").execute();
  await db.schema.dropTable("service_accounts").execute();
}
