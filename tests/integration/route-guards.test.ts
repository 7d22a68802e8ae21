/**
 * Secure by default, checked: every route module under app/routes (found from the file names, so a
 * new route is swept without editing this file) is called directly (a `_data` request runs only that
 * route's loader or action, not its parents' guards) as anonymous, member, staff and superuser. A
 * loader or action that answers to someone below the route's level fails the test.
 *
 * Levels: OPEN_TO lists the routes open to more than superusers; every other route must need a
 * permission (only a superuser, holding all, gets through). A new route is therefore assumed to need
 * one until it is listed here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve } from "../support/eve";
import { makeGroup, makeUser } from "../support/factories";
import { Browser, startTestServer } from "../support/http";
import { dataUrl, listRoutes, type RouteInfo } from "../support/routes";
import { signedIn } from "../support/sessions";
import { allApps } from "~/apps/registry.server";

const LEVELS = ["anonymous", "member", "staff", "superuser"] as const;
type Level = (typeof LEVELS)[number];

const OPEN_TO: Record<string, Level> = {
  "routes/$": "anonymous",
  "routes/_index": "anonymous",
  "routes/login": "anonymous",
  "routes/logout": "anonymous",
  "routes/request-refused": "anonymous",
  // Content-hashed translation catalogues (static assets).
  "routes/i18n.$file": "anonymous",
  "routes/setup.$token": "anonymous",
  "routes/sso.login": "anonymous",
  "routes/sso.callback": "anonymous",
  "routes/settings.language": "anonymous",
  "routes/settings.theme": "anonymous",
  "routes/account.register": "anonymous",
  "routes/account.activate.$key": "anonymous",
  // Demo and development mode only (404 otherwise).
  "routes/account.outbox": "anonymous",
  // Placeholders of the fake world's portraits and logos (public, as the image server).
  "routes/demo-images.$kind.$id": "anonymous",
  "routes/notifications.count": "member",
  // EVE entities are public: any member may search them (usernames: staff, checked in entity-picker.test.ts).
  "routes/lookup.$kind": "member",
  "routes/logout-everywhere": "member",
  // Lists only the services the member may access (each action checks its own permission).
  "routes/_app.services._index": "member",
  "routes/_app": "member",
  "routes/_app.dashboard": "member",
  "routes/_app.account.characters": "member",
  "routes/_app.account.tokens": "member",
  "routes/_app.groups._index": "member",
  "routes/_app.groups.$groupId": "member",
  "routes/_app.notifications._index": "member",
  "routes/_app.notifications.$id": "member",
  // Fleet activity tracking: clicking a link and one's own statistics need no permission (as the original).
  "apps/fleetactivitytracking/routes/_app.fat._index": "member",
  "apps/fleetactivitytracking/routes/_app.fat.link.$key": "member",
  "apps/fleetactivitytracking/routes/_app.fat.user.statistics._index": "member",
  "apps/fleetactivitytracking/routes/_app.fat.user.statistics.$year._index": "member",
  "apps/fleetactivitytracking/routes/_app.fat.user.statistics.$year.$month": "member",
  // HR applications: every member may apply (a main character required) and see their own applications.
  "apps/hrapplications/routes/_app.hr._index": "member",
  "apps/hrapplications/routes/_app.hr.create._index": "member",
  "apps/hrapplications/routes/_app.hr.create.$id": "member",
  "apps/hrapplications/routes/_app.hr.personal.$id": "member",
  "routes/admin": "staff",
  "routes/admin._index": "staff",
  "routes/admin.jobs.$jobKey": "staff",
};

const SESSION_ENDING = new Set(["routes/logout", "routes/logout-everywhere", "routes/admin.users.$id.sessions"]);

const levelOf = (route: RouteInfo): Level => OPEN_TO[route.id] ?? "superuser";

/** Refused: a 4xx, or (a loader) any redirect, or (an action) a redirect to the login page. */
function verdict(response: Response, kind: "loader" | "action"): "refused" | "answered" | "error" {
  if (response.status >= 500) return "error";
  if (response.status >= 400) return "refused";
  const redirect = response.headers.get("x-remix-redirect") ?? (response.status >= 300 ? response.headers.get("location") : null);
  if (redirect !== null) return kind === "loader" || redirect.startsWith("/login") ? "refused" : "answered";
  return "answered";
}

