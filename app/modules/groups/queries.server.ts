/**
 * Read side of group management (the original's GroupManager): which groups a user may join, who
 * may manage which group, pending requests, members and the per-group request log. Set-based SQL.
 *
 * A group without a `group_settings` row counts as the original's defaults (internal and hidden):
 * every query that needs the flags joins `group_settings`, so such a group is never joinable.
 */
import { type Expression, type ExpressionBuilder, type Kysely, sql, type SqlBool, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { precompiled } from "../../../db/precompiled";
import { memoisedIn, type RequestMemo } from "../memo";
import { appManagedGroupIds } from "~/apps/registry.server";

export type Executor = Kysely<DB> | Transaction<DB>;

/** The subject of a check: a user and the permissions they hold (CurrentUser fits). */
export interface GroupsUser {
  id: number;
  username: string;
  permissions: ReadonlySet<string>;
}
/** What read-side checks need of a user. */
/** `state_id`, when given (the request's user, read with the session), saves reading it again. */
export type GroupsSubject = Pick<GroupsUser, "id" | "permissions"> & { state_id?: number | null };

export const MANAGEMENT_PERMISSION = "auth.group_management";
export const REQUEST_PERMISSION = "groupmanagement.request_groups";

export const hasManagementPermission = (user: Pick<GroupsUser, "permissions">) => user.permissions.has(MANAGEMENT_PERMISSION);

/** Ids of the groups a user leads: directly, or as a member of one of the group's leader groups. */
export function ledGroupIds(db: Executor, userId: number) {
  return db
    .selectFrom("group_leaders")
    .select("group_id")
    .where("user_id", "=", userId)
    .union(
      db
        .selectFrom("group_leader_groups as lg")
        .innerJoin("user_groups as lug", "lug.group_id", "lg.leader_group_id")
        .select("lg.group_id")
        .where("lug.user_id", "=", userId),
    );
}

/** `g.id` is joinable for a user in this state: not internal (checked by the caller's join) and states empty or containing it. */
function stateAllows(eb: ExpressionBuilder<DB & { g: DB["auth_groups"] }, "g">, stateId: number | null) {
  const anyState = eb.exists(eb.selectFrom("group_states as gs").select("gs.group_id").whereRef("gs.group_id", "=", "g.id"));
  if (stateId === null) return eb.not(anyState);
  return eb.or([
    eb.not(anyState),
    eb.exists(eb.selectFrom("group_states as gs2").select("gs2.group_id").whereRef("gs2.group_id", "=", "g.id").where("gs2.state_id", "=", stateId)),
  ]);
}

/** Groups joinable by state alone (the original's `get_joinable_groups(state)`): not internal, states empty or including it. */
export function joinableForState(db: Executor, stateId: number | null) {
  return db
    .selectFrom("auth_groups as g")
    .innerJoin("group_settings as s", "s.group_id", "g.id")
    .where("s.internal", "=", false)
    .where((eb) => stateAllows(eb, stateId));
}

export async function userStateId(db: Executor, userId: number): Promise<number | null> {
  const row = await db.selectFrom("users").select("state_id").where("id", "=", userId).executeTakeFirst();
  return row?.state_id ?? null;
}

/** Is this one group joinable for a user in this state (`joinable_group(group, state)`)? */
export async function isJoinableForState(db: Executor, groupId: number, stateId: number | null) {
  const row = await joinableForState(db, stateId).select("g.id").where("g.id", "=", groupId).executeTakeFirst();
  return Boolean(row);
}

/** Which joinable-groups statement a member needs: one per combination, each compiled once (db/precompiled.ts). */
interface JoinableShape {
  /** The member has no state: only groups limited to no state. */
  stateless: boolean;
  /** Without groupmanagement.request_groups: public groups only. */
  publicOnly: boolean;
  /** /groups' list: hidden groups left out. */
  visibleOnly: boolean;
}

/** The groups joinable for a member of this shape in state `stateId` (read only when the shape has a state). */
function joinableFor(db: Executor, shape: JoinableShape, p: { stateId: number | null }) {
  let q = joinableForState(db, shape.stateless ? null : p.stateId);
  if (shape.publicOnly) q = q.where("s.public", "=", true);
  if (shape.visibleOnly) q = q.where("s.hidden", "=", false);
  return q;
}

/** Leader rows: kind 0 a direct leader (main character, else username; sorted by username), kind 1 a leader group. */
function leaderRows(db: Executor, groupFilter: (column: "gl.group_id" | "lg.group_id") => Expression<SqlBool>) {
  return db
    .selectFrom("group_leaders as gl")
    .innerJoin("users as u", "u.id", "gl.user_id")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .select(["gl.group_id", sql<number>`0`.as("kind"), "u.username as sort_key", sql<string>`coalesce(${sql.ref("c.character_name")}, ${sql.ref("u.username")})`.as("name")])
    .where(groupFilter("gl.group_id"))
    .unionAll(
      db
        .selectFrom("group_leader_groups as lg")
        .innerJoin("auth_groups as lgg", "lgg.id", "lg.leader_group_id")
        .select(["lg.group_id", sql<number>`1`.as("kind"), "lgg.name as sort_key", "lgg.name as name"])
        .where(groupFilter("lg.group_id")),
    )
    .orderBy("kind")
    .orderBy("sort_key");
}

function joinableStatementsOf(shape: JoinableShape) {
  return {
    groups: precompiled((db, p: { stateId: number | null }) => joinableFor(db, shape, p).select(["g.id", "g.name", "s.description", "s.hidden", "s.open", "s.public"]).orderBy("g.name")),
    leaders: precompiled((db, p: { stateId: number | null }) => leaderRows(db, (column) => sql<SqlBool>`${sql.ref(column)} in (${joinableFor(db, shape, p).select("g.id")})`)),
  };
}

/** Per shape (at most eight): its groups, and the leaders of those groups. */
const joinableStatements = new Map<string, ReturnType<typeof joinableStatementsOf>>();

async function joinableShape(db: Executor, user: GroupsSubject, includeHidden: boolean) {
  const stateId = user.state_id !== undefined ? user.state_id : await userStateId(db, user.id);
  const shape: JoinableShape = { stateless: stateId === null, publicOnly: !user.permissions.has(REQUEST_PERMISSION), visibleOnly: !includeHidden };
  const key = `${Number(shape.stateless)}${Number(shape.publicOnly)}${Number(shape.visibleOnly)}`;
  let statements = joinableStatements.get(key);
  if (!statements) joinableStatements.set(key, (statements = joinableStatementsOf(shape)));
  return { stateId, shape, statements };
}

/**
 * Groups the user could join, including those already joined (`get_joinable_groups_for_user`):
 * by state; without `groupmanagement.request_groups` only public ones; hidden ones unless excluded.
 */
export async function joinableGroupsForUser(db: Executor, user: GroupsSubject, options: { includeHidden?: boolean } = {}) {
  const { stateId, statements } = await joinableShape(db, user, options.includeHidden !== false);
  return statements.groups.execute(db, { stateId });
}

type Leaders = Map<number, { users: string[]; groups: string[] }>;

/** Leader rows in order, by group: an entry, perhaps empty, for each of `groupIds`. */
function leadersByGroup(groupIds: readonly number[], rows: readonly { group_id: number; kind: number | string; name: string }[]): Leaders {
  const result: Leaders = new Map();
  for (const id of groupIds) result.set(id, { users: [], groups: [] });
  for (const row of rows) {
    const entry = result.get(row.group_id);
    if (entry) (Number(row.kind) === 0 ? entry.users : entry.groups).push(row.name);
  }
  return result;
}

/** Direct leaders (by main character, else username) and leader groups of each group, in one statement. */
export async function leadersOf(db: Executor, groupIds: number[]): Promise<Leaders> {
  if (groupIds.length === 0) return new Map();
  return leadersByGroup(groupIds, await leaderRows(db, (column) => inIds(db, column, groupIds)).execute());
}

export interface GroupListEntry {
  id: number;
  name: string;
  description: string;
  open: boolean;
  public: boolean;
  hidden: boolean;
  member: boolean;
  /** The user's pending request for this group, if any. */
  pending: "join" | "leave" | null;
  leaders: string[];
  leaderGroups: string[];
  /** Membership decided by an app (auto groups): it cannot be joined or left by hand. */
  managed: boolean;
}

/** The user's memberships (`request` 0) and pending requests (`request` 1, with `leave_request`): one statement. */
const userMembershipsAndRequests = precompiled((db, p: { userId: number }) =>
  db
    .selectFrom("user_groups")
    .select(["group_id", sql<number>`0`.as("request"), sql<boolean | number | null>`null`.as("leave_request")])
    .where("user_id", "=", p.userId)
    .unionAll(db.selectFrom("group_requests").select(["group_id", sql<number>`1`.as("request"), "leave_request"]).where("user_id", "=", p.userId)),
);

type ListedGroup = { id: number; name: string; description: string; hidden: boolean; open: boolean; public: boolean };
type OwnRow = Awaited<ReturnType<typeof userMembershipsAndRequests.execute>>[number];

/** The groups with the user's memberships and requests (`own`), their leaders and whether an app manages them. */
async function decorate(db: Executor, groups: ListedGroup[], own: OwnRow[], leaders: Leaders): Promise<GroupListEntry[]> {
  if (groups.length === 0) return [];
  const member = new Set<number>();
  const pending = new Map<number, "leave" | "join">();
  for (const row of own) {
    if (Number(row.request) === 0) member.add(row.group_id);
    else pending.set(row.group_id, row.leave_request ? "leave" : "join");
  }
  const managed = await appManagedGroupIds(db, groups.map((g) => g.id));
  // Fields named, not spread: a driver's row objects are slow to copy by spreading.
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    hidden: g.hidden,
    open: g.open,
    public: g.public,
    member: member.has(g.id),
    pending: pending.get(g.id) ?? null,
    leaders: leaders.get(g.id)?.users ?? [],
    leaderGroups: leaders.get(g.id)?.groups ?? [],
    managed: managed.has(g.id),
  }));
}

