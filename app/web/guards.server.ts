/** Server-side guards for loaders and actions. They throw responses; the UI only mirrors them. */
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { type Actor, writeAudit } from "../modules/audit/audit.server";
import { getRuntime } from "../modules/runtime.server";
import type { PermissionKey } from "../modules/auth/permission-types";
import { type CurrentUser, type RequestUser, resolveRequestUser } from "../modules/auth/sessions.server";
import { isSafeMethod } from "./csrf.server";
import { sessionCookie } from "./cookies.server";
import { memoised } from "./request-context";

export type { CurrentUser };

export async function sessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie(getRuntime().settings).parse(request.headers.get("Cookie"));
  return typeof value === "string" ? value : null;
}

/** The logged-in user of this request with the page frame's figures (memoised per request), or null. */
function requestUser(request: Request, context: AppLoadContext): Promise<RequestUser | null> {
  return memoised(context, "requestUser", async () => {
    const token = await sessionToken(request);
    if (!token) return null;
    const { db, settings } = getRuntime();
    return resolveRequestUser(db, settings, token, new Date(), { activity: !context.background });
  });
}

/** The logged-in user of this request (memoised per request), or null. */
export async function getCurrentUser(request: Request, context: AppLoadContext): Promise<CurrentUser | null> {
  return (await requestUser(request, context))?.user ?? null;
}

/**
 * The user's unread notifications and state name as read with the session, for pages that only read
 * (GET): after an action they may have changed, and the domain reads them again.
 */
export async function frameFigures(request: Request, context: AppLoadContext): Promise<Omit<RequestUser, "user"> | null> {
  if (!isSafeMethod(request.method)) return null;
  const read = await requestUser(request, context);
  return read ? { unreadNotifications: read.unreadNotifications, stateName: read.stateName, branding: read.branding, menuRevision: read.menuRevision } : null;
}

/**
 * The request's memo for figures a page and its frame both read (a menu badge the page shows too), on
 * pages that only read: after an action in the same request they may have changed.
 */
export function pageMemo(request: Request, context: AppLoadContext) {
  return isSafeMethod(request.method) ? context.memo : undefined;
}

export function actorFor(user: Pick<CurrentUser, "id" | "username"> | null, context: AppLoadContext): Actor {
  return { userId: user?.id ?? null, label: user?.username ?? "anonymous", requestId: context.requestId, ip: context.ip };
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await getCurrentUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/**
 * The refused attempt in the audit trail (written outside any transaction that will roll back), once
 * per request: a page view runs its layout's and its own loader, and both may refuse.
 */
export async function auditRefusal(user: Pick<CurrentUser, "id" | "username">, context: AppLoadContext, request: Request, required: string, detail: Record<string, unknown> = {}) {
  if (context.memo.has("refusalAudited")) return;
  context.memo.set("refusalAudited", Promise.resolve(true));
  await writeAudit(getRuntime().db, actorFor(user, context), {
    action: "authz.denied",
    targetType: "route",
    targetId: new URL(request.url).pathname.slice(0, 64),
    after: { required, method: request.method, ...detail },
  });
}

/** 403, with the attempt in the audit trail. */
export async function forbidden(user: CurrentUser, context: AppLoadContext, request: Request, required: string, detail: Record<string, unknown> = {}): Promise<never> {
  await auditRefusal(user, context, request, required, detail);
  throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

export function hasPermission(user: Pick<CurrentUser, "permissions">, permission: PermissionKey) {
  return user.permissions.has(permission);
}

export async function requirePermission(request: Request, context: AppLoadContext, permission: PermissionKey): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!hasPermission(user, permission)) await forbidden(user, context, request, permission);
  return user;
}

export async function requireStaff(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!user.is_staff && !user.is_superuser) await forbidden(user, context, request, "is_staff");
  return user;
}

export async function requireSuperuser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!user.is_superuser) await forbidden(user, context, request, "is_superuser");
  return user;
}
