import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/web/guards.server";
import { connectorFromParams, serviceCallback } from "~/web/services-routes.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return serviceCallback(request, context, user, connectorFromParams(params.service));
}