/**
 * What /groups lists: joinable, not hidden, with membership, pending request and leaders. The groups,
 * their leaders and the user's own memberships and requests (few: read whole) are three fixed
 * statements sent together; the leaders' statement finds the same groups itself.
 */
export async function groupsForListing(db: Executor, user: GroupsSubject) {
  const { stateId, statements } = await joinableShape(db, user, false);
  const [groups, leaders, own] = await Promise.all([statements.groups.execute(db, { stateId }), statements.leaders.execute(db, { stateId }), userMembershipsAndRequests.execute(db, { userId: user.id })]);
  return decorate(db, groups, own, leadersByGroup(groups.map((g) => g.id), leaders));
}

/** One group for its own page (hidden groups are reachable this way): only if joinable for the user, else null. */
export async function groupForUser(db: Executor, user: GroupsSubject, groupId: number) {
  const { stateId, shape } = await joinableShape(db, user, true);
  const group = await joinableFor(db, shape, { stateId }).select(["g.id", "g.name", "s.description", "s.hidden", "s.open", "s.public"]).where("g.id", "=", groupId).executeTakeFirst();
  if (!group) return null;
  const [own, leaders] = await Promise.all([userMembershipsAndRequests.execute(db, { userId: user.id }), leadersOf(db, [group.id])]);
  return (await decorate(db, [group], own, leaders))[0];
}

