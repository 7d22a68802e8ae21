import type { LoaderFunctionArgs } from "@remix-run/node";
import { handleSsoCallback } from "~/web/sso-callback.server";

/** Where EVE SSO sends the player back (`ESI_SSO_CALLBACK_URL`, `/sso/callback` as in the original). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return handleSsoCallback(request, context);
}

export default function SsoCallback() {
  return null;
}
