/**
 * Groups limited to states: a user whose state is not among a group's states leaves it
 * (the original's `state_changed` receiver). Set-based, with an audit entry per group about the users removed.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { type Actor, writeAuditForUsers } from "../audit/audit.server";
import { groupBy } from "../group-by";
import { servicesNeedSync } from "../services/sync.server";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Whose memberships to check: users whose state is given (a state change knows the new ones, so
 * only members whose new state a group does not allow are looked up), or every member of some groups.
 */
export type LimitScope = { users: readonly { userId: number; state: number | null }[] } | { groupIds: readonly number[] };

/** Per limited group in scope, the members its states do not allow. */
async function leaving(db: Executor, scope: LimitScope): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>();
  // The limits first (few rows, often none).
  const allowed = groupBy(await db.selectFrom("group_states").select(["group_id", "state_id"]).execute(), (r) => r.group_id, (r) => r.state_id);
  if ("users" in scope) {
    if (allowed.size === 0) return result;
    const ok = new Map([...allowed].map(([groupId, states]) => [groupId, new Set(states)]));
    const limited = [...ok.keys()];
    const stateOf = new Map(scope.users.map((u) => [u.userId, u.state]));
    const fits = (groupId: number, state: number | null | undefined) => state !== null && state !== undefined && ok.get(groupId)!.has(state);
    // Users whose state some limited group does not allow; then their memberships of those groups, in one statement.
    const candidates = scope.users.filter((u) => limited.some((groupId) => !fits(groupId, u.state))).map((u) => u.userId);
    if (candidates.length === 0) return result;
    const memberships = await db.selectFrom("user_groups").select(["user_id", "group_id"]).where(inIds(db, "group_id", limited)).where(inIds(db, "user_id", candidates)).execute();
    for (const [groupId, userIds] of groupBy(memberships.filter((m) => !fits(m.group_id, stateOf.get(m.user_id))), (m) => m.group_id, (m) => m.user_id)) result.set(groupId, userIds);
    return result;
  }
  for (const groupId of new Set(scope.groupIds)) {
    if (!allowed.has(groupId)) continue;
    const members = await db
      .selectFrom("user_groups as ug")
      .innerJoin("users as u", "u.id", "ug.user_id")
      .select("ug.user_id")
      .where("ug.group_id", "=", groupId)
      .where((eb) => eb.or([eb("u.state_id", "is", null), eb("u.state_id", "not in", allowed.get(groupId)!)]))
      .execute();
    if (members.length) result.set(groupId, members.map((m) => m.user_id));
  }
  return result;
}

/** Removes the memberships a group's states do not allow, in scope; returns how many. */
export async function removeFromStateLimitedGroups(db: Executor, scope: LimitScope, actor: Actor) {
  if (("users" in scope ? scope.users : scope.groupIds).length === 0) return 0;
  const byGroup = await leaving(db, scope);
  if (byGroup.size === 0) return 0;
  const names = new Map((await db.selectFrom("auth_groups").select(["id", "name"]).where("id", "in", [...byGroup.keys()]).execute()).map((g) => [g.id, g.name]));
  // One DELETE and one audit entry per group, not per membership: the entry is about the users
  // who left (each finds it in their history).
  let removed = 0;
  for (const [groupId, userIds] of byGroup) {
    await db.deleteFrom("user_groups").where("group_id", "=", groupId).where(inIds(db, "user_id", userIds)).execute();
    await writeAuditForUsers(db, actor, { action: "group.member_removed", before: { group: names.get(groupId) }, reason: "state no longer allowed in the group" }, userIds);
    removed += userIds.length;
  }
  await servicesNeedSync(db, [...new Set([...byGroup.values()].flat())], "groups changed");
  return removed;
}
