/**
 * Join and leave requests (the original's `request_add`, `request_leave` and the four accept/reject
 * views), with the original's checks in the original's order. Each call is one transaction that
 * changes the rows, writes the group's request log where the original does, the audit row, and the
 * notifications. Notification texts are stored, so they are plain English, as in the original.
 */
import { type Actor, writeAudit } from "../audit/audit.server";
import { appManagedGroupIds } from "~/apps/registry.server";
import { notifyUser, notifyUsers } from "../notifications/notify.server";
import { type Settings, settingsSchema } from "~/config.server";
import { addMembership, insertIfAbsent, inTransaction, removeMembership, writeRequestLog } from "./membership.server";
import { canManageGroup, type Executor, type GroupsSubject, type GroupsUser, isJoinableForState, REQUEST_PERMISSION, userStateId } from "./queries.server";

export interface GroupRequestOptions {
  /** GROUPMANAGEMENT_AUTO_LEAVE */
  autoLeave: boolean;
  /** GROUPMANAGEMENT_REQUESTS_NOTIFICATION */
  notifyLeaders: boolean;
  /** NOTIFICATIONS_MAX_PER_USER */
  maxNotifications: number;
}

/** The options the site's settings give; a route or job passes `groupRequestOptions(settings)`. */
export function groupRequestOptions(settings: Pick<Settings, "GROUPMANAGEMENT_AUTO_LEAVE" | "GROUPMANAGEMENT_REQUESTS_NOTIFICATION" | "NOTIFICATIONS_MAX_PER_USER">): GroupRequestOptions {
  return {
    autoLeave: settings.GROUPMANAGEMENT_AUTO_LEAVE,
    notifyLeaders: settings.GROUPMANAGEMENT_REQUESTS_NOTIFICATION,
    maxNotifications: settings.NOTIFICATIONS_MAX_PER_USER,
  };
}

/** An option not passed takes the setting's default value (not the site's setting). */
const DEFAULT_OPTIONS = groupRequestOptions(settingsSchema.parse({}));

function withDefaults(options: Partial<GroupRequestOptions> = {}): GroupRequestOptions {
  return { ...DEFAULT_OPTIONS, ...options };
}

async function loadGroup(db: Executor, groupId: number) {
  return db
    .selectFrom("auth_groups as g")
    .leftJoin("group_settings as s", "s.group_id", "g.id")
    .select(["g.id", "g.name", "s.internal", "s.open", "s.public"])
    .where("g.id", "=", groupId)
    .executeTakeFirst();
}

async function isMember(db: Executor, userId: number, groupId: number) {
  return Boolean(await db.selectFrom("user_groups").select("user_id").where("user_id", "=", userId).where("group_id", "=", groupId).executeTakeFirst());
}

async function hasPendingRequest(db: Executor, userId: number, groupId: number) {
  return Boolean(await db.selectFrom("group_requests").select("id").where("user_id", "=", userId).where("group_id", "=", groupId).executeTakeFirst());
}

/** Creates the request; false when one already exists (the unique key decides, also under concurrency). */
async function createRequest(trx: Executor, userId: number, groupId: number, leave: boolean) {
  return insertIfAbsent(trx, trx.insertInto("group_requests").values({ user_id: userId, group_id: groupId, leave_request: leave, created_at: new Date() }));
}

/** Who approves requests for a group (`group_request_approvers`): direct leaders and members of leader groups. */
export async function requestApprovers(db: Executor, groupId: number) {
  const rows = await db
    .selectFrom("group_leaders")
    .select("user_id")
    .where("group_id", "=", groupId)
    .union(
      db
        .selectFrom("group_leader_groups as lg")
        .innerJoin("user_groups as ug", "ug.group_id", "lg.leader_group_id")
        .select("ug.user_id")
        .where("lg.group_id", "=", groupId),
    )
    .execute();
  return rows.map((r) => r.user_id).sort((a, b) => a - b);
}

