/** What the services routes share: connector from the URL, the member's actions, and the OAuth return. */
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { actorFor, type CurrentUser, forbidden } from "./guards.server";
import { getRuntime } from "../modules/runtime.server";
import { redirectWithFlash, type Flash } from "./flash.server";
import { connectorById } from "../connectors/registry.server";
import { findAccount } from "../modules/services/accounts.server";
import { ServiceNameTakenError, type Connector } from "../modules/services/contract";
import { answerDiscourseConnect } from "../connectors/discourse/connect.server";
import { DiscourseConnectError } from "../connectors/discourse/sso.server";
import { badInput, paramsOf, readText } from "./input.server";
import { clearOAuthCookie, oauthStrategy } from "./services-oauth.server";
import { activateWithKey, completeOAuthActivation, mayUse, ServiceAccessError } from "../modules/services/page.server";
import { removeAccount, syncServiceUser } from "../modules/services/runner.server";
import { activatePasswordAccount, changeServicePassword, sealsCredentials, ServicePasswordError, type ShownCredentials } from "../modules/services/passwords.server";

export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

/** A configured connector named in the URL, or 404. */
export function connectorFromParams(id: string | undefined): Connector {
  const connector = connectorById(id);
  if (!connector || !connector.isConfigured(getRuntime().settings)) notFound();
  return connector;
}

export function back(flash: Flash, extraCookies: string[] = []) {
  return redirectWithFlash("/services", flash, extraCookies);
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
    if (connector.activation.kind === "link") return redirect(connector.activation.url(settings));
    if (connector.activation.kind === "password") {
      try {
        const shown = await activatePasswordAccount(db, settings, connector, user.id, actorFor(user, context));
        if (!sealsCredentials(connector)) return credentialsPage(connector, user.id, shown);
        return back({ level: "success", key: "services.flash.activated", params: { service: title, username: shown.username } });
      } catch (error) {
        if (error instanceof ServiceNameTakenError) return back({ level: "danger", key: "services.flash.nameTaken", params: { service: title } });
        if (error instanceof ServiceAccessError) await forbidden(user, context, request, "service access");
        return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
      }
    }
    if (connector.activation.kind === "privilege-key") {
      try {
        await activateWithKey(db, settings, connector, user.id, actorFor(user, context));
      } catch (error) {
        if (error instanceof ServiceAccessError) await forbidden(user, context, request, "service access");
        return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
      }
      return back({ level: "success", key: "services.flash.keyIssued", params: { service: title } });
    }
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
  if (action === "verify" && connector.meta.accountActions.includes("verify")) {
    // The original's "I have joined": look the bound identity up now and apply the groups.
    const account = await findAccount(db, connector.meta.id, user.id);
    if (!account) return back({ level: "warning", key: "services.flash.noAccount", params: { service: title } });
    try {
      const result = await syncServiceUser({ db, settings }, connector, user.id);
      const stillPending = result.kind === "synced" && Boolean(await connector.pendingActivation?.({ db, settings }, account));
      if (stillPending) return back({ level: "warning", key: "services.flash.notJoinedYet", params: { service: title } });
      if (result.kind === "removed") return back({ level: "warning", key: "services.flash.noAccount", params: { service: title } });
    } catch {
      return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
    }
    return back({ level: "success", key: "services.flash.verified", params: { service: title } });
  }
  if (action === "reset_password") {
    if (!mayUse(connector, user)) await forbidden(user, context, request, connector.meta.accessPermission.appLabel + "." + connector.meta.accessPermission.codename);
    if (!connector.meta.accountActions.includes("reset_password")) notFound();
    let shown: ShownCredentials;
    try {
      shown = await changeServicePassword(db, settings, connector, user.id, actorFor(user, context));
    } catch (error) {
      if (error instanceof ServicePasswordError) return back({ level: "warning", key: "services.flash.noAccount", params: { service: title } });
      return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
    }
    if (!sealsCredentials(connector)) return credentialsPage(connector, user.id, shown);
    return back({ level: "success", key: "services.flash.passwordReset", params: { service: title } });
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
  notFound();
}

/** The page answering the POST for a service that shows its password there (Mumble): name, password, connect link. */
async function credentialsPage(connector: Connector, userId: number, credentials: ShownCredentials) {
  const { db, settings } = getRuntime();
  const url = connector.describe(settings, await findAccount(db, connector.meta.id, userId)).url;
  return json({ service: connector.meta.id, title: connector.meta.title, username: credentials.username, password: credentials.password, url }, { headers: { "Cache-Control": "no-store" } });
}

/** The action page's data (the credentials page rendered after the POST needs a loader): 404 for an action the service lacks. */
export function actionPage(connector: Connector, action: string) {
  if (action !== "activate" && !(connector.meta.accountActions as string[]).includes(action)) notFound();
  return json({ service: connector.meta.id });
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

/** GET /discourse/sso: a signed DiscourseConnect request answered for the signed-in member. */
export async function discourseConnect(request: Request, context: AppLoadContext, user: CurrentUser, connector: Connector) {
  const { db, settings } = getRuntime();
  const query = paramsOf(request);
  const sso = readText(query, "sso", { max: 4096, trim: false, required: true });
  const sig = readText(query, "sig", { max: 128, required: true });
  const title = connector.meta.title;
  let outcome;
  try {
    outcome = await answerDiscourseConnect(db, settings, user.id, sso, sig, actorFor(user, context));
  } catch (error) {
    if (error instanceof DiscourseConnectError) badInput("sig");
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: title } });
  }
  if (outcome.kind === "no-access") return forbidden(user, context, request, `${connector.meta.accessPermission.appLabel}.${connector.meta.accessPermission.codename}`);
  if (outcome.kind === "no-main") return back({ level: "warning", key: "services.flash.noMain", params: { service: title } });
  if (outcome.kind === "no-email") return back({ level: "warning", key: "services.flash.noEmail", params: { service: title } });
  return redirect(outcome.url);
}
