/** What the group routes share: the audited 403, the manager guard, and outcome → flash toast + redirect. */
import type { AppLoadContext } from "@remix-run/node";
import { actorFor, forbidden, pageMemo, requireUser } from "./guards.server";
import { getRuntime } from "../modules/runtime.server";
import { type Flash, redirectWithFlash } from "./flash.server";
import { canManageGroups } from "../modules/groups/queries.server";
import { groupRequestOptions, type JoinOutcome, type LeaveOutcome, requestJoin, requestLeave } from "../modules/groups/requests.server";
import { badRequest, formRowAction, notFound } from "./params.server";

/** Management pages: auth.group_management, or leader of at least one group. */
export async function requireGroupManager(request: Request, context: AppLoadContext) {
  const user = await requireUser(request, context);
  if (!(await canManageGroups(getRuntime().db, user, pageMemo(request, context)))) await forbidden(user, context, request, "group manager");
  return user;
}

const JOIN_FLASH: Record<Exclude<JoinOutcome, "notFound">, Omit<Flash, "params">> = {
  cannotJoin: { level: "warning", key: "groups.flash.cannotJoin" },
  alreadyMember: { level: "warning", key: "groups.flash.alreadyMember" },
  alreadyPending: { level: "warning", key: "groups.flash.alreadyPendingJoin" },
  joined: { level: "success", key: "groups.flash.joined" },
  requested: { level: "success", key: "groups.flash.applied" },
};

const LEAVE_FLASH: Record<Exclude<LeaveOutcome, "notFound">, Omit<Flash, "params">> = {
  cannotLeave: { level: "warning", key: "groups.flash.cannotLeave" },
  notMember: { level: "warning", key: "groups.flash.notMember" },
  alreadyPending: { level: "warning", key: "groups.flash.alreadyPendingLeave" },
  left: { level: "success", key: "groups.flash.left" },
  requested: { level: "success", key: "groups.flash.appliedLeave" },
};

const INTENTS = ["join", "leave"] as const;

/**
 * The member's join/leave buttons ("join:6", "leave:6"; on /groups and /groups/<id>, where the id
 * must be the page's own): one domain call, then a toast.
 */
export async function joinOrLeave(request: Request, context: AppLoadContext, backTo: (groupId: number) => string, fixedGroupId?: number) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  const { intent, id: group } = formRowAction(form.get("intent"), INTENTS);
  if (fixedGroupId !== undefined && group !== fixedGroupId) badRequest();
  const actor = actorFor(user, context);
  const { db, settings } = getRuntime();
  const options = groupRequestOptions(settings);
  const result = intent === "join" ? await requestJoin(db, user, group, actor, options) : await requestLeave(db, user, group, actor, options);
  if (result.kind === "notFound") notFound();
  const flash = intent === "join" ? JOIN_FLASH[result.kind as Exclude<JoinOutcome, "notFound">] : LEAVE_FLASH[result.kind as Exclude<LeaveOutcome, "notFound">];
  return redirectWithFlash(backTo(group), { ...flash, params: { group: result.group } });
}
