import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/web/guards.server";
import { connectorFromParams, serviceCallback } from "~/web/services-routes.server";

/** The original's Discord callback path (the default DISCORD_CALLBACK_URL is SITE_URL/discord/callback). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return serviceCallback(request, context, user, connectorFromParams("discord"));
}
