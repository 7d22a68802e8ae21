import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { EmptyState } from "~/components/empty-state";
import { pageTitle } from "~/i18n/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, rowAction } from "~/components/forms";
import { requireUser } from "~/web/guards.server";
import {
  deleteAllRead,
  deleteNotification,
  markAllRead,
  markNotificationRead,
  notificationsPage,
} from "~/modules/notifications/notify.server";
import { getRuntime } from "~/modules/runtime.server";
import { type Flash, redirectWithFlash } from "~/web/flash.server";
import { LevelBadge } from "~/components/level-badge";
import { Pager } from "~/components/table";
import { formRowAction, notFound, parsePage } from "~/web/params.server";
import { DateTime } from "~/components/date-time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notifications.title");

const PAGE_SIZE = 50;
const ROW_INTENTS = ["read", "delete"] as const;

type Tab = "unread" | "read";

function parseTab(value: unknown): Tab {
  return value === "read" ? "read" : "unread";
}

function listPath(tab: Tab, page = 1) {
  const params = new URLSearchParams();
  if (tab === "read") params.set("tab", "read");
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/notifications?${query}` : "/notifications";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = getRuntime();
  const url = new URL(request.url);
  const tab = parseTab(url.searchParams.get("tab"));
  const page = parsePage(url.searchParams.get("page"));
  const { counts, rows } = await notificationsPage(db, user.id, { viewed: tab === "read", limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return json({
    tab,
    page,
    hasMore: rows.length > PAGE_SIZE,
    counts,
    // Fresher than the root's count after client-side navigation (see the notification bell).
    unreadNotifications: counts.unread,
    items: rows.slice(0, PAGE_SIZE).map((row) => ({ ...row, created_at: row.created_at.toISOString() })),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = getRuntime();
  const form = await request.formData();
  const tab = parseTab(form.get("tab"));
  const page = parsePage(form.get("page"));
  let flash: Flash;
  const intent = form.get("intent");
  if (intent === "mark_all_read") {
    flash = { level: "success", key: "notifications.flash.allRead", params: { n: await markAllRead(db, user.id) } };
  } else if (intent === "delete_all_read") {
    flash = { level: "success", key: "notifications.flash.readDeleted", params: { n: await deleteAllRead(db, user.id) } };
  } else {
    // A row's button: "read:12" or "delete:12".
    const row = formRowAction(intent, ROW_INTENTS);
    // Only the owner may change a notification: someone else's id is simply not found.
    const done = row.intent === "read" ? await markNotificationRead(db, user.id, row.id) : await deleteNotification(db, user.id, row.id);
    if (!done) notFound();
    flash = row.intent === "read" ? { level: "success", key: "notifications.flash.markedRead" } : { level: "success", key: "notifications.flash.deleted" };
  }
  return redirectWithFlash(listPath(tab, page), flash);
}

function TabLink({ tab, current, count }: { tab: Tab; current: Tab; count: number }) {
  const { t } = useTranslation();
  const active = tab === current;
  return (
    <Link
      to={listPath(tab)}
      aria-current={active ? "page" : undefined}
      className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-sky-700 text-sky-800 dark:border-sky-400 dark:text-sky-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"}`}
      data-testid={`tab-${tab}`}
    >
      {t(`notifications.tabs.${tab}`, { n: count })}
    </Link>
  );
}

/**
 * One form with its hidden fields once and a submit button per intent (the pressed button's intent
 * is sent, with or without JavaScript): a row's "Mark read" and "Delete" share their fields.
 */
function IntentButtons({ hidden, buttons, className }: { hidden: Record<string, string | number>; className: string; buttons: { intent: string; className: string; testId: string; label: string }[] }) {
  return (
    <PostForm className={className}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {buttons.map((button) => (
        <button key={button.intent} type="submit" name="intent" value={button.intent} className={button.className} data-testid={button.testId}>
          {button.label}
        </button>
      ))}
    </PostForm>
  );
}

export default function Notifications() {
  const { t } = useTranslation();
  const { tab, page, hasMore, counts, items } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("notifications.title")}</h1>
        <IntentButtons
          className="flex flex-wrap gap-2"
          hidden={{ tab }}
          buttons={[
            { intent: "mark_all_read", className: "btn-secondary py-1", testId: "mark-all-read", label: t("notifications.actions.markAllRead") },
            { intent: "delete_all_read", className: "btn-secondary py-1", testId: "delete-all-read", label: t("notifications.actions.deleteAllRead") },
          ]}
        />
      </div>
      <nav aria-label={t("notifications.tabs.label")} className="flex gap-1 border-b border-slate-200 dark:border-slate-700">
        <TabLink tab="unread" current={tab} count={counts.unread} />
        <TabLink tab="read" current={tab} count={counts.read} />
      </nav>
      {items.length === 0 ? (
        <EmptyState icon="bell" testId="notifications-empty">
          {t(tab === "read" ? "notifications.empty.read" : "notifications.empty.unread")}
        </EmptyState>
      ) : (
        // One form for the list: each row's buttons say what to do to which notification.
        <PostForm>
          <input type="hidden" name="tab" value={tab} />
          <input type="hidden" name="page" value={page} />
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-700 dark:border-slate-700 dark:bg-slate-800" data-testid="notification-list">
            {items.map((item) => (
              <li key={item.id} className="flex flex-wrap items-start justify-between gap-3 px-4 py-3" data-testid={`notification-${item.id}`}>
                {/* At least 12rem for the title: on a phone the buttons wrap below it instead of squeezing it. */}
                <div className="min-w-[12rem] flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <LevelBadge level={item.level} />
                    {/* No prefetch: loading a notification marks it read. */}
                    <Link to={`/notifications/${item.id}`} className={`break-words text-sm text-sky-800 hover:underline dark:text-sky-300 ${item.viewed ? "" : "font-semibold"}`} data-testid="notification-link">
                      {item.title}
                    </Link>
                  </div>
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                    <DateTime iso={item.created_at} />
                  </p>
                </div>
                <div className="flex gap-2">
                  {item.viewed ? null : (
                    <button type="submit" name="intent" value={rowAction("read", item.id)} className="btn-secondary py-1 text-xs" data-testid="notification-mark-read">
                      {t("notifications.actions.markRead")}
                    </button>
                  )}
                  <button type="submit" name="intent" value={rowAction("delete", item.id)} className="btn-secondary py-1 text-xs" data-testid="notification-delete">
                    {t("notifications.actions.delete")}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </PostForm>
      )}
      <Pager page={page} hasMore={hasMore} labels={{ previous: t("notifications.pager.newer"), next: t("notifications.pager.older") }} />
    </div>
  );
}
