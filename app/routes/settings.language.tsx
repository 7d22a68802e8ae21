import { type ActionFunctionArgs, json, redirect } from "@remix-run/node";
import { languageCookie } from "~/i18n/i18n.server";
import { isLanguage } from "~/i18n/languages";
import { getCurrentUser } from "~/web/guards.server";
import { setUserPreference } from "~/modules/auth/preferences.server";
import { getRuntime } from "~/modules/runtime.server";
import { safeReturnPath } from "~/web/redirects";

export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const language = form.get("language");
  if (!isLanguage(language)) throw json({ reason: "unknownLanguage" }, { status: 400 });
  const user = await getCurrentUser(request, context);
  if (user) await setUserPreference(getRuntime().db, user.id, { language });
  return redirect(safeReturnPath(form.get("returnTo")), { headers: { "Set-Cookie": await languageCookie.serialize(language) } });
}
