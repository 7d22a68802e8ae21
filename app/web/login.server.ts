/** Starting and ending sessions from the HTTP layer: cookies in, cookies out. */
import type { AppLoadContext } from "@remix-run/node";
import { getRuntime } from "../modules/runtime.server";
import { writeAudit } from "../modules/audit/audit.server";
import { sessionToken } from "./guards.server";
import { createSession, deleteSession } from "../modules/auth/sessions.server";
import { sessionCookie } from "./cookies.server";

/** Ends any session this browser had and starts a new one (a new id on every login). */
export async function startSession(request: Request, context: AppLoadContext, user: { id: number; is_staff: boolean; is_superuser: boolean }) {
  const { db, settings } = getRuntime();
  const previous = await sessionToken(request);
  if (previous) await deleteSession(db, previous);
  const token = await createSession(db, settings, user, { ip: context.ip, userAgent: request.headers.get("user-agent") });
  return sessionCookie(settings).serialize(token);
}

/** Deletes the session on the server and returns the Set-Cookie value that clears the cookie. */
export async function endSession(request: Request, context: AppLoadContext, user: { id: number; username: string } | null) {
  const { db, settings } = getRuntime();
  const token = await sessionToken(request);
  if (token) await deleteSession(db, token);
  if (user) await writeAudit(db, { userId: user.id, label: user.username, requestId: context.requestId, ip: context.ip }, { action: "logout", targetType: "user", targetId: user.id });
  return clearSessionCookie(settings);
}

/** The Set-Cookie value that removes the session cookie from this browser. */
export function clearSessionCookie(settings = getRuntime().settings) {
  return sessionCookie(settings).serialize("", { maxAge: 0 });
}
