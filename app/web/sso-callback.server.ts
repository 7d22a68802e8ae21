/** The SSO callback, by purpose: the HTTP glue around sso-flow and sso-actions. */
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { actorFor, getCurrentUser } from "./guards.server";
import { startSession } from "./login.server";
import { registrationCookie } from "./cookies.server";
import { getRuntime } from "../modules/runtime.server";
import { getLogger } from "../modules/ops/logger.server";
import { redirectWithFlash } from "./flash.server";
import { EsiError, EsiUnavailableError } from "../modules/eve/esi-client.server";
import { addCharacterWithSso, changeMainWithSso, characterLoader, loginWithSso } from "../modules/eve/sso-actions.server";
import { finishSso, SsoFlowError } from "../modules/eve/sso-flow.server";
import { safeReturnPath } from "./redirects";

export async function handleSsoCallback(request: Request, context: AppLoadContext): Promise<Response> {
  const { db, settings } = getRuntime();
  let sso;
  try {
    sso = await finishSso(db, settings, request);
  } catch (error) {
    if (error instanceof SsoFlowError) {
      getLogger().warn({ requestId: context.requestId, ip: context.ip, err: error.message }, "EVE SSO callback refused");
      if (error.code === "denied") {
        // Cancelled at EVE: a login goes back to the login page; adding a character or changing the main to where it started.
        const back = error.flow && error.flow.purpose !== "login" ? safeReturnPath(error.flow.next, "/dashboard") : "/login";
        return redirectWithFlash(back, { level: "warning", key: back === "/login" ? "sso.denied" : "sso.cancelled" });
      }
      throw json({ reason: `sso_${error.code}` }, { status: error.code === "unavailable" ? 503 : 400 });
    }
    throw error;
  }
  const load = characterLoader(db, settings);
  try {
    if (sso.purpose === "login") {
      const outcome = await loginWithSso(db, settings, sso, actorFor(null, context), load);
      if (outcome.kind === "refused") {
        return redirectWithFlash("/login", { level: "danger", key: "sso.altRefused" });
      }
      if (outcome.kind === "register") {
        return redirect("/account/register", { headers: { "Set-Cookie": await registrationCookie(settings).serialize(outcome.user.id) } });
      }
      const session = await startSession(request, context, outcome.user);
      return redirectWithFlash(safeReturnPath(sso.next, "/dashboard"), { level: "success", key: "flash.loggedIn", params: { name: outcome.user.username } }, [session]);
    }
    // Adding a character and changing the main need the user who started the round trip.
    const user = await getCurrentUser(request, context);
    if (!user || user.id !== sso.userId) throw json({ reason: "sso_unknown_state" }, { status: 400 });
    const actor = actorFor(user, context);
    if (sso.purpose === "add_character" || sso.purpose === "add_token") {
      const result = await addCharacterWithSso(db, settings, sso, user.id, actor, load);
      const flash = result.added
        ? { level: "success" as const, key: sso.purpose === "add_token" ? "tokens.added" : "characters.added", params: { name: result.characterName } }
        : { level: "danger" as const, key: "characters.addFailed", params: { name: result.characterName } };
      return redirectWithFlash(safeReturnPath(sso.next, "/dashboard"), flash);
    }
    const result = await changeMainWithSso(db, settings, sso, user.id, actor, load);
    const flash =
      result.result === "changed"
        ? { level: "success" as const, key: "characters.mainChanged", params: { name: result.characterName } }
        : { level: "danger" as const, key: "characters.mainOwnedByOther", params: { name: result.characterName } };
    return redirectWithFlash(safeReturnPath(sso.next, "/dashboard"), flash);
  } catch (error) {
    if (error instanceof EsiUnavailableError || (error instanceof EsiError && error.transient)) throw json({ reason: "esi_unavailable" }, { status: 503 });
    throw error;
  }
}
