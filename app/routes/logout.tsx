import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { getCurrentUser } from "~/web/guards.server";
import { endSession } from "~/web/login.server";
import { flashHeader } from "~/web/flash.server";

/** Logging out changes state, so it is a POST (with CSRF) only; GET shows the 405 page. */
export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request, context);
  const headers = new Headers();
  headers.append("Set-Cookie", await endSession(request, context, user));
  headers.append("Set-Cookie", await flashHeader({ level: "info", key: "flash.loggedOut" }));
  return redirect("/login", { headers });
}
