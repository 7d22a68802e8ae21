/** What the group routes share: id parsing, 403/404 responses, and outcome → flash toast + redirect. */
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { z } from "zod";
import { writeAudit } from "../modules/audit/audit.server";
import { actorFor, type CurrentUser, requireUser } from "./guards.server";
import { getRuntime } from "../modules/runtime.server";
import { type Flash, flashHeader } from "./flash.server";
import { canManageGroups } from "../modules/groups/queries.server";
import { type JoinOutcome, type LeaveOutcome, requestJoin, requestLeave } from "../modules/groups/requests.server";

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

export function badRequest(): never {
  throw json({ reason: "badRequest" }, { status: 400 });
}

/** An id from the URL: anything but a positive integer is a page that does not exist. */
export function pathId(value: string | undefined): number {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) notFound();
  return parsed.data;
}

/** An id from a form field: anything but a positive integer is a bad request. */
export function formId(value: FormDataEntryValue | null): number {
  const parsed = idSchema.safeParse(typeof value === "string" ? value : undefined);
  if (!parsed.success) badRequest();
  return parsed.data;
}

/** 403, with the attempt in the audit trail (as the guards do). */
export async function forbidden(user: CurrentUser, context: AppLoadContext, request: Request, required: string): Promise<never> {
  await writeAudit(getRuntime().db, actorFor(user, context), {
    action: "authz.denied",
    targetType: "route",
    targetId: new URL(request.url).pathname.slice(0, 64),
    after: { required, method: request.method },
  });
  throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

/** Management pages: auth.group_management, or leader of at least one group. */
export async function requireGroupManager(request: Request, context: AppLoadContext) {
  const user = await requireUser(request, context);
  if (!(await canManageGroups(getRuntime().db, user))) await forbidden(user, context, request, "group manager");
  return user;
}

export async function redirectWithFlash(to: string, flash: Flash) {
  return redirect(to, { headers: { "Set-Cookie": await flashHeader(flash) } });
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

const intentSchema = z.object({ intent: z.enum(["join", "leave"]), group: idSchema });

/** The member's join/leave buttons (on /groups and /groups/<id>): one domain call, then a toast. */
export async function joinOrLeave(request: Request, context: AppLoadContext, backTo: (groupId: number) => string, fixedGroupId?: number) {
  const user = await requireUser(request, context);
  const form = Object.fromEntries(await request.formData());
  const parsed = intentSchema.safeParse({ ...form, group: fixedGroupId ?? form.group });
  if (!parsed.success) badRequest();
  const { intent, group } = parsed.data;
  const actor = actorFor(user, context);
  const db = getRuntime().db;
  const result = intent === "join" ? await requestJoin(db, user, group, actor) : await requestLeave(db, user, group, actor);
  if (result.kind === "notFound") notFound();
  const flash = intent === "join" ? JOIN_FLASH[result.kind as Exclude<JoinOutcome, "notFound">] : LEAVE_FLASH[result.kind as Exclude<LeaveOutcome, "notFound">];
  return redirectWithFlash(backTo(group), { ...flash, params: { group: result.group } });
}
