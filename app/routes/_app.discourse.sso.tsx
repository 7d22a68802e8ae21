import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/web/guards.server";
import { connectorFromParams, discourseConnect } from "~/web/services-routes.server";

/** The original's DiscourseConnect endpoint: the forum's discourse_connect_url is SITE_URL/discourse/sso. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return discourseConnect(request, context, user, connectorFromParams("discourse"));
}
