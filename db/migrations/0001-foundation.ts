/** Users, sessions, permissions, groups, audit log, job outbox and the small tables security needs. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  const id = idColumn(dialect);

  await db.schema
    .createTable("users")
    .addColumn("id", "integer", id)
    .addColumn("username", "varchar(150)", (c) => c.notNull().unique())
    .addColumn("email", "varchar(254)")
    .addColumn("password_hash", "varchar(255)")
    .addColumn("is_active", "boolean", (c) => c.notNull())
    .addColumn("is_staff", "boolean", (c) => c.notNull())
    .addColumn("is_superuser", "boolean", (c) => c.notNull())
    .addColumn("language", "varchar(10)")
    .addColumn("theme", "varchar(10)")
    .addColumn("date_joined", ts, (c) => c.notNull())
    .addColumn("last_login", ts)
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("last_seen_at", ts, (c) => c.notNull())
    .addColumn("idle_expires_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("ip", "varchar(64)")
    .addColumn("user_agent", "varchar(512)")
    .addForeignKeyConstraint("sessions_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();
  await db.schema.createIndex("sessions_expires_idx").on("sessions").columns(["expires_at", "idle_expires_at"]).execute();

  await db.schema
    .createTable("permissions")
    .addColumn("id", "integer", id)
    .addColumn("app_label", "varchar(100)", (c) => c.notNull())
    .addColumn("codename", "varchar(100)", (c) => c.notNull())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addUniqueConstraint("permissions_app_label_codename_key", ["app_label", "codename"])
    .execute();

  await db.schema
    .createTable("auth_groups")
    .addColumn("id", "integer", id)
    .addColumn("name", "varchar(150)", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("user_groups")
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_groups_pkey", ["user_id", "group_id"])
    .addForeignKeyConstraint("user_groups_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("user_groups_group_id_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("user_groups_group_idx").on("user_groups").column("group_id").execute();

  await db.schema
    .createTable("user_permissions")
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("permission_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_permissions_pkey", ["user_id", "permission_id"])
    .addForeignKeyConstraint("user_permissions_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("user_permissions_permission_id_fk", ["permission_id"], "permissions", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("group_permissions")
    .addColumn("group_id", "integer", (c) => c.notNull())
    .addColumn("permission_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_permissions_pkey", ["group_id", "permission_id"])
    .addForeignKeyConstraint("group_permissions_group_id_fk", ["group_id"], "auth_groups", ["id"], (fk) => fk.onDelete("cascade"))
    .addForeignKeyConstraint("group_permissions_permission_id_fk", ["permission_id"], "permissions", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "integer", id)
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("actor_user_id", "integer")
    .addColumn("actor", "varchar(150)", (c) => c.notNull())
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("target_type", "varchar(64)", (c) => c.notNull())
    .addColumn("target_id", "varchar(64)")
    .addColumn("before_data", "text")
    .addColumn("after_data", "text")
    .addColumn("reason", "varchar(500)")
    .addColumn("request_id", "varchar(64)")
    .addColumn("ip", "varchar(64)")
    .execute();
  await db.schema.createIndex("audit_log_created_idx").on("audit_log").column("created_at").execute();
  await db.schema.createIndex("audit_log_target_idx").on("audit_log").columns(["target_type", "target_id"]).execute();

  await db.schema
    .createTable("job_outbox")
    .addColumn("id", "integer", id)
    .addColumn("task", "varchar(128)", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("job_key", "varchar(512)")
    .addColumn("run_at", ts)
    .addColumn("queue_name", "varchar(128)")
    .addColumn("max_attempts", "integer")
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("login_failures")
    .addColumn("key", "varchar(200)", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("last_failure_at", ts, (c) => c.notNull())
    .addColumn("locked_until", ts)
    .execute();

  await db.schema
    .createTable("one_time_tokens")
    .addColumn("id", "integer", id)
    .addColumn("purpose", "varchar(32)", (c) => c.notNull())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("user_id", "integer")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("used_at", ts)
    .addForeignKeyConstraint("one_time_tokens_user_id_fk", ["user_id"], "users", ["id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("worker_heartbeats")
    .addColumn("worker_id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("hostname", "varchar(255)", (c) => c.notNull())
    .addColumn("started_at", ts, (c) => c.notNull())
    .addColumn("last_seen_at", ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of [
    "worker_heartbeats",
    "one_time_tokens",
    "login_failures",
    "job_outbox",
    "audit_log",
    "group_permissions",
    "user_permissions",
    "user_groups",
    "auth_groups",
    "permissions",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
