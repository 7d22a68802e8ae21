import { json, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { actorFor } from "~/web/guards.server";
import { activateAccount } from "~/modules/auth/registration.server";
import { getRuntime } from "~/modules/runtime.server";
import { flashHeader } from "~/web/flash.server";

/** The activation link from the registration email. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db, settings } = getRuntime();
  const user = await activateAccount(db, settings, params.key ?? "", actorFor(null, context));
  if (!user) throw json({ reason: "activationInvalid" }, { status: 400 });
  return redirect("/login", { headers: { "Set-Cookie": await flashHeader({ level: "success", key: "register.activated" }) } });
}

export default function Activate() {
  return null;
}
