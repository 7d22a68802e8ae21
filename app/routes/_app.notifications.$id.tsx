import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { requireUser } from "~/web/guards.server";
import { LevelBadge } from "~/components/level-badge";
import { deleteNotification, unreadCount, viewNotification } from "~/modules/notifications/notify.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { badRequest, notFound, pathId } from "~/web/params.server";
import { DateTime } from "~/components/date-time";
import { pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notifications.title");

/** Viewing a notification marks it read. Only its owner may see it: anyone else gets 404. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = pathId(params.id);
  const { db } = getRuntime();
  const notification = await viewNotification(db, user.id, id);
  if (!notification) notFound();
  return json({
    notification: { ...notification, created_at: notification.created_at.toISOString() },
    // The root loader may have counted before this one marked the notification read.
    unreadNotifications: await unreadCount(db, user.id),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = pathId(params.id);
  const form = await request.formData();
  if (form.get("intent") !== "delete") badRequest();
  if (!(await deleteNotification(getRuntime().db, user.id, id))) notFound();
  return redirectWithFlash("/notifications", { level: "success", key: "notifications.flash.deleted" });
}

export default function NotificationView() {
  const { t } = useTranslation();
  const { notification } = useLoaderData<typeof loader>();
  return (
    <article className="space-y-4" data-testid="notification-view">
      <Link to="/notifications?tab=read" className="text-sm text-sky-800 hover:underline dark:text-sky-300">
        ← {t("notifications.actions.back")}
      </Link>
      <div className="card space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          <LevelBadge level={notification.level} />
          <h1 className="break-words text-xl font-semibold" data-testid="notification-title">
            {notification.title}
          </h1>
        </div>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {t("notifications.received")}: <DateTime iso={notification.created_at} />
        </p>
        <div className="whitespace-pre-wrap break-words text-sm" data-testid="notification-message">
          {notification.message}
        </div>
      </div>
      <PostForm>
        <button type="submit" name="intent" value="delete" className="btn-secondary py-1" data-testid="notification-delete">
          {t("notifications.actions.delete")}
        </button>
      </PostForm>
    </article>
  );
}
