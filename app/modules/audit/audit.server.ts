/** The append-only audit trail. Written in the same transaction as the change it records. */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";

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
  targetType?: string;
  targetId?: string;
  action?: string;
  limit?: number;
}

export async function listAudit(db: Executor, query: AuditQuery = {}) {
  let q = db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(query.limit ?? 100);
  if (query.targetType) q = q.where("target_type", "=", query.targetType);
  if (query.targetId) q = q.where("target_id", "=", query.targetId);
  if (query.action) q = q.where("action", "=", query.action);
  const rows = await q.execute();
  return rows.map((row) => ({
    ...row,
    before: row.before_data ? JSON.parse(row.before_data) : null,
    after: row.after_data ? JSON.parse(row.after_data) : null,
  }));
}

/**
 * The same entry for each of many users (its target): the database makes the rows from the ids
 * (INSERT … SELECT), one statement and one list parameter for any number of users. Users that do not exist get no row.
 */
export async function writeAuditForUsers(db: Executor, actor: Actor, entry: Omit<AuditEntry, "targetType" | "targetId">, userIds: readonly number[]) {
  const base = row(actor, { ...entry, targetType: "user" }, new Date());
  if (userIds.length === 0) return;
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
          // concat: a text of the id on both databases (cast names differ).
          sql<string>`concat(u.id, '')`.as("target_id"),
          eb.val(base.before_data).as("before_data"),
          eb.val(base.after_data).as("after_data"),
          eb.val(base.reason).as("reason"),
          eb.val(base.request_id).as("request_id"),
          eb.val(base.ip).as("ip"),
        ])
        .where(inIds(db, "u.id", userIds)),
    )
    .execute();
}
