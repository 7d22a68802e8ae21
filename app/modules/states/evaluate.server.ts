/**
 * State resolution (behaviour reference §3.1), set-based: one query finds every user whose state
 * must change, then one UPDATE per target state applies it. A state is available to a main character
 * that is listed, or whose corporation, alliance or faction is listed, or when the state is public;
 * the highest priority wins; no main, or an inactive account, means Guest.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { getSettings, type Settings } from "~/config.server";
import { type Actor, writeAuditForUsers } from "../audit/audit.server";
import { usersWithoutPermission } from "../auth/permissions.server";
import { removeUsersWithoutRequestGroupsPermission } from "../groups/membership.server";
import { removeFromStateLimitedGroups } from "../groups/state-limits.server";
import { groupBy } from "../group-by";
import { notifyUsers } from "../notifications/notify.server";
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

/** The best state of each active user with a main, as a SQL expression over `u` and `c`. */
const bestState = sql<number | null>`(
  select s.id from states s
  where s.public = ${true}
     or exists (select 1 from state_member_characters m where m.state_id = s.id and m.character_id = c.id)
     or exists (select 1 from state_member_corporations m where m.state_id = s.id and m.corporation_id = c.corporation_id)
     or (c.alliance_id is not null and exists (select 1 from state_member_alliances m where m.state_id = s.id and m.alliance_id = c.alliance_id))
     or (c.faction_id is not null and exists (select 1 from state_member_factions m where m.state_id = s.id and m.faction_id = c.faction_id))
  order by s.priority desc
  limit 1
)`;

/** Who would change state, without changing anything. `userIds` limits it; otherwise every user. */
export async function computeStateChanges(db: Executor, userIds?: number[]): Promise<StateChange[]> {
  if (userIds && userIds.length === 0) return [];
  const guest = await guestStateId(db);
  let query = db
    .selectFrom("users as u")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .select(["u.id as userId", "u.username", "u.state_id as from"])
    .select(sql<number>`case when u.is_active = ${true} and c.id is not null then coalesce(${bestState}, ${guest}) else ${guest} end`.as("to"));
  if (userIds) query = query.where("u.id", "in", userIds);
  const rows = await query.execute();
  return rows.filter((r) => r.from !== Number(r.to)).map((r) => ({ userId: r.userId, username: r.username, from: r.from, to: Number(r.to) }));
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
 * an audit row per user, a notification, removal from groups limited to states the user no longer
 * holds, and the services call site.
 */
export async function reevaluateStates(db: Executor, options: ReevaluateOptions): Promise<StateChange[]> {
  const changes = await computeStateChanges(db, options.userIds);
  if (changes.length === 0) return changes;
  // Who holds groupmanagement.request_groups now: losing it with the state means leaving non-public groups.
  const changedIds = changes.map((c) => c.userId);
  const lacking = new Set(await usersWithoutPermission(db, changedIds, "groupmanagement.request_groups"));
  const holdersBefore = changedIds.filter((id) => !lacking.has(id));
  const byTarget = groupBy(changes, (c) => c.to, (c) => c.userId);
  for (const [stateId, ids] of byTarget) {
    for (let i = 0; i < ids.length; i += 5000) await db.updateTable("users").set({ state_id: stateId }).where("id", "in", ids.slice(i, i + 5000)).execute();
  }
  const names = new Map((await db.selectFrom("states").select(["id", "name"]).execute()).map((s) => [s.id, s.name]));
  // One audit row per user, written per (from, to) pair: the rows of a pair differ only in the user.
  for (const pair of groupBy(changes, (c) => `${c.from}>${c.to}`, (c) => c).values()) {
    const { from, to } = pair[0]!;
    const entry = { action: "user.state_changed", before: { state: from === null ? null : (names.get(from) ?? from) }, after: { state: names.get(to) ?? to }, reason: options.reason };
    await writeAuditForUsers(db, options.actor, entry, pair.map((c) => c.userId));
  }
  // A first assignment (a new account) is not news to the member; a change is.
  const notifyByTarget = groupBy(changes.filter((c) => c.from !== null), (c) => c.to, (c) => c.userId);
  for (const [stateId, ids] of notifyByTarget) {
    await notifyUsers(db, ids, { title: `State changed to: ${names.get(stateId) ?? stateId}`, level: "info" }, (options.settings ?? getSettings()).NOTIFICATIONS_MAX_PER_USER);
  }
  const userIds = changes.map((c) => c.userId);
  await removeFromStateLimitedGroups(db, userIds, options.actor);
  await removeUsersWithoutRequestGroupsPermission(db, await usersWithoutPermission(db, holdersBefore, "groupmanagement.request_groups"), options.actor);
  await servicesNeedSync(db, userIds, "state changed");
  // Apps whose data follows the state (auto groups), after the core's own group clean-up.
  await appsMembersChanged(db, userIds, options.actor);
  return changes;
}