/** `can_manage_groups`: auth.group_management, or leads at least one group. `memo`: read once per request (menu and page). */
export async function canManageGroups(db: Executor, user: GroupsSubject, memo?: RequestMemo) {
  if (hasManagementPermission(user)) return true;
  return memoisedIn(memo, `groups.canManage:${user.id}`, async () => Boolean(await ledGroupIds(db, user.id).limit(1).executeTakeFirst()));
}

/** `can_manage_group`: auth.group_management, or the group is among those the user leads. */
export async function canManageGroup(db: Executor, user: GroupsSubject, groupId: number) {
  if (hasManagementPermission(user)) return true;
  const row = await db
    .selectFrom("auth_groups as g")
    .select("g.id")
    .where("g.id", "=", groupId)
    .where("g.id", "in", ledGroupIds(db, user.id))
    .executeTakeFirst();
  return Boolean(row);
}

/** Requests the user may act on: all for auth.group_management, otherwise those for groups they lead (`leaderId`). */
function requestsFor(db: Executor, leaderId: number | null) {
  const q = db.selectFrom("group_requests as r");
  return leaderId === null ? q : q.where("r.group_id", "in", ledGroupIds(db, leaderId));
}

const requestScope = (user: GroupsSubject) => (hasManagementPermission(user) ? null : user.id);

/** The menu badge's two statements (every page), compiled once (db/precompiled.ts). */
const allRequestsCount = precompiled((db) => requestsFor(db, null).select((eb) => eb.fn.countAll<number>().as("n")));
const ledRequestsCount = precompiled((db, p: { userId: number }) => requestsFor(db, p.userId).select((eb) => eb.fn.countAll<number>().as("n")));

/** `pending_requests_count_for_user`: drives the menu badge. `memo`: read once per request (menu and page). */
export async function pendingRequestsCount(db: Executor, user: GroupsSubject, memo?: RequestMemo) {
  return memoisedIn(memo, `groups.pendingRequests:${user.id}`, async () => {
    const leaderId = requestScope(user);
    const row = leaderId === null ? await allRequestsCount.executeTakeFirst(db, {}) : await ledRequestsCount.executeTakeFirst(db, { userId: leaderId });
    return Number(row?.n ?? 0);
  });
}

export interface PendingRequest {
  id: number;
  leave: boolean;
  createdAt: Date;
  userId: number;
  username: string;
  mainCharacter: string | null;
  corporation: string | null;
  groupId: number;
  groupName: string;
}

