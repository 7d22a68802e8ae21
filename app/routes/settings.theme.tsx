import { type ActionFunctionArgs, json, redirect } from "@remix-run/node";
import { getCurrentUser } from "~/web/guards.server";
import { setUserPreference } from "~/modules/auth/preferences.server";
import { getRuntime } from "~/modules/runtime.server";
import { isTheme } from "~/modules/branding/branding.server";
import { themeCookie } from "~/web/theme.server";
import { safeReturnPath } from "~/web/redirects";

export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

/** A member's (or visitor's) theme: one of the themes, or "default" for the site's default. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const theme = form.get("theme");
  if (theme !== "default" && !isTheme(theme)) throw json({ reason: "unknownTheme" }, { status: 400 });
  const user = await getCurrentUser(request, context);
  if (user) await setUserPreference(getRuntime().db, user.id, { theme: theme === "default" ? null : theme });
  const cookie = theme === "default" ? await themeCookie.serialize("", { maxAge: 0 }) : await themeCookie.serialize(theme);
  return redirect(safeReturnPath(form.get("returnTo")), { headers: { "Set-Cookie": cookie } });
}
