import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { dismissAnnouncement } from "../announcements.server";
import { appContext, pathId, requireUser } from "../../plugin-web.server";

/** Dismisses an announcement for the signed-in member, then back to the dashboard (works without JavaScript). */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = pathId(params.id);
  if (!(await dismissAnnouncement(appContext().db, user.id, id))) throw new Response("Not Found", { status: 404 });
  return redirect("/dashboard");
}

export async function loader() {
  throw new Response("Not Found", { status: 404 });
}
