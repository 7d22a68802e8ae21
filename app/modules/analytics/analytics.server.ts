/**
 * Usage statistics, off by default (the original sends to its maintainers' Google Analytics unless an
 * operator opts out; we send nothing unless the operator names their own Plausible, Umami or GA4).
 * What is sent is aggregate only: a random install id, counts, app ids, page patterns and task names.
 * No username, character, IP address, URL with ids or browser detail ever leaves the site. The web
 * process counts page views per route pattern in memory and adds them to the day's row now and then;
 * the worker's daily task builds the report and posts it.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { dialectOf } from "../../../db/dialect";
import { APP_VERSION } from "../ops/version.server";

export type AnalyticsSettings = Pick<
  Settings,
  "ANALYTICS_PROVIDER" | "ANALYTICS_URL" | "ANALYTICS_SITE" | "ANALYTICS_SECRET" | "ANALYTICS_PAGE_VIEWS" | "ANALYTICS_TASK_EVENTS" | "ANALYTICS_DAILY_STATS"
>;

export const analyticsOn = (settings: AnalyticsSettings) => settings.ANALYTICS_PROVIDER !== "off";

/** One event of the report: a name and flat, non-personal properties. */
export interface AnalyticsEvent {
  name: string;
  props: Record<string, string | number>;
}

// ---- page views (web process) -------------------------------------------------------------------

const MAX_ROUTES = 500;
// One counter per process: the server build and the code around it may load this module twice.
const pending: Map<string, number> = ((globalThis as Record<symbol, unknown>)[Symbol.for("allianceauth.analytics.pageViews")] ??= new Map<string, number>()) as Map<string, number>;

let flushTimer: NodeJS.Timeout | null = null;

/**
 * Counts a page view of a route pattern (not a URL). Bounded: unknown patterns past 500 are dropped.
 * The counts reach the database within a minute (`flush`, given the database, runs on a timer that
 * never keeps the process alive); a process that stops loses at most that minute.
 */
export function countPageView(route: string, flush?: () => Promise<unknown>) {
  const key = route.slice(0, 200);
  const n = pending.get(key);
  if (n !== undefined) pending.set(key, n + 1);
  else if (pending.size < MAX_ROUTES) pending.set(key, 1);
  if (flush && !flushTimer) {
    flushTimer = setTimeout(() => {
      flushTimer = null;
      flush().catch(() => undefined);
    }, 60_000);
    flushTimer.unref();
  }
}

/** A view of a page (its route pattern), when the operator has page views counted. */
export function recordPageView(db: Kysely<DB>, settings: AnalyticsSettings, pattern: string) {
  if (analyticsOn(settings) && settings.ANALYTICS_PAGE_VIEWS) countPageView(pattern, () => flushPageViews(db));
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** Adds the counted views to today's rows in one upsert. Returns the views written. */
export async function flushPageViews(db: Kysely<DB>, now = new Date()): Promise<number> {
  if (!pending.size) return 0;
  const rows = [...pending.entries()].map(([route, views]) => ({ day: dayOf(now), route, views }));
  pending.clear();
  const insert = db.insertInto("analytics_page_views").values(rows);
  await (dialectOf(db) === "mysql"
    ? insert.onDuplicateKeyUpdate({ views: sql<number>`analytics_page_views.views + values(views)` })
    : insert.onConflict((oc) => oc.columns(["day", "route"]).doUpdateSet({ views: sql<number>`analytics_page_views.views + excluded.views` }))
  ).execute();
  return rows.reduce((sum, r) => sum + r.views, 0);
}

// ---- the report (worker) ------------------------------------------------------------------------

/** The install's random id (created on first use): tells installs apart, says nothing about them. */
export async function installId(db: Kysely<DB>): Promise<string> {
  const row = await db.selectFrom("analytics_install").select("install_id").where("id", "=", 1).executeTakeFirst();
  if (row) return row.install_id;
  const id = randomUUID();
  try {
    await db.insertInto("analytics_install").values({ id: 1, install_id: id, last_sent_at: null }).execute();
    return id;
  } catch {
    // Another process created it first.
    return (await db.selectFrom("analytics_install").select("install_id").where("id", "=", 1).executeTakeFirstOrThrow()).install_id;
  }
}

/** What the next daily report holds: the day before `now` (UTC), as the settings allow. */
export async function buildReport(db: Kysely<DB>, settings: AnalyticsSettings, enabledApps: readonly string[], now = new Date()): Promise<AnalyticsEvent[]> {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - 86_400_000);
  const version = APP_VERSION;
  const events: AnalyticsEvent[] = [];
  if (settings.ANALYTICS_DAILY_STATS) {
    const [users, tokens] = await Promise.all([
      db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
      db.selectFrom("esi_tokens").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    ]);
    events.push({ name: "daily_stats", props: { version, users: Number(users.n), tokens: Number(tokens.n), apps: enabledApps.length } });
    for (const app of enabledApps) events.push({ name: "installed_app", props: { version, app } });
  }
  if (settings.ANALYTICS_PAGE_VIEWS) {
    const views = await db.selectFrom("analytics_page_views").select(["route", "views"]).where("day", "=", dayOf(start)).orderBy("route").execute();
    for (const v of views) events.push({ name: "page_views", props: { version, route: v.route, views: v.views } });
  }
  if (settings.ANALYTICS_TASK_EVENTS) {
    const tasks = await db
      .selectFrom("job_events")
      .select(["task", "outcome", (eb) => eb.fn.countAll<number>().as("n")])
      .where("created_at", ">=", start)
      .where("created_at", "<", end)
      .groupBy(["task", "outcome"])
      .orderBy("task")
      .orderBy("outcome")
      .execute();
    for (const t of tasks) events.push({ name: "task_runs", props: { version, task: t.task, outcome: t.outcome, runs: Number(t.n) } });
  }
  return events;
}

