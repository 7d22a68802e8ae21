/** What the services routes share: connector from the URL, the member's actions, and the OAuth return. */
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { writeAudit } from "../modules/audit/audit.server";
import { actorFor, type CurrentUser } from "./guards.server";
import { getRuntime } from "../modules/runtime.server";
import { flashHeader, type Flash } from "./flash.server";
import { connectorById } from "../connectors/registry.server";
import { findAccount } from "../modules/services/accounts.server";
import type { Connector } from "../modules/services/contract";
import { clearOAuthCookie, oauthStrategy } from "./services-oauth.server";
import { changeServicePassword, completeOAuthActivation, completePasswordActivation, mayUse, ServiceAccessError, type ServiceCredentials } from "../modules/services/page.server";
import { readForm, readText } from "./input.server";
import { removeAccount } from "../modules/services/runner.server";

export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

/** A configured connector named in the URL, or 404. */
export function connectorFromParams(id: string | undefined): Connector {
  const connector = connectorById(id);
  if (!connector || !connector.isConfigured(getRuntime().settings)) notFound();
  return connector;
}

async function forbidden(user: CurrentUser, context: AppLoadContext, request: Request, required: string): Promise<never> {
  await writeAudit(getRuntime().db, actorFor(user, context), { action: "authz.denied", targetType: "route", targetId: new URL(request.url).pathname.slice(0, 64), after: { required, method: request.method } });
  throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

async function back(flash: Flash, extraCookies: string[] = []) {
  const headers = new Headers();
  headers.append("Set-Cookie", await flashHeader(flash));
  for (const c of extraCookies) headers.append("Set-Cookie", c);
  return redirect("/services", { headers });
}

/** POST /services/<id>/<action>: activate (OAuth redirect), deactivate, reset (deactivate + activate). */
export async function serviceAction(request: Request, context: AppLoadContext, user: CurrentUser, connector: Connector, action: string) {
  const { db, settings } = getRuntime();
  const title = connector.meta.title;
  if (action === "activate" || action === "reset") {
    if (!mayUse(connector, user)) await forbidden(user, context, request, connector.meta.accessPermission.appLabel + "." + connector.meta.accessPermission.codename);
    if (action === "reset") {
      const account = await findAccount(db, connector.meta.id, user.id);
      if (account) await removeAccount({ db, settings }, connector, account, "user", false);
    }
    if (connector.activation.kind === "password") return activateWithPassword(request, context, user, connector, action === "reset");
    if (connector.activation.kind !== "oauth") notFound();
    // The strategy throws the redirect to the provider, with the state cookie.
    try {
      await oauthStrategy(connector, settings).authenticate(request);
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
    notFound();
  }
  if (action === "reset_password" || action === "set_password") return changePassword(request, context, user, connector, action);
  if (action === "deactivate") {
    const account = await findAccount(db, connector.meta.id, user.id);
    if (!account) return back({ level: "warning", key: "services.flash.noAccount", params: { service: title } });
    try {
      await removeAccount({ db, settings }, connector, account, "user", false);
    } catch {
      return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
    }
    return back({ level: "success", key: "services.flash.deactivated", params: { service: title } });
  }
  notFound();
}

/** What the action page shows once: the credentials of a new account or a new password. */
export type ServiceActionData = { credentials: ServiceCredentials } | { errors: { password: string } };

/** Password services (forums): the account is created at once and its credentials shown once. */
async function activateWithPassword(request: Request, context: AppLoadContext, user: CurrentUser, connector: Connector, reset: boolean) {
  const { db, settings } = getRuntime();
  const title = connector.meta.title;
  if (!reset && (await findAccount(db, connector.meta.id, user.id))) return back({ level: "warning", key: "services.flash.alreadyActive", params: { service: title } });
  try {
    const credentials = await completePasswordActivation(db, settings, connector, user.id, actorFor(user, context));
    return json<ServiceActionData>({ credentials }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof ServiceAccessError) await forbidden(user, context, request, "service access");
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
  }
}

export const SERVICE_PASSWORD_MIN = 8;
export const SERVICE_PASSWORD_MAX = 128;

/** reset_password (a new random one, shown once) and set_password (the member's own, 8 to 128 characters). */
async function changePassword(request: Request, context: AppLoadContext, user: CurrentUser, connector: Connector, action: "reset_password" | "set_password") {
  const { db, settings } = getRuntime();
  const title = connector.meta.title;
  if (!connector.meta.accountActions.includes(action)) notFound();
  let chosen: string | undefined;
  if (action === "set_password") {
    chosen = readText(await readForm(request), "password", { trim: false, max: 1000 });
    if (chosen.length < SERVICE_PASSWORD_MIN || chosen.length > SERVICE_PASSWORD_MAX) return json<ServiceActionData>({ errors: { password: "services.password.length" } }, { status: 400 });
  }
  const account = await findAccount(db, connector.meta.id, user.id);
  if (!account) return back({ level: "warning", key: "services.flash.noAccount", params: { service: title } });
  let credentials: ServiceCredentials;
  try {
    credentials = await changeServicePassword(db, settings, connector, account, actorFor(user, context), chosen);
  } catch {
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
  }
  if (action === "set_password") return back({ level: "success", key: "services.flash.passwordSet", params: { service: title } });
  return json<ServiceActionData>({ credentials }, { headers: { "Cache-Control": "no-store" } });
}

/** GET /services/<id>/callback: state checked against the cookie, code exchanged, account linked. */
export async function serviceCallback(request: Request, context: AppLoadContext, user: CurrentUser, connector: Connector) {
  const { db, settings } = getRuntime();
  const title = connector.meta.title;
  const clear = clearOAuthCookie(connector, settings);
  const url = new URL(request.url);
  // Without a state the strategy would start a new authorization; a return without one is refused.
  if (!url.searchParams.get("state")) return back({ level: "danger", key: "services.flash.badState", params: { service: title } }, [clear]);
  if (!mayUse(connector, user)) await forbidden(user, context, request, `${connector.meta.accessPermission.appLabel}.${connector.meta.accessPermission.codename}`);
  let accessToken: string;
  try {
    accessToken = await oauthStrategy(connector, settings).authenticate(request);
  } catch (error) {
    const key = error instanceof RangeError || error instanceof ReferenceError ? "services.flash.badState" : url.searchParams.get("error") ? "services.flash.denied" : "services.flash.oauthFailed";
    return back({ level: "danger", key, params: { service: title } }, [clear]);
  }
  try {
    const remote = await completeOAuthActivation(db, settings, connector, user.id, accessToken, actorFor(user, context));
    return back({ level: "success", key: "services.flash.activated", params: { service: title, username: remote.remoteUsername } }, [clear]);
  } catch (error) {
    if (error instanceof ServiceAccessError) await forbidden(user, context, request, "service access");
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } }, [clear]);
  }
}
