import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/web/guards.server";
import { connectorFromParams, notFound, serviceAction } from "~/web/services-routes.server";

export async function loader(_args: LoaderFunctionArgs) {
  notFound();
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return serviceAction(request, context, user, connectorFromParams(params.service), String(params.action ?? ""));
}