export class AnalyticsSendError extends Error {}

/** The provider's request for each event (one HTTP POST each; GA4 takes up to 25 events a request). */
export function providerRequests(settings: AnalyticsSettings, id: string, events: AnalyticsEvent[], siteUrl: string): { url: string; body: unknown }[] {
  const base = (settings.ANALYTICS_URL ?? "https://www.google-analytics.com").replace(/\/+$/, "");
  switch (settings.ANALYTICS_PROVIDER) {
    case "plausible":
      // Plausible's events API: a name, the site's domain, a URL (the site's, never a member's page) and props.
      return events.map((e) => ({ url: `${base}/api/event`, body: { name: e.name, domain: settings.ANALYTICS_SITE, url: `${siteUrl}/`, props: { install: id, ...e.props } } }));
    case "umami":
      return events.map((e) => ({ url: `${base}/api/send`, body: { type: "event", payload: { website: settings.ANALYTICS_SITE, hostname: new URL(siteUrl).hostname, url: "/", name: e.name, data: { install: id, ...e.props } } } }));
    case "ga4": {
      const url = `${base}/mp/collect?measurement_id=${encodeURIComponent(settings.ANALYTICS_SITE)}&api_secret=${encodeURIComponent(settings.ANALYTICS_SECRET)}`;
      const out: { url: string; body: unknown }[] = [];
      for (let i = 0; i < events.length; i += 25) out.push({ url, body: { client_id: id, events: events.slice(i, i + 25).map((e) => ({ name: e.name, params: e.props })) } });
      return out;
    }
    default:
      return [];
  }
}

/**
 * The daily task: build yesterday's report and post it. Off: sends nothing. A refused or failed
 * request throws (the job is retried); a report is sent once a day at most.
 */
export async function sendDailyReport(db: Kysely<DB>, settings: AnalyticsSettings & Pick<Settings, "SITE_URL">, enabledApps: readonly string[], now = new Date()) {
  if (!analyticsOn(settings)) return { sent: 0, reason: "off" as const };
  const id = await installId(db);
  const last = await db.selectFrom("analytics_install").select("last_sent_at").where("id", "=", 1).executeTakeFirstOrThrow();
  if (last.last_sent_at && dayOf(new Date(last.last_sent_at)) === dayOf(now)) return { sent: 0, reason: "already sent today" as const };
  const events = await buildReport(db, settings, enabledApps, now);
  const requests = providerRequests(settings, id, events, settings.SITE_URL);
  for (const request of requests) {
    const response = await fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": `AllianceAuthTS/${APP_VERSION} (analytics)` },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new AnalyticsSendError(`${settings.ANALYTICS_PROVIDER} answered ${response.status} for ${new URL(request.url).pathname}`);
    await response.arrayBuffer();
  }
  await db.updateTable("analytics_install").set({ last_sent_at: now }).where("id", "=", 1).execute();
  // Counts older than a month have been reported: they go.
  await db.deleteFrom("analytics_page_views").where("day", "<", dayOf(new Date(now.getTime() - 31 * 86_400_000))).execute();
  return { sent: events.length, requests: requests.length };
}

/** What the admin page shows: whether anything is sent, where, and the exact requests of the next report. */
export async function describeAnalytics(db: Kysely<DB>, settings: AnalyticsSettings & Pick<Settings, "SITE_URL">, enabledApps: readonly string[], now = new Date()) {
  const on = analyticsOn(settings);
  const install = await db.selectFrom("analytics_install").select(["install_id", "last_sent_at"]).where("id", "=", 1).executeTakeFirst();
  const categories = { dailyStats: settings.ANALYTICS_DAILY_STATS, pageViews: settings.ANALYTICS_PAGE_VIEWS, taskEvents: settings.ANALYTICS_TASK_EVENTS };
  if (!on) return { on, provider: null, destination: null, categories, lastSentAt: null, preview: [] };
  const events = await buildReport(db, settings, enabledApps, now);
  const preview = providerRequests(settings, install?.install_id ?? "(created on the first report)", events, settings.SITE_URL).map((r) => ({
    // The GA4 secret is a credential: never shown.
    url: r.url.replace(/api_secret=[^&]*/, "api_secret=…"),
    body: r.body,
  }));
  return { on, provider: settings.ANALYTICS_PROVIDER, destination: new URL(preview[0]?.url ?? settings.ANALYTICS_URL ?? "https://www.google-analytics.com").origin, categories, lastSentAt: install?.last_sent_at ? new Date(install.last_sent_at) : null, preview };
}