/** Join and leave requests a manager may act on, oldest first. */
export async function pendingRequestsFor(db: Executor, user: GroupsSubject) {
  const rows = await requestsFor(db, requestScope(user))
    .innerJoin("users as u", "u.id", "r.user_id")
    .innerJoin("auth_groups as g", "g.id", "r.group_id")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .select(["r.id", "r.leave_request", "r.created_at", "r.user_id", "u.username", "c.character_name", "c.corporation_name", "r.group_id", "g.name as group_name"])
    .orderBy("r.created_at")
    .orderBy("r.id")
    .execute();
  const requests: PendingRequest[] = rows.map((r) => ({
    id: r.id,
    leave: Boolean(r.leave_request),
    createdAt: r.created_at,
    userId: r.user_id,
    username: r.username,
    mainCharacter: r.character_name,
    corporation: r.corporation_name,
    groupId: r.group_id,
    groupName: r.group_name,
  }));
  return { join: requests.filter((r) => !r.leave), leave: requests.filter((r) => r.leave) };
}

/** The leave tab is hidden when GROUPMANAGEMENT_AUTO_LEAVE is on and no leave request exists (anywhere). */
export async function showLeaveTab(db: Executor, autoLeave: boolean) {
  if (!autoLeave) return true;
  return Boolean(await db.selectFrom("group_requests").select("id").where("leave_request", "=", true).limit(1).executeTakeFirst());
}

/** Non-internal groups with member counts: all for a manager, the led ones for a leader. */
export async function managedGroups(db: Executor, user: GroupsSubject) {
  let q = db
    .selectFrom("auth_groups as g")
    .innerJoin("group_settings as s", "s.group_id", "g.id")
    .leftJoin("user_groups as ug", "ug.group_id", "g.id")
    .select((eb) => ["g.id", "g.name", "s.description", "s.open", "s.public", "s.hidden", eb.fn.count<number>("ug.user_id").as("members")])
    .where("s.internal", "=", false)
    .groupBy(["g.id", "g.name", "s.description", "s.open", "s.public", "s.hidden"])
    .orderBy("g.name");
  if (!hasManagementPermission(user)) q = q.where("g.id", "in", ledGroupIds(db, user.id));
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, members: Number(r.members) }));
}

export type ManagedGroupAccess = { kind: "notFound" } | { kind: "forbidden" } | { kind: "ok"; group: { id: number; name: string; description: string } };

/** A membership page's group: 404 when it does not exist, 403 when internal or not managed by the user. */
export async function managedGroup(db: Executor, user: GroupsSubject, groupId: number): Promise<ManagedGroupAccess> {
  const group = await db
    .selectFrom("auth_groups as g")
    .leftJoin("group_settings as s", "s.group_id", "g.id")
    .select(["g.id", "g.name", "s.description", "s.internal"])
    .where("g.id", "=", groupId)
    .executeTakeFirst();
  if (!group) return { kind: "notFound" };
  // No settings row means the defaults, which make the group internal.
  if (group.internal !== false || !(await canManageGroup(db, user, groupId))) return { kind: "forbidden" };
  return { kind: "ok", group: { id: group.id, name: group.name, description: group.description ?? "" } };
}

/** Members sorted by main character name, each with whether they lead the group directly. */
export async function groupMembers(db: Executor, groupId: number) {
  const rows = await db
    .selectFrom("user_groups as ug")
    .innerJoin("users as u", "u.id", "ug.user_id")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .leftJoin("group_leaders as gl", (join) => join.onRef("gl.user_id", "=", "u.id").on("gl.group_id", "=", groupId))
    .select(["u.id", "u.username", "c.character_id", "c.character_name", "c.corporation_name", "c.alliance_name", "gl.user_id as leader_id"])
    .where("ug.group_id", "=", groupId)
    .execute();
  // Sorted here so both dialects order alike: by main character name (case-insensitive), users without a main last.
  const members = rows.map((r) => ({ id: r.id, username: r.username, characterId: r.character_id, mainCharacter: r.character_name, corporation: r.corporation_name, alliance: r.alliance_name, isLeader: r.leader_id !== null }));
  const key = (m: (typeof members)[number]) => (m.mainCharacter === null ? `\uffff${m.username}` : m.mainCharacter).toLowerCase();
  return members.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
  });
}

/** The group's request log, newest first: date, requestor, their main character, type, action, actor. */
export async function groupAuditLog(db: Executor, groupId: number, limit = 500) {
  const rows = await db
    .selectFrom("group_request_logs as l")
    .leftJoin("users as r", "r.id", "l.requestor_id")
    .leftJoin("eve_characters as c", "c.id", "r.main_character_id")
    .leftJoin("users as a", "a.id", "l.request_actor_id")
    .select(["l.id", "l.created_at", "l.request_type", "l.request_info", "l.action", "c.character_name", "a.username as actor"])
    .where("l.group_id", "=", groupId)
    .orderBy("l.created_at", "desc")
    .orderBy("l.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    date: r.created_at,
    // `request_info` is "username:groupname"; the requestor is the text before the first colon.
    requestor: r.request_info.split(":")[0],
    mainCharacter: r.character_name,
    type: r.request_type,
    action: Boolean(r.action),
    actor: r.actor,
  }));
}
