import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { botInviteUrl } from "~/connectors/discord/settings";
import { requireSuperuser } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { connectorFromParams } from "~/web/services-routes.server";

/** "Link Discord server": the bot authorization for the superuser (the original's add_bot). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSuperuser(request, context);
  connectorFromParams("discord");
  return redirect(botInviteUrl(getRuntime().settings));
}
