import { type ActionFunctionArgs, json, redirect } from "@remix-run/node";
import { getCurrentUser } from "~/web/guards.server";
import { setUserPreference } from "~/modules/auth/preferences.server";
import { themeCookie } from "~/web/theme.server";
import { safeReturnPath } from "~/web/redirects";

export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const theme = form.get("theme");
  if (theme !== "light" && theme !== "dark") throw json({ reason: "unknownTheme" }, { status: 400 });
  const user = await getCurrentUser(request, context);
  if (user) await setUserPreference(user.id, { theme });
  return redirect(safeReturnPath(form.get("returnTo")), { headers: { "Set-Cookie": await themeCookie.serialize(theme) } });
}
