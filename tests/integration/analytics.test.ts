/**
 * Analytics (issue 16): off by default (nothing counted, nothing sent); on, page views are counted per
 * route pattern, and the daily report carries counts only (no username, character, address or URL with
 * ids) to Plausible, Umami or GA4 (the fake speaks all three); failures are retried, a day is sent once;
 * the admin page shows exactly what goes where, to superusers only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseSettings } from "~/config.server";
import { AnalyticsSendError, flushPageViews, sendDailyReport } from "~/modules/analytics/analytics.server";
import { startFakeAnalytics, type FakeAnalytics } from "../fakes/analytics/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { signedIn } from "../support/sessions";

const TOMORROW = () => new Date(Date.now() + 86_400_000);

describe("analytics settings", () => {
  const base = { NODE_ENV: "test", SECRET_KEY: "test-secret-key-that-is-long-enough-0123456789", DATA_DIR: "/tmp/aa-test-data" };
  it("are off by default, and refuse a provider without what it needs", () => {
    expect(parseSettings(base).ANALYTICS_PROVIDER).toBe("off");
    expect(() => parseSettings({ ...base, ANALYTICS_PROVIDER: "plausible", ANALYTICS_SITE: "auth.example.org" })).toThrow(ConfigError);
    expect(() => parseSettings({ ...base, ANALYTICS_PROVIDER: "ga4", ANALYTICS_SITE: "G-TEST" })).toThrow(/ANALYTICS_SECRET/);
    expect(() => parseSettings({ ...base, ANALYTICS_PROVIDER: "matomo" })).toThrow(/ANALYTICS_PROVIDER/);
  });
});

describe.each(dialects)("analytics on $dialect", ({ dialect, skip }) => {
  let fake: FakeAnalytics;
  beforeAll(async () => {
    if (!skip) fake = await startFakeAnalytics({ ga4Secret: "ga4-secret" });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it.skipIf(skip)("off (the default): pages are not counted, the daily task sends nothing, the admin page says so", async () => {
    const rt = await createTestRuntime(dialect);
    const server = await startTestServer(rt);
    try {
      const admin = await makeUser(rt.db, { is_staff: true, is_superuser: true });
      const { browser } = await signedIn(rt, server.origin, admin);
      // The process's counter may hold views of an earlier test's site: out of the way first.
      await flushPageViews(rt.db);
      await rt.db.deleteFrom("analytics_page_views").execute();
      await browser.get("/dashboard");
      await flushPageViews(rt.db);
      expect(await rt.db.selectFrom("analytics_page_views").selectAll().execute()).toEqual([]);
      expect(await sendDailyReport(rt.db, rt.settings, ["example"], TOMORROW())).toEqual({ sent: 0, reason: "off" });
      expect(fake.log).toHaveLength(0);
      const page = await (await browser.get("/admin/analytics")).text();
      expect(page).toContain("Off: this site sends no usage statistics anywhere.");
      expect(page).not.toContain('data-testid="analytics-preview"');
    } finally {
      await server.close();
      await rt.stop();
    }
  });

  it.skipIf(skip)("on (Plausible): page views counted by pattern; the report has counts only; a day is sent once; a failure is an error and sends again later", async () => {
    const rt = await createTestRuntime(dialect, { settings: { ANALYTICS_PROVIDER: "plausible", ANALYTICS_URL: fake.url, ANALYTICS_SITE: "auth.example.org" } });
    const server = await startTestServer(rt);
    try {
      const member = await makeUser(rt.db, { username: "secret_pilot", email: "pilot@example.org" });
      const group = await makeGroup(rt.db, "Hidden Cabal");
      const { browser } = await signedIn(rt, server.origin, member);
      await browser.get("/dashboard");
      await browser.get("/dashboard");
      expect((await browser.get(`/admin/groups/${group.id}`)).status).toBe(403);
      await rt.db.insertInto("notifications").values({ user_id: member.id, level: "info", title: "Welcome secret_pilot", message: "hello", viewed: false, created_at: new Date() }).execute();
      const note = await rt.db.selectFrom("notifications").select("id").where("user_id", "=", member.id).executeTakeFirstOrThrow();
      expect((await browser.get(`/notifications/${note.id}`)).status).toBe(200);
      expect((await browser.get("/groups")).status).toBe(200);
      expect(await flushPageViews(rt.db)).toBeGreaterThanOrEqual(3);
      const rows = await rt.db.selectFrom("analytics_page_views").select(["route", "views"]).orderBy("route").execute();
      expect(rows.find((r) => r.route === "/dashboard")?.views).toBeGreaterThanOrEqual(2);
      // Patterns, never the URL with its ids; refused pages are not counted.
      expect(rows.map((r) => r.route).some((r) => r.startsWith("/admin"))).toBe(false);
      expect(rows.map((r) => r.route)).toContain("/notifications/:id");
      expect(rows.map((r) => r.route)).not.toContain(`/notifications/${note.id}`);
      // A second flush adds to the same rows (upsert), not new ones.
      await browser.get("/dashboard");
      await flushPageViews(rt.db);
      const again = await rt.db.selectFrom("analytics_page_views").select(["route", "views"]).where("route", "=", "/dashboard").execute();
      expect(again).toHaveLength(1);
      expect(again[0].views).toBe(rows.find((r) => r.route === "/dashboard")!.views + 1);
      await rt.db.insertInto("job_events").values([
        { task: "eveonline.run_model_update", outcome: "succeeded", created_at: new Date() },
        { task: "eveonline.run_model_update", outcome: "failed", created_at: new Date() },
      ]).execute();

      // Plausible is down: the task fails (the worker retries) and nothing counts as sent.
      fake.failNext(503);
      await expect(sendDailyReport(rt.db, rt.settings, ["example", "srp"], TOMORROW())).rejects.toThrow(AnalyticsSendError);
      fake.events.length = 0;
      const result = await sendDailyReport(rt.db, rt.settings, ["example", "srp"], TOMORROW());
      expect(result).toMatchObject({ sent: fake.events.length });
      const names = fake.events.map((e) => e.name);
      expect(names).toContain("daily_stats");
      expect(fake.events.filter((e) => e.name === "installed_app").map((e) => e.props.app)).toEqual(["example", "srp"]);
      expect(fake.events.find((e) => e.name === "daily_stats")!.props).toMatchObject({ users: 1, apps: 2 });
      expect(fake.events.find((e) => e.name === "page_views" && e.props.route === "/dashboard")!.props.views).toBe(again[0].views);
      expect(fake.events.filter((e) => e.name === "task_runs").map((e) => `${e.props.task}:${e.props.outcome}:${e.props.runs}`)).toEqual(["eveonline.run_model_update:failed:1", "eveonline.run_model_update:succeeded:1"]);
      expect(new Set(fake.events.map((e) => e.site))).toEqual(new Set(["auth.example.org"]));
      // Nothing personal in anything that left.
      const sent = fake.log.map((r) => r.body ?? "").join("\n");
      for (const secret of ["secret_pilot", "pilot@example.org", "Hidden Cabal", `/groups/${group.id}`, "127.0.0.1"]) expect(sent).not.toContain(secret);
      // Once a day.
      const before = fake.log.length;
      expect(await sendDailyReport(rt.db, rt.settings, ["example", "srp"], TOMORROW())).toEqual({ sent: 0, reason: "already sent today" });
      expect(fake.log).toHaveLength(before);
    } finally {
      await server.close();
      await rt.stop();
    }
  });

  it.skipIf(skip)("GA4 batches 25 events a request with the secret in the query; Umami sends its event shape; the admin page previews them with the secret hidden", async () => {
    const ga = await createTestRuntime(dialect, { settings: { ANALYTICS_PROVIDER: "ga4", ANALYTICS_URL: fake.url, ANALYTICS_SITE: "G-TEST123", ANALYTICS_SECRET: "ga4-secret" } });
    const server = await startTestServer(ga);
    try {
      const apps = Array.from({ length: 30 }, (_, i) => `app_${i}`);
      fake.events.length = 0;
      const before = fake.log.length;
      await sendDailyReport(ga.db, ga.settings, apps, TOMORROW());
      expect(fake.log.length - before).toBe(2); // 31 events: 25 + 6
      expect(fake.events.every((e) => e.provider === "ga4" && e.secretOk && e.site === "G-TEST123")).toBe(true);
      expect(fake.events).toHaveLength(31);
      const admin = await makeUser(ga.db, { is_staff: true, is_superuser: true });
      const page = await (await (await signedIn(ga, server.origin, admin)).browser.get("/admin/analytics")).text();
      expect(page).toContain("On: a daily report goes to ga4");
      expect(page).toContain("api_secret=…");
      expect(page).not.toContain("ga4-secret");
      expect(page).toMatch(/installed_app/);
      // Staff who are not superusers do not see it.
      const staff = await makeUser(ga.db, { is_staff: true });
      expect((await (await signedIn(ga, server.origin, staff)).browser.get("/admin/analytics")).status).toBe(403);
    } finally {
      await server.close();
      await ga.stop();
    }
    const umami = await createTestRuntime(dialect, { settings: { ANALYTICS_PROVIDER: "umami", ANALYTICS_URL: fake.url, ANALYTICS_SITE: "0f2e9c3a-website" } });
    try {
      fake.events.length = 0;
      await sendDailyReport(umami.db, umami.settings, ["srp"], TOMORROW());
      expect(fake.events.map((e) => `${e.provider}:${e.site}:${e.name}`)).toEqual(["umami:0f2e9c3a-website:daily_stats", "umami:0f2e9c3a-website:installed_app"]);
    } finally {
      await umami.stop();
    }
  });
});
