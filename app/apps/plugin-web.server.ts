/**
 * What an app's route modules use from the core's web layer (docs/extending.md): the guards, the
 * strict form readers, the page title, and the app context (database and settings) of this process.
 */
export { actorFor, hasPermission, requirePermission, requireStaff, requireSuperuser, requireUser } from "~/web/guards.server";
export { badInput, paramsOf, readChoice, readForm, readInt, readText } from "~/web/input.server";
export { formId, pathId } from "~/web/params.server";
export { appContext } from "./plugin-api.server";
import { startSso } from "~/modules/eve/sso-flow.server";
import { getRuntime } from "~/modules/runtime.server";
import { safeReturnPath } from "~/web/redirects";

/**
 * Off to EVE SSO for a token with these scopes (the original's `token_required`); the callback
 * stores it for the user and returns to `next` (a local path). Use in an action (a POST with CSRF).
 */
export function requestEsiToken(request: Request, userId: number, scopes: readonly string[], next: string): Promise<Response> {
  const { db, settings } = getRuntime();
  return startSso(db, settings, request, { purpose: "add_token", next: safeReturnPath(next, "/dashboard"), userId, scopes: [...scopes] });
}
