/**
 * State resolution (behaviour reference §3.1), set-based: one query finds every user whose state
 * must change, then one UPDATE per target state applies it. A state is available to a main character
 * that is listed, or whose corporation, alliance or faction is listed, or when the state is public;
 * the highest priority wins; no main, or an inactive account, means Guest.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { getSettings, type Settings } from "~/config.server";
import { type Actor, writeAuditForUsers } from "../audit/audit.server";
import { statesWithPermission, usersWithoutPermission } from "../auth/permissions.server";
import { removeUsersWithoutRequestGroupsPermission } from "../groups/membership.server";
import { REQUEST_PERMISSION } from "../groups/queries.server";
import { removeFromStateLimitedGroups } from "../groups/state-limits.server";
import { groupBy } from "../group-by";
import { notifyEach } from "../notifications/notify.server";
import { servicesNeedSync } from "../services/sync.server";
import { appsMembersChanged } from "~/apps/registry.server";

type Executor = Kysely<DB> | Transaction<DB>;

export const GUEST = "Guest";

/** The Guest state's id, created (priority 0, public) if it is missing, as the original does. */
export async function guestStateId(db: Executor): Promise<number> {
  const found = await db.selectFrom("states").select("id").where("name", "=", GUEST).executeTakeFirst();
  if (found) return found.id;
  await db.insertInto("states").values({ name: GUEST, priority: 0, public: true }).execute();
  return (await db.selectFrom("states").select("id").where("name", "=", GUEST).executeTakeFirstOrThrow()).id;
}

export interface StateChange {
  userId: number;
  username: string;
  from: number | null;
  to: number;
}

/** Below every state's priority (the editor allows -1,000,000 to 1,000,000): "no state of this kind". */
const NONE = -2_000_000_000;

/** Of one kind of member list: per listed character, corporation, alliance or faction (`k`), the best priority (`p`) of a state listing it. */
function topPriority(table: "state_member_characters" | "state_member_corporations" | "state_member_alliances" | "state_member_factions", column: string) {
  return sql<{ k: number; p: number }>`(select m.${sql.ref(column)} as k, max(s.priority) as p from ${sql.table(table)} m inner join states s on s.id = m.state_id group by m.${sql.ref(column)})`;
}

/**
 * Who would change state, without changing anything. `userIds` limits it; otherwise every user.
 * Set-based: each kind of member list is reduced to the best priority per character, corporation,
 * alliance or faction (small grouped tables), every user's main joins them, and the highest of those
 * and of the public states names the state (priorities are unique). No per-user subquery.
 */
export async function computeStateChanges(db: Executor, userIds?: number[]): Promise<StateChange[]> {
  if (userIds && userIds.length === 0) return [];
  const guest = await guestStateId(db);
  const target = sql<number>`case when u.is_active = ${true} and c.id is not null then coalesce(best.id, ${guest}) else ${guest} end`;
  const best = sql<number>`greatest(coalesce(bch.p, ${NONE}), coalesce(bco.p, ${NONE}), coalesce(bal.p, ${NONE}), coalesce(bfa.p, ${NONE}), coalesce(pub.p, ${NONE}))`;
  let query = db
    .selectFrom("users as u")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .leftJoin(topPriority("state_member_characters", "character_id").as("bch"), (join) => join.onRef("bch.k", "=", "c.id"))
    .leftJoin(topPriority("state_member_corporations", "corporation_id").as("bco"), (join) => join.onRef("bco.k", "=", "c.corporation_id"))
    .leftJoin(topPriority("state_member_alliances", "alliance_id").as("bal"), (join) => join.onRef("bal.k", "=", "c.alliance_id"))
    .leftJoin(topPriority("state_member_factions", "faction_id").as("bfa"), (join) => join.onRef("bfa.k", "=", "c.faction_id"))
    .leftJoin(
      (eb) => eb.selectFrom("states").select((e) => e.fn.max("priority").as("p")).where("public", "=", true).as("pub"),
      (join) => join.onTrue(),
    )
    .leftJoin("states as best", (join) => join.on(sql<boolean>`${sql.ref("best.priority")} = ${best}`))
    .select(["u.id as userId", "u.username", "u.state_id as from"])
    .select(target.as("to"))
    // Only those who change come back (`to` is never null).
    .where((eb) => eb.or([eb("u.state_id", "is", null), eb("u.state_id", "<>", target)]));
  if (userIds) query = query.where(inIds(db, "u.id", userIds));
  const rows = await query.execute();
  return rows.map((r) => ({ userId: r.userId, username: r.username, from: r.from, to: Number(r.to) }));
}

export interface ReevaluateOptions {
  userIds?: number[];
  actor: Actor;
  reason: string;
  /** Defaults to this process's settings. */
  settings?: Pick<Settings, "NOTIFICATIONS_MAX_PER_USER">;
}

/**
 * Re-evaluates states and applies every change, with its consequences, in the caller's transaction:
 * an audit entry per kind of change (about its users), a notification, removal from groups limited to states the user no longer
 * holds, and the services call site.
 */
export async function reevaluateStates(db: Executor, options: ReevaluateOptions): Promise<StateChange[]> {
  const changes = await computeStateChanges(db, options.userIds);
  if (changes.length === 0) return changes;
  // Losing groupmanagement.request_groups means leaving non-public groups. A state change takes it
  // only from those whose old state grants it and whose new one does not (own and group grants
  // stay); of them, those without it by another path after the change lose it.
  const granting = await statesWithPermission(db, REQUEST_PERMISSION);
  const mayLose = changes.filter((c) => c.from !== null && granting.has(c.from) && !granting.has(c.to)).map((c) => c.userId);
  const byTarget = groupBy(changes, (c) => c.to, (c) => c.userId);
  for (const [stateId, ids] of byTarget) await db.updateTable("users").set({ state_id: stateId }).where(inIds(db, "id", ids)).execute();
  const names = new Map((await db.selectFrom("states").select(["id", "name"]).execute()).map((s) => [s.id, s.name]));
  // One audit entry per (from, to) pair, about the users of the pair (docs/decisions/0064).
  for (const pair of groupBy(changes, (c) => `${c.from}>${c.to}`, (c) => c).values()) {
    const { from, to } = pair[0]!;
    const entry = { action: "user.state_changed", before: { state: from === null ? null : (names.get(from) ?? from) }, after: { state: names.get(to) ?? to }, reason: options.reason };
    await writeAuditForUsers(db, options.actor, entry, pair.map((c) => c.userId));
  }
  // A first assignment (a new account) is not news to the member; a change is.
  const notifyByTarget = groupBy(changes.filter((c) => c.from !== null), (c) => c.to, (c) => c.userId);
  const batches = [...notifyByTarget].map(([stateId, ids]) => ({ userIds: ids, notification: { title: `State changed to: ${names.get(stateId) ?? stateId}`, level: "info" } }));
  await notifyEach(db, batches, (options.settings ?? getSettings()).NOTIFICATIONS_MAX_PER_USER);
  const userIds = changes.map((c) => c.userId);
  await removeFromStateLimitedGroups(db, { users: changes.map((c) => ({ userId: c.userId, state: c.to })) }, options.actor);
  await removeUsersWithoutRequestGroupsPermission(db, await usersWithoutPermission(db, mayLose, REQUEST_PERMISSION), options.actor);
  await servicesNeedSync(db, userIds, "state changed");
  // Apps whose data follows the state (auto groups), after the core's own group clean-up.
  await appsMembersChanged(db, userIds, options.actor);
  return changes;
}
