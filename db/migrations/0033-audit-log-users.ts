/**
 * An audit entry about many users at once is one `audit_log` row whose `user_count` says how many,
 * with its users in `audit_log_users`, one narrow row each (docs/decisions/0064). A state edit that
 * moves 100,000 members wrote 100,000 full audit rows, each with its JSON, its text id and two index
 * entries; a (user, entry) pair with its key costs about a third of that. The key starts with the
 * user: what people ask of it is a member's history, newest first.
 *
 * No foreign keys, as `audit_log.target_id` has none: the trail outlives the users it names, and
 * its entries are never deleted.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>) {
  await db.schema.alterTable("audit_log").addColumn("user_count", "integer").execute();
  await db.schema
    .createTable("audit_log_users")
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("audit_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("audit_log_users_pk", ["user_id", "audit_id"])
    .execute();
}

/**
 * Back to one row per user: each entry about many becomes one ordinary entry per user it names,
 * appended to the trail (new ids; each keeps its entry's time).
 */
export async function down(db: Kysely<any>) {
  // The copy and the removal together (MySQL runs migrations outside a transaction; PostgreSQL's migrator already is one).
  const expand = async (trx: Kysely<any>) => {
    await sql`
    insert into audit_log (created_at, actor_user_id, actor, action, target_type, target_id, before_data, after_data, reason, request_id, ip)
    select a.created_at, a.actor_user_id, a.actor, a.action, 'user', concat(m.user_id, ''), a.before_data, a.after_data, a.reason, a.request_id, a.ip
    from audit_log_users m join audit_log a on a.id = m.audit_id
    order by a.id, m.user_id`.execute(trx);
    await trx.deleteFrom("audit_log").where("user_count", "is not", null).execute();
  };
  await (db.isTransaction ? expand(db) : db.transaction().execute(expand));
  await db.schema.dropTable("audit_log_users").execute();
  await db.schema.alterTable("audit_log").dropColumn("user_count").execute();
}
