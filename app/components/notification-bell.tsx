import { Link, useMatches } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

export const NOTIFICATIONS_COUNT_URL = "/notifications/count";

/**
 * A fresher count than the root's: the root loader does not run again on every client-side
 * navigation, so routes that change the count on a GET (viewing a notification reads it) return
 * `unreadNotifications` in their own data; the deepest such route wins.
 */
function useRouteUnread(): number | undefined {
  const matches = useMatches();
  for (let i = matches.length - 1; i >= 0; i--) {
    const match = matches[i]!;
    if (match.id === "root") continue;
    const data = match.data as { unreadNotifications?: unknown } | null | undefined;
    if (data && typeof data === "object" && typeof data.unreadNotifications === "number") return data.unreadNotifications;
  }
  return undefined;
}

/**
 * The unread count in the top bar. The server renders it on every page (no JavaScript needed);
 * with JavaScript it is refreshed from /notifications/count every `refreshSeconds` (0 = never)
 * while the page is visible, and at once when the page becomes visible again.
 */
export function NotificationBell({ unread, refreshSeconds }: { unread: number; refreshSeconds: number }) {
  const { t } = useTranslation();
  const routeUnread = useRouteUnread();
  const [count, setCount] = useState(routeUnread ?? unread);

  // The root loader ran again (after any form post): take its count.
  useEffect(() => setCount(unread), [unread]);
  useEffect(() => {
    if (routeUnread !== undefined) setCount(routeUnread);
  }, [routeUnread]);

  useEffect(() => {
    if (!refreshSeconds || refreshSeconds <= 0) return;
    let stopped = false;
    let inFlight = false;
    const refresh = async () => {
      if (stopped || inFlight || document.visibilityState === "hidden") return;
      inFlight = true;
      try {
        const response = await fetch(NOTIFICATIONS_COUNT_URL, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
        if (response.status === 401) {
          stop(); // logged out elsewhere: nothing more to count
          return;
        }
        if (!response.ok) return;
        const body = (await response.json()) as { unread_count?: unknown };
        if (!stopped && typeof body.unread_count === "number") setCount(body.unread_count);
      } catch {
        // Offline or the server restarting: try again next time.
      } finally {
        inFlight = false;
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") void refresh();
    };
    const timer = window.setInterval(() => void refresh(), refreshSeconds * 1000);
    document.addEventListener("visibilitychange", onVisibility);
    function stop() {
      stopped = true;
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    }
    return stop;
  }, [refreshSeconds]);

  const label = t("notifications.bell", { unread: count });
  return (
    <Link to="/notifications" className="btn-secondary relative gap-1 py-1" aria-label={label} title={label} data-testid="notification-bell" data-count={count} data-refresh={refreshSeconds}>
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {count > 0 ? (
        <span className="rounded-full bg-red-600 px-1.5 text-xs font-semibold leading-5 text-white" data-testid="notification-count">
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
}
