import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSettings } from "~/config.server";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { addJobNow } from "~/modules/jobs/enqueue.server";
import { alertRecipientIds, notifyAdminsOfFailedJob, recordJobEvent } from "~/modules/notifications/job-alerts.server";
import {
  deleteAllRead,
  markAllRead,
  normaliseLevel,
  notificationsPage,
  notifyUser,
  notifyUsers,
  trimNotifications,
  unreadCount,
  viewNotification,
} from "~/modules/notifications/notify.server";
import { startWorker } from "../../jobs/worker";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const MAX = 3;

async function titlesOf(rt: TestRuntime, userId: number) {
  const rows = await rt.db.selectFrom("notifications").select("title").where("user_id", "=", userId).orderBy("created_at", "desc").orderBy("id", "desc").execute();
  return rows.map((r) => r.title);
}

async function notificationRow(rt: TestRuntime, id: number) {
  const row = await rt.db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? { ...row, viewed: Boolean(row.viewed) } : undefined;
}

async function idOf(rt: TestRuntime, userId: number, title: string) {
  const row = await rt.db.selectFrom("notifications").select("id").where("user_id", "=", userId).where("title", "=", title).executeTakeFirstOrThrow();
  return row.id;
}

/** A browser logged in as the user (session created directly, as the login tests cover login). */
async function loggedIn(rt: TestRuntime, origin: string, user: { id: number; username: string; is_active: boolean; is_staff: boolean; is_superuser: boolean; email: string | null }) {
  setSettings(rt.settings);
  const token = await createSession(rt.db, rt.settings, user as never, {});
  const browser = new Browser(origin);
  const value = (await sessionCookie(rt.settings).serialize(token)).split(";")[0]!.split("=").slice(1).join("=");
  browser.cookies.set("aa_session", value);
  return browser;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(dialects)("notifications on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect, { settings: { NOTIFICATIONS_MAX_PER_USER: String(MAX) } });
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("normalises levels, legacy names included; unknown levels become info", () => {
    expect(["info", "success", "warning", "danger"].map((l) => normaliseLevel(l))).toEqual(["info", "success", "warning", "danger"]);
    expect(normaliseLevel("CRITICAL")).toBe("danger");
    expect(normaliseLevel("ERROR")).toBe("danger");
    expect(normaliseLevel("WARN")).toBe("warning");
    expect(normaliseLevel("WARNING")).toBe("warning");
    expect(normaliseLevel("INFO")).toBe("info");
    expect(normaliseLevel("DEBUG")).toBe("success");
    expect(normaliseLevel("Danger")).toBe("danger");
    expect(normaliseLevel("bogus")).toBe("info");
    expect(normaliseLevel("")).toBe("info");
    expect(normaliseLevel(undefined)).toBe("info");
  });

  it.skipIf(skip)("stores the level, defaults the message to the title and cuts the title at 254", async () => {
    const user = await makeUser(rt.db);
    await notifyUser(rt.db, user.id, { title: "legacy", level: "ERROR" }, MAX);
    await notifyUser(rt.db, user.id, { title: "empty message", message: "", level: "nonsense" }, MAX);
    await notifyUser(rt.db, user.id, { title: "x".repeat(300), message: "body", level: "DEBUG" }, MAX);
    const rows = await rt.db.selectFrom("notifications").select(["title", "message", "level", "viewed"]).where("user_id", "=", user.id).orderBy("id").execute();
    expect(rows.map((r) => ({ ...r, viewed: Boolean(r.viewed) }))).toEqual([
      { title: "legacy", message: "legacy", level: "danger", viewed: false },
      { title: "empty message", message: "empty message", level: "info", viewed: false },
      { title: "x".repeat(254), message: "body", level: "success", viewed: false },
    ]);
  });

  it.skipIf(skip)("keeps only the newest NOTIFICATIONS_MAX_PER_USER per user", async () => {
    expect(rt.settings.NOTIFICATIONS_MAX_PER_USER).toBe(MAX);
    const user = await makeUser(rt.db);
    const other = await makeUser(rt.db);
    await notifyUser(rt.db, other.id, { title: "other's" }, rt.settings.NOTIFICATIONS_MAX_PER_USER);
    for (let i = 1; i <= 6; i++) await notifyUser(rt.db, user.id, { title: `n${i}` }, rt.settings.NOTIFICATIONS_MAX_PER_USER);
    expect(await titlesOf(rt, user.id)).toEqual(["n6", "n5", "n4"]);
    expect(await titlesOf(rt, other.id)).toEqual(["other's"]);
  });

  it.skipIf(skip)("trims many users in one statement, and notifies more users than one chunk holds", async () => {
    const users = await Promise.all([1, 2, 3].map(() => makeUser(rt.db)));
    const base = Date.now() - 60_000;
    await rt.db
      .insertInto("notifications")
      .values(users.flatMap((u) => [0, 1, 2, 3, 4].map((i) => ({ user_id: u.id, level: "info" as const, title: `t${i}`, message: "m", viewed: i % 2 === 0, created_at: new Date(base + i * 1000) }))))
      .execute();
    await trimNotifications(rt.db, users.map((u) => u.id), 2);
    for (const u of users) expect(await titlesOf(rt, u.id)).toEqual(["t4", "t3"]);

    // 1,100 users: more than one insert chunk of 1,000.
    const stamp = `bulk_${dialect}_${Date.now()}`;
    await rt.db
      .insertInto("users")
      .values(Array.from({ length: 1100 }, (_, i) => ({ username: `${stamp}_${i}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: new Date(), last_login: null })))
      .execute();
    const ids = (await rt.db.selectFrom("users").select("id").where("username", "like", `${stamp}_%`).execute()).map((r) => r.id);
    expect(ids).toHaveLength(1100);
    for (let i = 0; i < MAX + 1; i++) await notifyUsers(rt.db, ids, { title: `bulk ${i}`, level: "warning" }, MAX);
    const perUser = await rt.db
      .selectFrom("notifications")
      .select((eb) => ["user_id", eb.fn.countAll<number>().as("n"), eb.fn.min("title").as("oldest")])
      .where("user_id", "in", ids)
      .groupBy("user_id")
      .execute();
    expect(perUser).toHaveLength(1100);
    expect(perUser.every((row) => Number(row.n) === MAX && row.oldest === "bulk 1")).toBe(true);
  });

  it.skipIf(skip)("counts unread, lists by tab, views (marks read), marks all read and deletes all read", async () => {
    const user = await makeUser(rt.db);
    await notifyUser(rt.db, user.id, { title: "a" }, MAX);
    await notifyUser(rt.db, user.id, { title: "b" }, MAX);
    expect(await unreadCount(rt.db, user.id)).toBe(2);
    const a = await idOf(rt, user.id, "a");
    const stranger = await makeUser(rt.db);
    expect(await viewNotification(rt.db, stranger.id, a)).toBeUndefined();
    expect((await viewNotification(rt.db, user.id, a))?.viewed).toBe(true);
    const unread = await notificationsPage(rt.db, user.id, { viewed: false, limit: 10 });
    expect(unread.counts).toEqual({ unread: 1, read: 1 });
    expect(unread.rows.map((n) => n.title)).toEqual(["b"]);
    const read = await notificationsPage(rt.db, user.id, { viewed: true, limit: 10 });
    expect(read.counts).toEqual({ unread: 1, read: 1 });
    expect(read.rows.map((n) => n.title)).toEqual(["a"]);
    // A page past the end: no rows, the counts still there.
    expect(await notificationsPage(rt.db, user.id, { viewed: true, limit: 10, offset: 10 })).toEqual({ counts: { unread: 1, read: 1 }, rows: [] });
    expect(await markAllRead(rt.db, user.id)).toBe(1);
    expect(await unreadCount(rt.db, user.id)).toBe(0);
    expect(await deleteAllRead(rt.db, user.id)).toBe(2);
    expect((await notificationsPage(rt.db, user.id, { viewed: false, limit: 10 })).counts).toEqual({ unread: 0, read: 0 });
  });

  describe("over HTTP", () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      if (!skip) server = await startTestServer(rt);
    });
    afterAll(async () => server?.close());

    it.skipIf(skip)("needs a login: pages redirect, the count endpoint answers 401", async () => {
      const anonymous = new Browser(server.origin);
      const page = await anonymous.get("/notifications");
      expect(page.status).toBe(302);
      expect(page.headers.get("location")).toBe("/login?next=%2Fnotifications");
      const count = await anonymous.get("/notifications/count");
      expect(count.status).toBe(401);
      expect(count.headers.get("content-type")).toMatch(/application\/json/);
      expect(await count.json()).not.toHaveProperty("unread_count");
    });

    it.skipIf(skip)("lists unread and read tabs, renders the count on every page, and the count endpoint is the user's own", async () => {
      const owner = await makeUser(rt.db);
      const other = await makeUser(rt.db);
      await notifyUser(rt.db, owner.id, { title: "first <unread>", message: "line one\nline two" }, MAX);
      await notifyUser(rt.db, owner.id, { title: "second unread", level: "danger" }, MAX);
      await notifyUser(rt.db, owner.id, { title: "already read" }, MAX);
      await rt.db.updateTable("notifications").set({ viewed: true }).where("user_id", "=", owner.id).where("title", "=", "already read").execute();
      await notifyUser(rt.db, other.id, { title: "other x" }, MAX);
      const browser = await loggedIn(rt, server.origin, owner);

      const unread = await browser.get("/notifications");
      expect(unread.status).toBe(200);
      const html = await unread.text();
      expect(html).toContain("first &lt;unread&gt;");
      expect(html).toContain("second unread");
      expect(html).not.toContain("already read");
      expect(html).not.toContain("other x");
      expect(html).toMatch(/data-testid="tab-unread"[^>]*>Unread \(2\)</);
      expect(html).toMatch(/data-testid="tab-read"[^>]*>Read \(1\)</);
      expect(html).toMatch(/data-testid="notification-bell"[^>]*data-count="2"/);

      const read = await (await browser.get("/notifications?tab=read")).text();
      expect(read).toContain("already read");
      expect(read).not.toContain("second unread");

      // Rendered server-side on any page (no JavaScript needed).
      expect(await (await browser.get("/dashboard")).text()).toMatch(/data-testid="notification-bell"[^>]*data-count="2"/);

      const count = await browser.get("/notifications/count");
      expect(count.status).toBe(200);
      expect(count.headers.get("cache-control")).toBe("no-store");
      expect(await count.json()).toEqual({ unread_count: 2 });
      // There is no way to ask for someone else's count.
      expect(await (await browser.get(`/notifications/count?user=${other.id}&pk=${other.id}`)).json()).toEqual({ unread_count: 2 });
      expect((await browser.get(`/user_notifications_count/${other.id}/`)).status).toBe(404);
      const otherBrowser = await loggedIn(rt, server.origin, other);
      expect(await (await otherBrowser.get("/notifications/count")).json()).toEqual({ unread_count: 1 });

      const empty = await loggedIn(rt, server.origin, await makeUser(rt.db));
      const emptyHtml = await (await empty.get("/notifications")).text();
      expect(emptyHtml).toContain("You have no unread notifications.");
      expect(emptyHtml).toMatch(/data-testid="notification-bell"[^>]*data-count="0"/);
      expect(await (await empty.get("/notifications?tab=read")).text()).toContain("You have no read notifications.");
    });

    it.skipIf(skip)("viewing marks read; someone else's notification is 404 and stays as it was", async () => {
      const owner = await makeUser(rt.db);
      const intruder = await makeUser(rt.db);
      await notifyUser(rt.db, owner.id, { title: "private", message: "for the owner only", level: "WARN" }, MAX);
      const id = await idOf(rt, owner.id, "private");

      const intruderBrowser = await loggedIn(rt, server.origin, intruder);
      const peek = await intruderBrowser.get(`/notifications/${id}`);
      expect(peek.status).toBe(404);
      expect(await peek.text()).not.toContain("for the owner only");
      const csrf = await intruderBrowser.csrfFrom("/notifications");
      expect((await intruderBrowser.post(`/notifications/${id}`, { csrf, intent: "delete" })).status).toBe(404);
      expect((await intruderBrowser.post("/notifications", { csrf, intent: `delete:${id}` })).status).toBe(404);
      expect((await intruderBrowser.post("/notifications", { csrf, intent: `read:${id}` })).status).toBe(404);
      expect(await notificationRow(rt, id)).toMatchObject({ viewed: false, user_id: owner.id });

      const ownerBrowser = await loggedIn(rt, server.origin, owner);
      expect((await ownerBrowser.get("/notifications/not-a-number")).status).toBe(404);
      expect((await ownerBrowser.get("/notifications/99999999")).status).toBe(404);
      const view = await ownerBrowser.get(`/notifications/${id}`);
      expect(view.status).toBe(200);
      const html = await view.text();
      expect(html).toContain("for the owner only");
      expect(html).toContain('data-level="warning"');
      // The bell on this very page already counts it as read.
      expect(html).toMatch(/data-testid="notification-bell"[^>]*data-count="0"/);
      expect(await notificationRow(rt, id)).toMatchObject({ viewed: true });
    });

    it.skipIf(skip)("POSTs need the CSRF token (403 without), then delete, mark read, mark all read, delete all read", async () => {
      const user = await makeUser(rt.db);
      for (const t of ["one", "two", "three"]) await notifyUser(rt.db, user.id, { title: t }, MAX);
      const browser = await loggedIn(rt, server.origin, user);
      const one = await idOf(rt, user.id, "one");
      const two = await idOf(rt, user.id, "two");

      for (const [path, fields] of [
        ["/notifications", { intent: "mark_all_read" }],
        ["/notifications", { intent: "delete_all_read" }],
        ["/notifications", { intent: `delete:${one}` }],
        [`/notifications/${one}`, { intent: "delete" }],
      ] as const) {
        expect((await browser.post(path, fields)).status).toBe(403);
        expect((await browser.post(path, { ...fields, csrf: "forged-token-that-is-long-enough-1234567890" })).status).toBe(403);
      }
      expect(await unreadCount(rt.db, user.id)).toBe(3);

      const csrf = await browser.csrfFrom("/notifications");
      // Row buttons are "intent:id"; anything else is a bad request and changes nothing.
      for (const intent of ["explode", "read", `explode:${two}`, "read:", `read:0${two}`, `read:${two}:${one}`, `read:${two} `]) {
        expect((await browser.post("/notifications", { csrf, intent })).status).toBe(400);
      }
      expect(await unreadCount(rt.db, user.id)).toBe(3);

      // The row's own button, pressed as a browser without JavaScript does (Remix sends the same fields).
      const markOne = await browser.press("/notifications", `data-testid="notification-${two}"`, "notification-mark-read");
      expect(markOne.status).toBe(302);
      expect(markOne.headers.get("location")).toBe("/notifications");
      expect(await notificationRow(rt, two)).toMatchObject({ viewed: true });

      const del = await browser.post(`/notifications/${one}`, { csrf, intent: "delete" });
      expect(del.status).toBe(302);
      expect(del.headers.get("location")).toBe("/notifications");
      expect(await notificationRow(rt, one)).toBeUndefined();
      expect(await (await browser.get("/notifications")).text()).toContain("Notification deleted.");

      const all = await browser.post("/notifications", { csrf, intent: "mark_all_read", tab: "read" });
      expect(all.status).toBe(302);
      expect(all.headers.get("location")).toBe("/notifications?tab=read");
      expect(await unreadCount(rt.db, user.id)).toBe(0);
      expect(await (await browser.get("/notifications?tab=read")).text()).toContain("Notifications marked as read: 1.");

      await notifyUser(rt.db, user.id, { title: "fresh" }, MAX);
      const purge = await browser.post("/notifications", { csrf, intent: "delete_all_read" });
      expect(purge.status).toBe(302);
      expect(await titlesOf(rt, user.id)).toEqual(["fresh"]);
      expect(await (await browser.get("/notifications")).text()).toContain("Read notifications deleted: 2.");

      const fresh = await idOf(rt, user.id, "fresh");
      const deleteRow = await browser.press("/notifications", `data-testid="notification-${fresh}"`, "notification-delete");
      expect(deleteRow.status).toBe(302);
      expect(await titlesOf(rt, user.id)).toEqual([]);
    });
  });

  it.skipIf(skip)("a job that fails for good notifies superusers and logging_notifications holders; outcomes land in job_events", async () => {
    const boss = await makeUser(rt.db, { is_superuser: true });
    const direct = await makeUser(rt.db);
    const viaGroup = await makeUser(rt.db);
    const member = await makeUser(rt.db);
    const retiredBoss = await makeUser(rt.db, { is_superuser: true, is_active: false });
    const permission = await permissionId(rt.db, "auth.logging_notifications");
    await rt.db.insertInto("user_permissions").values({ user_id: direct.id, permission_id: permission }).execute();
    const group = await makeGroup(rt.db);
    await rt.db.insertInto("group_permissions").values({ group_id: group.id, permission_id: permission }).execute();
    await rt.db.insertInto("user_groups").values({ user_id: viaGroup.id, group_id: group.id }).execute();
    await rt.db.insertInto("user_groups").values({ user_id: member.id, group_id: (await makeGroup(rt.db)).id }).execute();

    const recipients = await alertRecipientIds(rt.db);
    expect(recipients).toEqual(expect.arrayContaining([boss.id, direct.id, viaGroup.id]));
    expect(recipients).not.toContain(member.id);
    expect(recipients).not.toContain(retiredBoss.id);

    let flakyRuns = 0;
    const worker = await startWorker(rt, {
      extraTasks: {
        "tests.always_fails": async () => {
          throw new Error("the disk is full");
        },
        "tests.flaky": async () => {
          if (++flakyRuns === 1) throw new Error("try again");
        },
      },
    });
    try {
      await addJobNow(rt.queuePool, "tests.always_fails", {}, { maxAttempts: 1 });
      await addJobNow(rt.queuePool, "tests.flaky", {}, { maxAttempts: 2 });
      const alertsFor = (userId: number) =>
        rt.db.selectFrom("notifications").select(["title", "message", "level"]).where("user_id", "=", userId).where("title", "like", "%tests.always_fails%").execute();
      await waitFor("the failed-job notifications", async () => (await alertsFor(viaGroup.id)).length > 0);
      for (const user of [boss, direct, viaGroup]) {
        const alerts = await alertsFor(user.id);
        expect(alerts).toHaveLength(1);
        expect(alerts[0]).toMatchObject({ title: "Job failed: tests.always_fails", level: "danger" });
        expect(alerts[0]!.message).toContain("the disk is full");
      }
      for (const user of [member, retiredBoss]) expect(await alertsFor(user.id)).toHaveLength(0);

      const events = async (task: string) =>
        (await rt.db.selectFrom("job_events").select("outcome").where("task", "=", task).orderBy("id").execute()).map((e) => e.outcome);
      expect(await events("tests.always_fails")).toEqual(["failed"]);
      // The flaky job is retried after graphile-worker's back-off (about 3 s), then succeeds.
      await waitFor("the flaky job's success", async () => (await events("tests.flaky")).includes("succeeded"));
      expect(await events("tests.flaky")).toEqual(["retried", "succeeded"]);
      // A retry is not a failure: nobody hears about it.
      expect(await rt.db.selectFrom("notifications").select("id").where("title", "like", "%tests.flaky%").execute()).toHaveLength(0);
    } finally {
      await worker.stop();
    }
  });

  it.skipIf(skip)("notifyAdminsOfFailedJob respects the cap and writes in the site language; recordJobEvent prunes old events", async () => {
    const boss = await makeUser(rt.db, { is_superuser: true });
    for (let i = 0; i < MAX + 2; i++) await notifyAdminsOfFailedJob(rt.db, rt.settings, { id: i, task_identifier: "tests.capped", attempts: 1, max_attempts: 1, last_error: `error ${i}` });
    expect(await titlesOf(rt, boss.id)).toHaveLength(MAX);
    await notifyAdminsOfFailedJob(rt.db, { ...rt.settings, LANGUAGE_CODE: "de" }, { id: 7, task_identifier: "tests.german", attempts: 3, max_attempts: 3 }, new Error("kaputt"));
    const [latest] = (await notificationsPage(rt.db, boss.id, { viewed: false, limit: 1 })).rows;
    expect(latest).toMatchObject({ title: "Job fehlgeschlagen: tests.german", level: "danger" });
    expect(latest!.message).toContain("kaputt");

    const old = new Date(Date.now() - 40 * 86_400_000);
    await rt.db.insertInto("job_events").values({ task: "tests.ancient", outcome: "succeeded", created_at: old }).execute();
    // The first event recorded after an hour (here: from a fresh clock far in the future) prunes.
    await recordJobEvent(rt.db, "tests.recent", "succeeded", new Date(Date.now() + 2 * 3_600_000));
    expect(await rt.db.selectFrom("job_events").select("id").where("task", "=", "tests.ancient").execute()).toHaveLength(0);
    expect(await rt.db.selectFrom("job_events").select("id").where("task", "=", "tests.recent").execute()).toHaveLength(1);
  });
});
