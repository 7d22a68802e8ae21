import type { ActionFunctionArgs } from "@remix-run/node";
import { getCurrentUser } from "~/web/guards.server";
import { endSession } from "~/web/login.server";
import { redirectWithFlash } from "~/web/flash.server";

/** Logging out changes state, so it is a POST (with CSRF) only; GET shows the 405 page. */
export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request, context);
  return redirectWithFlash("/login", { level: "info", key: "flash.loggedOut" }, [await endSession(request, context, user)]);
}
