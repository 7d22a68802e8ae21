/** Web hardening: each outbox email remembers the user it was sent for, so the outbox shows each visitor only their own mail. */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>) {
  await db.schema.alterTable("email_outbox").addColumn("user_id", "integer").execute();
  await db.schema.createIndex("email_outbox_user_id_idx").on("email_outbox").column("user_id").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex("email_outbox_user_id_idx").on("email_outbox").execute();
  await db.schema.alterTable("email_outbox").dropColumn("user_id").execute();
}
