/**
 * Membership changes: the building blocks every group mutation uses (add or remove a member, write
 * the group's request log), a manager removing a member, and the permission-loss cleanup.
 * Every change writes its audit row in the same transaction.
 */
import type { InsertQueryBuilder, InsertResult, Kysely, Transaction } from "kysely";
import { dialectOf, inIds } from "../../../db/dialect";
import type { DB, GroupRequestLogsTable } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { groupBy } from "../group-by";
import { servicesNeedSync } from "../services/sync.server";
import { type Executor, type GroupsSubject, managedGroup } from "./queries.server";

/** Runs `fn` in a transaction, or in the caller's when `db` already is one. */
export function inTransaction<T>(db: Executor, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  return (db as Kysely<DB>).transaction().execute(fn);
}

/** Runs the insert unless the row exists (on its unique key): true when a row was inserted. */
export async function insertIfAbsent<TB extends keyof DB>(trx: Executor, insert: InsertQueryBuilder<DB, TB, InsertResult>) {
  const result = dialectOf(trx) === "mysql" ? await insert.orIgnore().executeTakeFirst() : await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Adds the membership; false when it already existed (never fails on a duplicate, also under
 * concurrency). A change reaches the external services through servicesNeedSync.
 */
export async function addMembership(trx: Executor, userId: number, groupId: number) {
  const added = await insertIfAbsent(trx, trx.insertInto("user_groups").values({ user_id: userId, group_id: groupId }));
  if (added) await servicesNeedSync(trx, [userId], "groups changed");
  return added;
}

/** Removes the membership; false when there was none. */
export async function removeMembership(trx: Executor, userId: number, groupId: number) {
  const result = await trx.deleteFrom("user_groups").where("user_id", "=", userId).where("group_id", "=", groupId).executeTakeFirst();
  const removed = Number(result.numDeletedRows) > 0;
  if (removed) await servicesNeedSync(trx, [userId], "groups changed");
  return removed;
}

export interface RequestLogEntry {
  groupId: number;
  groupName: string;
  type: GroupRequestLogsTable["request_type"];
  requestor: { id: number; username: string };
  /** true = accept (or removed), false = reject. */
  action: boolean;
  actor: Actor;
}

/** One row of the group's audit log (the original's RequestLog, `request_info` = "username:groupname"). */
export async function writeRequestLog(trx: Executor, entry: RequestLogEntry) {
  await trx
    .insertInto("group_request_logs")
    .values({
      group_id: entry.groupId,
      request_type: entry.type,
      request_info: `${entry.requestor.username}:${entry.groupName}`.slice(0, 254),
      requestor_id: entry.requestor.id,
      action: entry.action,
      request_actor_id: entry.actor.userId,
      created_at: new Date(),
    })
    .execute();
}

export type RemoveMemberOutcome = { kind: "notFound" } | { kind: "forbidden" } | { kind: "notMember" } | { kind: "removed"; username: string; groupName: string };

/** A manager removes a member (`membership_remove`): logged as type "removed", action accept. */
export async function removeMember(db: Executor, manager: GroupsSubject, groupId: number, userId: number, actor: Actor): Promise<RemoveMemberOutcome> {
  return inTransaction(db, async (trx) => {
    const access = await managedGroup(trx, manager, groupId);
    if (access.kind !== "ok") return access;
    const member = await trx.selectFrom("users").select(["id", "username"]).where("id", "=", userId).executeTakeFirst();
    if (!member || !(await removeMembership(trx, member.id, groupId))) return { kind: "notMember" as const };
    await writeRequestLog(trx, { groupId, groupName: access.group.name, type: "removed", requestor: member, action: true, actor });
    await writeAudit(trx, actor, {
      action: "group.member_removed",
      targetType: "group",
      targetId: groupId,
      before: { user_id: member.id, username: member.username },
      reason: "removed by a group manager",
    });
    return { kind: "removed" as const, username: member.username, groupName: access.group.name };
  });
}

/**
 * After a permission change: these users no longer hold `groupmanagement.request_groups`, so they
 * leave every group that is not public (a group without settings is not public), and their pending
 * requests for such groups go too. The caller decides who lost the permission. One audit row per
 * group that lost members. Returns the removed (user, group) pairs.
 */
export async function removeUsersWithoutRequestGroupsPermission(trx: Executor, userIds: number[], actor: Actor) {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const publicGroups = trx.selectFrom("group_settings").select("group_id").where("public", "=", true);
  const removed = await trx.selectFrom("user_groups").select(["user_id", "group_id"]).where(inIds(trx, "user_id", ids)).where("group_id", "not in", publicGroups).execute();
  await trx.deleteFrom("group_requests").where(inIds(trx, "user_id", ids)).where("group_id", "not in", publicGroups).execute();
  if (removed.length) {
    await trx.deleteFrom("user_groups").where(inIds(trx, "user_id", ids)).where("group_id", "not in", publicGroups).execute();
    await servicesNeedSync(trx, [...new Set(removed.map((r) => r.user_id))], "groups changed");
  }
  const byGroup = groupBy(removed, (r) => r.group_id, (r) => r.user_id);
  for (const [groupId, users] of byGroup) {
    await writeAudit(trx, actor, {
      action: "group.members_removed",
      targetType: "group",
      targetId: groupId,
      before: { user_ids: users.sort((a, b) => a - b) },
      reason: "lost groupmanagement.request_groups",
    });
  }
  return removed;
}
