/** The append-only audit trail. Written in the same transaction as the change it records. */
import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from "kysely";
import type { AuditLogTable, DB } from "../../../db/schema";
import { inIds, insertReturningId } from "../../../db/dialect";

type Executor = Kysely<DB> | Transaction<DB>;

/** Who acted and from where: a user, or a named system rule (e.g. "system:session-cleanup"). */
export interface Actor {
  userId: number | null;
  label: string;
  requestId?: string | null;
  ip?: string | null;
}

export const systemActor = (rule: string): Actor => ({ userId: null, label: `system:${rule}` });

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

const encode = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

function row(actor: Actor, entry: AuditEntry, now: Date) {
  return {
    created_at: now,
    actor_user_id: actor.userId,
    actor: actor.label.slice(0, 150),
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId),
    before_data: encode(entry.before),
    after_data: encode(entry.after),
    reason: entry.reason?.slice(0, 500) ?? null,
    request_id: actor.requestId ?? null,
    ip: actor.ip ?? null,
  };
}

export async function writeAudit(db: Executor, actor: Actor, entry: AuditEntry) {
  await db.insertInto("audit_log").values(row(actor, entry, new Date())).execute();
}

/** Many rows by one actor at once (set-based changes): 4,000 rows per statement, under the bound-parameter limits. */
export async function writeAuditMany(db: Executor, actor: Actor, entries: AuditEntry[]) {
  const now = new Date();
  for (let i = 0; i < entries.length; i += 4000) {
    await db
      .insertInto("audit_log")
      .values(entries.slice(i, i + 4000).map((entry) => row(actor, entry, now)))
      .execute();
  }
}

export interface AuditQuery {
  action?: string;
  targetType?: string;
  /** Entries about this target (with `targetIds`, about any of them). */
  targetId?: string;
  targetIds?: readonly string[];
  actor?: string;
  /** Entries older than this id (the next page). */
  before?: number;
  limit?: number;
}

/** The ids among `ids` that can be user ids (an int column). */
const userIdsOf = (ids: readonly string[]) => [...new Set(ids.filter((id) => /^\d{1,10}$/.test(id)).map(Number))].filter((id) => id <= 2_147_483_647);

/**
 * Entries newest first, filtered. An entry is about a user when it names them as its target, or
 * when it is about many users and lists them in audit_log_users: the two are read apart, each
 * through its own index (a union or an IN over both reads the whole trail on MariaDB), and merged.
 */
export async function findAudit(db: Executor, query: AuditQuery = {}) {
  const limit = query.limit ?? 100;
  const targetIds = query.targetIds ?? (query.targetId === undefined ? undefined : [query.targetId]);
  const filtered = <Q extends SelectQueryBuilder<DB & { a: AuditLogTable }, "a", object>>(q: Q): Q => {
    let f = q as SelectQueryBuilder<DB & { a: AuditLogTable }, "a", object>;
    if (query.action) f = f.where("a.action", "=", query.action);
    if (query.actor) f = f.where("a.actor", "=", query.actor);
    if (query.before) f = f.where("a.id", "<", query.before);
    return f as Q;
  };
  let direct = filtered(db.selectFrom("audit_log as a").selectAll("a"));
  if (query.targetType) direct = direct.where("a.target_type", "=", query.targetType);
  if (targetIds) direct = targetIds.length ? direct.where("a.target_id", "in", targetIds) : direct.where(sql<boolean>`1 = 0`);
  const rows = await direct.orderBy("a.id", "desc").limit(limit).execute();
  const users = targetIds && (query.targetType === undefined || query.targetType === "user") ? userIdsOf(targetIds) : [];
  if (users.length === 0) return rows;
  let listed = filtered(db.selectFrom("audit_log as a").innerJoin("audit_log_users as m", "m.audit_id", "a.id").selectAll("a")).where("m.user_id", "in", users);
  // One user: the pairs' key (user_id, audit_id) gives the entries in order, newest first. Several:
  // an entry that lists two of them would come twice and take two places of the limit.
  if (query.before) listed = listed.where("m.audit_id", "<", query.before);
  const found = await (users.length === 1 ? listed.orderBy("m.audit_id", "desc") : listed.distinct().orderBy("a.id", "desc")).limit(limit).execute();
  const seen = new Set<number>();
  return [...rows, ...found]
    .filter((row) => !seen.has(row.id) && seen.add(row.id))
    .sort((x, y) => y.id - x.id)
    .slice(0, limit);
}

export async function listAudit(db: Executor, query: AuditQuery = {}) {
  const rows = await findAudit(db, query);
  return rows.map((row) => ({
    ...row,
    before: row.before_data ? JSON.parse(row.before_data) : null,
    after: row.after_data ? JSON.parse(row.after_data) : null,
  }));
}

/**
 * The same entry about each of many users (its targets). One id: an ordinary entry naming the user.
 * More: one entry whose `user_count` says how many, with its users one narrow row each in
 * audit_log_users, made by the database from the ids (INSERT … SELECT, one list parameter for any
 * number): a state edit that moves 100,000 members writes one entry and 100,000 pairs, not 100,000
 * entries (docs/decisions/0064). Ids that are no user are left out (so an entry about many may end
 * up about one); an entry about none is not written.
 */
export async function writeAuditForUsers(db: Executor, actor: Actor, entry: Omit<AuditEntry, "targetType" | "targetId">, ids: readonly number[]) {
  const userIds = [...new Set(ids)];
  if (userIds.length === 0) return;
  const base = row(actor, { ...entry, targetType: "user" }, new Date());
  if (userIds.length === 1) {
    await db
      .insertInto("audit_log")
      .columns(["created_at", "actor_user_id", "actor", "action", "target_type", "target_id", "before_data", "after_data", "reason", "request_id", "ip"])
      .expression((eb) =>
        eb
          .selectFrom("users as u")
          .select([
            eb.val(base.created_at).as("created_at"),
            eb.val(base.actor_user_id).as("actor_user_id"),
            eb.val(base.actor).as("actor"),
            eb.val(base.action).as("action"),
            eb.val(base.target_type).as("target_type"),
            eb.val(String(userIds[0])).as("target_id"),
            eb.val(base.before_data).as("before_data"),
            eb.val(base.after_data).as("after_data"),
            eb.val(base.reason).as("reason"),
            eb.val(base.request_id).as("request_id"),
            eb.val(base.ip).as("ip"),
          ])
          .where("u.id", "=", userIds[0]!),
      )
      .execute();
    return;
  }
  const auditId = await insertReturningId(db, "audit_log", { ...base, user_count: userIds.length });
  const written = await db
    .insertInto("audit_log_users")
    .columns(["user_id", "audit_id"])
    .expression((eb) => eb.selectFrom("users as u").select(["u.id as user_id", eb.val(auditId).as("audit_id")]).where(inIds(db, "u.id", userIds)))
    .executeTakeFirst();
  const count = Number(written.numInsertedOrUpdatedRows ?? 0);
  if (count === 0) await db.deleteFrom("audit_log").where("id", "=", auditId).execute();
  else if (count !== userIds.length) await db.updateTable("audit_log").set({ user_count: count }).where("id", "=", auditId).execute();
}
