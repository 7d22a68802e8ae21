/**
 * The logged-in user's unread count, as JSON, for the bell's refresh. Unlike the original's public
 * /user_notifications_count/<pk>/ it takes no user id: nobody can read anyone else's count.
 */
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { getCurrentUser } from "~/web/guards.server";
import { unreadCount } from "~/modules/notifications/notify.server";
import { getRuntime } from "~/modules/runtime.server";

const NO_STORE = { "Cache-Control": "no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request, context);
  if (!user) return json({ error: "unauthorized" }, { status: 401, headers: NO_STORE });
  return json({ unread_count: await unreadCount(getRuntime().db, user.id) }, { headers: NO_STORE });
}
