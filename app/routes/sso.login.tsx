import { type ActionFunctionArgs } from "@remix-run/node";
import { startSso } from "~/modules/eve/sso-flow.server";
import { getRuntime } from "~/modules/runtime.server";
import { safeReturnPath } from "~/web/redirects";

/** Step 1 of login and registration: off to EVE SSO (a POST, so it carries the CSRF token). */
export async function loader() {
  throw new Response("Method Not Allowed", { status: 405 });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const { db, settings } = getRuntime();
  return startSso(db, settings, request, { purpose: "login", next: safeReturnPath(form.get("next"), "/dashboard"), userId: null });
}
