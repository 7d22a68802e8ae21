import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { actorFor } from "~/web/guards.server";
import { activateAccount } from "~/modules/auth/registration.server";
import { getRuntime } from "~/modules/runtime.server";
import { activationBrowserCookie } from "~/web/cookies.server";
import { redirectWithFlash } from "~/web/flash.server";
import { startSession } from "~/web/login.server";

/**
 * The activation link from the registration email. In the browser that registered (its activation
 * cookie names this user) the member is logged in at once; elsewhere they log in through SSO.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { db, settings } = getRuntime();
  const user = await activateAccount(db, settings, params.key ?? "", actorFor(null, context));
  if (!user) throw json({ reason: "activationInvalid" }, { status: 400 });
  const cookie = activationBrowserCookie(settings);
  if ((await cookie.parse(request.headers.get("Cookie"))) === user.id) {
    const cookies = [await cookie.serialize("", { maxAge: 0 }), await startSession(request, context, user)];
    return redirectWithFlash("/dashboard", { level: "success", key: "register.welcome", params: { name: user.username } }, cookies);
  }
  return redirectWithFlash("/login", { level: "success", key: "register.activated" });
}

export default function Activate() {
  return null;
}