describe.each(dialects)("route guards on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: Awaited<ReturnType<typeof attachFakeEve>>;
  let routes: RouteInfo[] = [];
  const clients = {} as Record<Level, { get: (url: string) => Promise<Response>; post: (url: string, pairs: [string, string][]) => Promise<Response> }>;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    // Opt-in apps on, so that their routes are swept like every other.
    rt.settings.APPS_ENABLED = allApps().map((a) => a.id).join(",");
    fake = await attachFakeEve(rt);
    server = await startTestServer(rt);
    const group = await makeGroup(rt.db);
    const state = (await rt.db.selectFrom("states").select("id").executeTakeFirstOrThrow()).id;
    routes = listRoutes({ groupId: String(group.id), id: String(state), resource: "users", permission: "auth.view_user", jobKey: "no-such-job", key: "no-such-key", token: "no-such-token", file: "en.0000000000.js", service: "discord", action: "activate", kind: "corporation", runId: "999999", year: "2026", month: "1" });
    const anonymous = new Browser(server.origin);
    const anonymousCsrf = await anonymous.csrfFrom("/login");
    const form = (browser: Browser, csrf: string) => (url: string, pairs: [string, string][]) =>
      fetch(server.origin + url, { method: "POST", headers: { cookie: browser.cookieHeader(), origin: server.origin, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams([["csrf", csrf], ...pairs]).toString(), redirect: "manual" });
    clients.anonymous = { get: (url) => anonymous.get(url), post: form(anonymous, anonymousCsrf) };
    for (const [level, flags] of [
      ["member", {}],
      ["staff", { is_staff: true }],
      ["superuser", { is_staff: true, is_superuser: true }],
    ] as const) {
      const session = await signedIn(rt, server.origin, await makeUser(rt.db, flags));
      clients[level] = { get: (url) => session.browser.get(url), post: session.post };
    }
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    await rt?.stop();
  });

  it.skipIf(skip)("finds the route modules, with a URL for each", () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.find((r) => r.id === "routes/admin.$resource._index")?.url).toBe("/admin/users");
    expect(routes.find((r) => r.id === "routes/_app")?.url).toMatch(/^\/\w/);
    // Every route listed as open still exists (a renamed route must not keep a stale entry).
    for (const id of Object.keys(OPEN_TO)) expect(routes.map((r) => r.id), id).toContain(id);
  });

  it.skipIf(skip)("no loader or action answers anyone below its level; none fails with a 5xx", async () => {
    const problems: string[] = [];
    let refusalsChecked = 0;
    for (const route of routes) {
      const needed = LEVELS.indexOf(levelOf(route));
      for (const level of LEVELS) {
        const below = LEVELS.indexOf(level) < needed;
        if (route.hasLoader) {
          const response = await clients[level].get(dataUrl(route));
          const v = verdict(response, "loader");
          if (below) refusalsChecked++;
          if (v === "error" || (below && v === "answered")) problems.push(`${level} GET ${route.id}: ${response.status}`);
        }
        // Actions that end sessions are only tried by those who must be refused (else the sweep logs itself out).
        if (route.hasAction && !(SESSION_ENDING.has(route.id) && !below)) {
          // Every intent the route knows, so each branch's guard is reached.
          for (const intent of route.intents.length ? route.intents : [""]) {
            const response = await clients[level].post(dataUrl(route), intent ? [["intent", intent]] : []);
            const v = verdict(response, "action");
            if (below) refusalsChecked++;
            if (v === "error" || (below && v === "answered")) problems.push(`${level} POST ${route.id} intent=${intent}: ${response.status} ${response.headers.get("x-remix-redirect") ?? ""}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(refusalsChecked).toBeGreaterThan(100);
  }, 600_000);

  it.skipIf(skip)("the verdicts mean what they say: a route without its guard would be caught", async () => {
    // The data request for a guarded child route runs that loader alone: here the guard answers.
    const dashboard = routes.find((r) => r.id === "routes/_app.dashboard")!;
    expect(verdict(await clients.anonymous.get(dataUrl(dashboard)), "loader")).toBe("refused");
    expect(verdict(await clients.member.get(dataUrl(dashboard)), "loader")).toBe("answered");
    const audit = routes.find((r) => r.id === "routes/_app.audit")!;
    expect(verdict(await clients.staff.get(dataUrl(audit)), "loader")).toBe("refused");
    expect(verdict(await clients.superuser.get(dataUrl(audit)), "loader")).toBe("answered");
  });
});
