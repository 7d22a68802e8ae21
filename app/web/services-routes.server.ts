/** What the services routes share: connector from the URL, the member's actions, and the OAuth return. */
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { writeAudit } from "../modules/audit/audit.server";
import { actorFor, type CurrentUser } from "./guards.server";
import { getRuntime } from "../modules/runtime.server";
import { flashHeader, type Flash } from "./flash.server";
import { connectorById } from "../connectors/registry.server";
import { findAccount } from "../modules/services/accounts.server";
import { ServiceNameTakenError, type Connector } from "../modules/services/contract";
import { activateWithPassword, changeServicePassword, SERVICE_PASSWORD_MAX, SERVICE_PASSWORD_MIN } from "../modules/services/passwords.server";
import { readForm } from "./input.server";
import { clearOAuthCookie, oauthStrategy } from "./services-oauth.server";
import { completeOAuthActivation, mayUse, ServiceAccessError } from "../modules/services/page.server";
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
    if (connector.activation.kind === "password") return passwordActivation(context, user, connector);
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
  if (action === "reset_password" || action === "set_password") return passwordChange(request, context, user, connector, action);
  notFound();
}

/** What the credentials page shows once: the member's name on the service, the password and the connect link. */
async function credentialsPage(connector: Connector, userId: number, credentials: { username: string; password: string }, kind: "activated" | "reset_password" | "set_password") {
  const { db, settings } = getRuntime();
  const url = connector.describe(settings, await findAccount(db, connector.meta.id, userId)).url;
  return json({ kind, service: connector.meta.id, title: connector.meta.title, username: credentials.username, password: kind === "set_password" ? null : credentials.password, url, errors: null }, { headers: { "Cache-Control": "no-store" } });
}

async function passwordActivation(context: AppLoadContext, user: CurrentUser, connector: Connector) {
  const { db, settings } = getRuntime();
  const title = connector.meta.title;
  try {
    return credentialsPage(connector, user.id, await activateWithPassword(db, settings, connector, user.id, actorFor(user, context)), "activated");
  } catch (error) {
    if (error instanceof ServiceNameTakenError) return back({ level: "danger", key: "services.flash.nameTaken", params: { service: title } });
    if (error instanceof ServiceAccessError) return back({ level: "danger", key: "services.flash.noAccess", params: { service: title } });
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
  }
}

/** POST reset_password (new generated password, shown once) or set_password (the member's own, checked). */
async function passwordChange(request: Request, context: AppLoadContext, user: CurrentUser, connector: Connector, action: "reset_password" | "set_password") {
  const { db, settings } = getRuntime();
  const title = connector.meta.title;
  if (!connector.meta.accountActions.includes(action) || !connector.setPassword) notFound();
  let password: string | undefined;
  if (action === "set_password") {
    password = String((await readForm(request)).get("password") ?? "");
    const error = password.length < SERVICE_PASSWORD_MIN ? "services.password.tooShort" : password.length > SERVICE_PASSWORD_MAX ? "services.password.tooLong" : null;
    if (error) return json({ kind: "set_password" as const, service: connector.meta.id, title, username: null, password: null, url: null, errors: { password: error } }, { status: 400 });
  }
  try {
    const shown = await changeServicePassword(db, settings, connector, user.id, actorFor(user, context), password);
    if (!shown) return back({ level: "warning", key: "services.flash.noAccount", params: { service: title } });
    return credentialsPage(connector, user.id, shown, action);
  } catch {
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
  }
}

/**
 * The action page's data: the set-password form (a service with passwords, once an account exists);
 * for the other actions only what the credentials page shown after the POST needs (never a form).
 */
export async function setPasswordForm(user: CurrentUser, connector: Connector, action: string) {
  const base = { service: connector.meta.id, title: connector.meta.title, min: SERVICE_PASSWORD_MIN };
  if (action !== "set_password") {
    if (!(connector.meta.accountActions as string[]).includes(action) && action !== "activate") notFound();
    return json({ ...base, form: false });
  }
  if (!connector.meta.accountActions.includes("set_password") || !connector.setPassword) notFound();
  if (!(await findAccount(getRuntime().db, connector.meta.id, user.id))) notFound();
  return json({ ...base, form: true });
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
