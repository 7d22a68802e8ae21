/**
 * Groups limited to states: a user whose state is not among a group's states leaves it
 * (the original's `state_changed` receiver). Set-based, with an audit row per removed membership.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import type { Actor } from "../audit/audit.server";
import { servicesNeedSync } from "../services/sync.server";

type Executor = Kysely<DB> | Transaction<DB>;

/** Memberships of `userIds` in state-limited groups that do not list the user's current state. */
function mismatched(db: Executor, userIds?: number[]) {
  let query = db
    .selectFrom("user_groups as ug")
    .innerJoin("users as u", "u.id", "ug.user_id")
    .innerJoin("auth_groups as g", "g.id", "ug.group_id")
    .select(["ug.user_id", "ug.group_id", "g.name as group_name", "u.state_id"])
    .where((eb) => eb.exists(eb.selectFrom("group_states as gs").select("gs.group_id").whereRef("gs.group_id", "=", "ug.group_id")))
    .where((eb) =>
      eb.or([
        eb("u.state_id", "is", null),
        eb.not(eb.exists(eb.selectFrom("group_states as gs2").select("gs2.group_id").whereRef("gs2.group_id", "=", "ug.group_id").whereRef("gs2.state_id", "=", "u.state_id"))),
      ]),
    );
  if (userIds) query = query.where("ug.user_id", "in", userIds);
  return query.execute();
}

export async function removeFromStateLimitedGroups(db: Executor, userIds: number[] | undefined, actor: Actor) {
  if (userIds && userIds.length === 0) return 0;
  const rows = await mismatched(db, userIds);
  if (rows.length === 0) return 0;
  const now = new Date();
  for (const row of rows) {
    await db.deleteFrom("user_groups").where("user_id", "=", row.user_id).where("group_id", "=", row.group_id).execute();
  }
  await db
    .insertInto("audit_log")
    .values(
      rows.map((row) => ({
        created_at: now,
        actor_user_id: actor.userId,
        actor: actor.label.slice(0, 150),
        action: "group.member_removed",
        target_type: "user",
        target_id: String(row.user_id),
        before_data: JSON.stringify({ group: row.group_name }),
        after_data: null,
        reason: "state no longer allowed in the group",
        request_id: actor.requestId ?? null,
        ip: actor.ip ?? null,
      })),
    )
    .execute();
  await servicesNeedSync(db, [...new Set(rows.map((r) => r.user_id))], "groups changed");
  return rows.length;
}