/** `notify_leaders()`: only with GROUPMANAGEMENT_REQUESTS_NOTIFICATION. */
async function notifyLeaders(trx: Executor, options: GroupRequestOptions, group: { id: number; name: string }, username: string, leave: boolean) {
  if (!options.notifyLeaders) return;
  const verb = leave ? "leave" : "join";
  await notifyUsers(
    trx,
    await requestApprovers(trx, group.id),
    { title: `Group Management: ${leave ? "Leave" : "Join"} request for ${group.name}`, message: `${username} wants to ${verb} ${group.name}.`, level: "info" },
    options.maxNotifications,
  );
}

export type JoinOutcome = "notFound" | "cannotJoin" | "alreadyMember" | "alreadyPending" | "joined" | "requested";
export type LeaveOutcome = "notFound" | "cannotLeave" | "notMember" | "alreadyPending" | "left" | "requested";

/**
 * A user asks to join a group. In order: not joinable for the user's state (internal, or limited to
 * other states) → cannotJoin; already a member; no request_groups and not public → cannotJoin;
 * open → joined at once; a pending request → alreadyPending; else a request (leaders notified).
 */
export async function requestJoin(db: Executor, user: GroupsUser, groupId: number, actor: Actor, given?: Partial<GroupRequestOptions>): Promise<{ kind: JoinOutcome; group: string }> {
  const options = withDefaults(given);
  return inTransaction(db, async (trx) => {
    const group = await loadGroup(trx, groupId);
    if (!group) return { kind: "notFound", group: "" };
    const outcome = async (): Promise<JoinOutcome> => {
      if ((await appManagedGroupIds(trx, [groupId])).has(groupId)) return "cannotJoin";
      if (!(await isJoinableForState(trx, groupId, await userStateId(trx, user.id)))) return "cannotJoin";
      if (await isMember(trx, user.id, groupId)) return "alreadyMember";
      if (!user.permissions.has(REQUEST_PERMISSION) && !group.public) return "cannotJoin";
      if (group.open) {
        if (!(await addMembership(trx, user.id, groupId))) return "alreadyMember";
        await writeRequestLog(trx, { groupId, groupName: group.name, type: "join", requestor: user, action: true, actor });
        await writeAudit(trx, actor, { action: "group.member_added", targetType: "group", targetId: groupId, after: { user_id: user.id, username: user.username }, reason: "joined an open group" });
        return "joined";
      }
      if (await hasPendingRequest(trx, user.id, groupId)) return "alreadyPending";
      if (!(await createRequest(trx, user.id, groupId, false))) return "alreadyPending";
      await writeAudit(trx, actor, { action: "group.request_created", targetType: "group", targetId: groupId, after: { user_id: user.id, username: user.username, type: "join" } });
      await notifyLeaders(trx, options, group, user.username, false);
      return "requested";
    };
    return { kind: await outcome(), group: group.name };
  });
}

/**
 * A user asks to leave a group. In order: internal → cannotLeave; not a member → notMember; open →
 * left at once; a pending request → alreadyPending; GROUPMANAGEMENT_AUTO_LEAVE → left at once;
 * else a leave request (leaders notified).
 */
export async function requestLeave(db: Executor, user: GroupsUser, groupId: number, actor: Actor, given?: Partial<GroupRequestOptions>): Promise<{ kind: LeaveOutcome; group: string }> {
  const options = withDefaults(given);
  return inTransaction(db, async (trx) => {
    const group = await loadGroup(trx, groupId);
    if (!group) return { kind: "notFound", group: "" };
    const leaveNow = async (reason: string): Promise<LeaveOutcome> => {
      if (!(await removeMembership(trx, user.id, groupId))) return "notMember";
      await writeRequestLog(trx, { groupId, groupName: group.name, type: "leave", requestor: user, action: true, actor });
      await writeAudit(trx, actor, { action: "group.member_removed", targetType: "group", targetId: groupId, before: { user_id: user.id, username: user.username }, reason });
      return "left";
    };
    const outcome = async (): Promise<LeaveOutcome> => {
      // No settings row means the defaults: internal.
      if (group.internal !== false) return "cannotLeave";
      if ((await appManagedGroupIds(trx, [groupId])).has(groupId)) return "cannotLeave";
      if (!(await isMember(trx, user.id, groupId))) return "notMember";
      if (group.open) return leaveNow("left an open group");
      if (await hasPendingRequest(trx, user.id, groupId)) return "alreadyPending";
      if (options.autoLeave) return leaveNow("left (GROUPMANAGEMENT_AUTO_LEAVE)");
      if (!(await createRequest(trx, user.id, groupId, true))) return "alreadyPending";
      await writeAudit(trx, actor, { action: "group.request_created", targetType: "group", targetId: groupId, after: { user_id: user.id, username: user.username, type: "leave" } });
      await notifyLeaders(trx, options, group, user.username, true);
      return "requested";
    };
    return { kind: await outcome(), group: group.name };
  });
}

