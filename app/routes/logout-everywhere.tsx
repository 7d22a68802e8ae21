import type { ActionFunctionArgs } from "@remix-run/node";
import { logOutEverywhere } from "~/modules/auth/session-revocation.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requireUser } from "~/web/guards.server";
import { clearSessionCookie } from "~/web/login.server";

/** Ends every session of the logged-in user (all browsers and devices). POST with CSRF only. */
export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const ended = await logOutEverywhere(getRuntime().db, user, actorFor(user, context));
  return redirectWithFlash("/login", { level: "info", key: "flash.loggedOutEverywhere", params: { count: ended } }, [await clearSessionCookie()]);
}
