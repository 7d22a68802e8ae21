/**
 * Groups limited to states: a user whose state is not among a group's states leaves it
 * (the original's `state_changed` receiver). Set-based, with an audit row per removed membership.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { type Actor, writeAuditMany } from "../audit/audit.server";
import { groupBy } from "../group-by";
import { servicesNeedSync } from "../services/sync.server";

type Executor = Kysely<DB> | Transaction<DB>;

/** Memberships of `userIds` (in `groupIds`) in state-limited groups that do not list the user's current state. */
async function mismatched(db: Executor, userIds?: number[], groupIds?: number[]) {
  // The limited groups first (few, often none): the memberships are then read by group.
  const limited = (await db.selectFrom("group_states").select("group_id").distinct().execute()).map((r) => r.group_id);
  const wanted = groupIds && new Set(groupIds);
  const inScope = wanted ? limited.filter((id) => wanted.has(id)) : limited;
  if (inScope.length === 0) return [];
  let query = db
    .selectFrom("user_groups as ug")
    .innerJoin("users as u", "u.id", "ug.user_id")
    .innerJoin("auth_groups as g", "g.id", "ug.group_id")
    .select(["ug.user_id", "ug.group_id", "g.name as group_name", "u.state_id"])
    .where(inIds(db, "ug.group_id", inScope))
    .where((eb) =>
      eb.or([
        eb("u.state_id", "is", null),
        eb.not(eb.exists(eb.selectFrom("group_states as gs2").select("gs2.group_id").whereRef("gs2.group_id", "=", "ug.group_id").whereRef("gs2.state_id", "=", "u.state_id"))),
      ]),
    );
  if (userIds) query = query.where(inIds(db, "ug.user_id", userIds));
  return query.execute();
}

/** Removes those memberships (of `userIds`, in `groupIds`; undefined = all); returns how many. */
export async function removeFromStateLimitedGroups(db: Executor, userIds: number[] | undefined, actor: Actor, groupIds?: number[]) {
  if ((userIds && userIds.length === 0) || (groupIds && groupIds.length === 0)) return 0;
  const rows = await mismatched(db, userIds, groupIds);
  if (rows.length === 0) return 0;
  // One DELETE per group, not per membership.
  const byGroup = groupBy(rows, (r) => r.group_id, (r) => r.user_id);
  for (const [groupId, userIdsInGroup] of byGroup) {
    await db.deleteFrom("user_groups").where("group_id", "=", groupId).where(inIds(db, "user_id", userIdsInGroup)).execute();
  }
  await writeAuditMany(
    db,
    actor,
    rows.map((row) => ({ action: "group.member_removed", targetType: "user", targetId: row.user_id, before: { group: row.group_name }, reason: "state no longer allowed in the group" })),
  );
  await servicesNeedSync(db, [...new Set(rows.map((r) => r.user_id))], "groups changed");
  return rows.length;
}