export type DecisionOutcome =
  | { kind: "notFound" }
  | { kind: "forbidden" }
  /** Someone else decided the request first. */
  | { kind: "alreadyHandled" }
  | { kind: "done"; leave: boolean; accepted: boolean; groupId: number; groupName: string; requester: string };

/**
 * A manager accepts or rejects a join or leave request. 404 when the request does not exist; 403
 * when the manager may not manage the group, or (accepting a join) the group is not joinable for
 * the requester's current state. The request row is deleted first: of two concurrent decisions
 * only the one whose delete removed the row goes on, the other changes nothing.
 */
export async function decideRequest(db: Executor, manager: GroupsSubject, requestId: number, accept: boolean, actor: Actor, given?: Partial<GroupRequestOptions>): Promise<DecisionOutcome> {
  const options = withDefaults(given);
  return inTransaction(db, async (trx) => {
    const request = await trx
      .selectFrom("group_requests as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .innerJoin("auth_groups as g", "g.id", "r.group_id")
      .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
      .select(["r.id", "r.leave_request", "r.user_id", "u.username", "u.state_id", "c.character_name", "r.group_id", "g.name as group_name"])
      .where("r.id", "=", requestId)
      .executeTakeFirst();
    if (!request) return { kind: "notFound" as const };
    const leave = Boolean(request.leave_request);
    if (!(await canManageGroup(trx, manager, request.group_id))) return { kind: "forbidden" as const };
    if (accept && !leave && !(await isJoinableForState(trx, request.group_id, request.state_id))) return { kind: "forbidden" as const };

    const deleted = await trx.deleteFrom("group_requests").where("id", "=", requestId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return { kind: "alreadyHandled" as const };

    const requestor = { id: request.user_id, username: request.username };
    if (accept) {
      if (leave) await removeMembership(trx, request.user_id, request.group_id);
      else await addMembership(trx, request.user_id, request.group_id);
    }
    await writeRequestLog(trx, { groupId: request.group_id, groupName: request.group_name, type: leave ? "leave" : "join", requestor, action: accept, actor });
    const member = { user_id: request.user_id, username: request.username };
    await writeAudit(trx, actor, {
      action: accept ? (leave ? "group.member_removed" : "group.member_added") : "group.request_rejected",
      targetType: "group",
      targetId: request.group_id,
      before: accept && leave ? member : undefined,
      after: accept && leave ? undefined : { ...member, request: leave ? "leave" : "join", accepted: accept },
      reason: `${leave ? "leave" : "join"} request ${accept ? "accepted" : "rejected"}`,
    });
    const title = leave ? `Group Leave Request ${accept ? "Accepted" : "Rejected"}` : `Group Application ${accept ? "Accepted" : "Rejected"}`;
    const message = leave
      ? `Your request to leave ${request.group_name} has been ${accept ? "accepted" : "rejected"}.`
      : `Your application to ${request.group_name} has been ${accept ? "accepted" : "rejected"}.`;
    await notifyUser(trx, request.user_id, { title, message, level: accept ? "success" : "danger" }, options.maxNotifications);
    return { kind: "done" as const, leave, accepted: accept, groupId: request.group_id, groupName: request.group_name, requester: request.character_name ?? request.username };
  });
}
