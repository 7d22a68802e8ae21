/** Issue 8, web side: edge input checks, CSRF binding, proxies, metrics, rate limits, sessions, outbox. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { sha256 } from "~/modules/auth/crypto.server";
import { createSession } from "~/modules/auth/sessions.server";
import { createSuperuser } from "~/modules/auth/users.server";
import { sendEmail } from "~/modules/mail/mailer.server";
import { sessionCookie } from "~/web/cookies.server";
import { dialects, createTestRuntime, type TestRuntime } from "../support/db";
import { makeUser, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const PASSWORD = "a long enough password";

describe.each(dialects)("web hardening on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let limited: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect, { settings: { METRICS_TOKEN: "m-token", RATE_LIMIT_LOGIN_PER_MINUTE: "1000", RATE_LIMIT_SSO_PER_MINUTE: "1000" } });
    await createSuperuser(rt.db, { username: "boss", password: PASSWORD, email: "boss@example.com" }, systemActor("test"));
    server = await startTestServer(rt);
    // A second front end on the same database: behind a trusted local proxy, with tight limits.
    limited = await startTestServer({ ...rt, settings: { ...rt.settings, TRUSTED_PROXIES: "loopback", RATE_LIMIT_LOGIN_PER_MINUTE: 3, RATE_LIMIT_SSO_PER_MINUTE: 2, RATE_LIMIT_REGISTRATION_PER_HOUR: 2 } });
  });
  afterAll(async () => {
    await server?.close();
    await limited?.close();
    await rt?.stop();
  });

  /** A browser holding a session for `user` (created directly), and its CSRF token. */
  async function loggedIn(user: { id: number; is_staff: boolean; is_superuser: boolean }, origin = server.origin) {
    const token = await createSession(rt.db, rt.settings, user, {});
    const browser = new Browser(origin);
    browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
    return { browser, token, csrf: await browser.csrfFrom("/dashboard") };
  }

  it.skipIf(skip)("a NUL byte anywhere is a 400 before any route runs, logged in or not", async () => {
    const browser = new Browser(server.origin);
    const csrf = await browser.csrfFrom("/login");
    const login = await browser.post("/login", { csrf, username: "bo\u0000ss", password: "whatever it is" });
    expect(login.status).toBe(400);
    expect(await login.text()).toContain("NUL");
    expect((await listAudit(rt.db, { action: "login.failure" })).length).toBe(0);
    expect((await browser.get("/login?next=%00")).status).toBe(400);
    expect((await browser.get("/admin/jobs/a%00b")).status).toBe(400);
    const su = await rt.db.selectFrom("users").selectAll().where("username", "=", "boss").executeTakeFirstOrThrow();
    const admin = await loggedIn(su);
    expect((await admin.browser.get("/admin/users?q=%00")).status).toBe(400);
    expect((await admin.browser.get("/admin/jobs/%00")).status).toBe(400);
    expect((await admin.browser.post("/group/management", { csrf: admin.csrf, intent: "create", name: "evil\u0000group" })).status).toBe(400);
    expect((await admin.browser.get("/groups/%E0%A4%A")).status).toBe(400);
  });

  it.skipIf(skip)("a non-form body with a valid CSRF header is a 400 on every action, and changes nothing", async () => {
    const su = await rt.db.selectFrom("users").selectAll().where("username", "=", "boss").executeTakeFirstOrThrow();
    const { browser, csrf } = await loggedIn(su);
    const before = await rt.db.selectFrom("audit_log").select("id").execute();
    for (const [type, body] of [
      ["application/json", JSON.stringify({ name: "x" })],
      ["text/plain", "name=x"],
      ["multipart/form-data; boundary=zzz", "--zzz\r\nnot a part"],
    ]) {
      for (const path of ["/login", "/logout", "/group/management", "/settings/theme", "/admin/users/new"]) {
        const response = await fetch(server.origin + path, { method: "POST", headers: { cookie: browser.cookieHeader(), origin: server.origin, "content-type": type, "x-csrf-token": csrf }, body, redirect: "manual" });
        expect(response.status, `${type} ${path}`).toBe(400);
      }
    }
    expect((await rt.db.selectFrom("audit_log").select("id").execute()).length).toBe(before.length);
  });

  it.skipIf(skip)("a POST with neither Origin nor Referer fails even with the right token; the token changes at login", async () => {
    const browser = new Browser(server.origin);
    const csrf = await browser.csrfFrom("/login");
    const noOrigin = await fetch(server.origin + "/login", {
      method: "POST",
      headers: { cookie: browser.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, username: "boss", password: PASSWORD }).toString(),
      redirect: "manual",
    });
    expect(noOrigin.status).toBe(403);
    const refererOnly = await fetch(server.origin + "/login", {
      method: "POST",
      headers: { cookie: browser.cookieHeader(), referer: `${server.origin}/login`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, username: "boss", password: PASSWORD }).toString(),
      redirect: "manual",
    });
    expect(refererOnly.status).toBe(302);
    for (const cookie of refererOnly.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair.indexOf("=");
      browser.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    expect((await browser.post("/login", { csrf, username: "boss", password: PASSWORD }, { origin: "" })).status).toBe(403);
    const after = await browser.csrfFrom("/dashboard");
    expect(after).not.toBe(csrf);
    // The token of one session is worthless with another session's cookie.
    const other = await loggedIn(await rt.db.selectFrom("users").selectAll().where("username", "=", "boss").executeTakeFirstOrThrow());
    expect((await other.browser.post("/logout", { csrf: after })).status).toBe(403);
  });

  it.skipIf(skip)("X-Forwarded-For is ignored unless the peer is a trusted proxy", async () => {
    const browser = new Browser(server.origin);
    const csrf = await browser.csrfFrom("/login");
    await browser.post("/login", { csrf, username: "spoof_probe", password: "wrong password" }, { "x-forwarded-for": "203.0.113.9" });
    const [row] = (await listAudit(rt.db, { action: "login.failure" })).filter((r) => JSON.stringify(r.after).includes("spoof_probe"));
    expect(row.ip).toBe("127.0.0.1");
    const behindProxy = new Browser(limited.origin);
    const csrf2 = await behindProxy.csrfFrom("/login");
    await behindProxy.post("/login", { csrf: csrf2, username: "proxied_probe", password: "wrong password" }, { "x-forwarded-for": "203.0.113.10" });
    const [proxied] = (await listAudit(rt.db, { action: "login.failure" })).filter((r) => JSON.stringify(r.after).includes("proxied_probe"));
    expect(proxied.ip).toBe("203.0.113.10");
  });

  it.skipIf(skip)("/metrics needs the token; /healthz shows no details without it", async () => {
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.origin}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${server.origin}/metrics`, { headers: { authorization: "Bearer m-token" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("http_requests_total");
    const noToken = await startTestServer({ ...rt, settings: { ...rt.settings, METRICS_TOKEN: "" } });
    try {
      expect((await fetch(`${noToken.origin}/metrics`)).status).toBe(404);
    } finally {
      await noToken.close();
    }
    const health = await (await fetch(`${server.origin}/healthz`)).json();
    expect(JSON.stringify(health)).not.toMatch(/dialect|error|lastSeen/);
  });

  it.skipIf(skip)("limits login and SSO starts per address with 429 and Retry-After; page views stay unlimited", async () => {
    const browser = new Browser(limited.origin);
    const csrf = await browser.csrfFrom("/login");
    const ip = { "x-forwarded-for": "198.51.100.7" };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await browser.post("/login", { csrf, username: "boss", password: "wrong password" }, ip)).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    const refused = await browser.post("/login", { csrf, username: "boss", password: PASSWORD }, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('data-testid="error-429"');
    // Another address is not affected; pages stay reachable.
    expect((await browser.post("/login", { csrf, username: "boss", password: "wrong password" }, { "x-forwarded-for": "198.51.100.8" })).status).toBe(400);
    for (let i = 0; i < 5; i++) expect((await browser.get("/login", ip)).status).toBe(200);
    const sso = [];
    for (let i = 0; i < 3; i++) sso.push((await browser.post("/sso/login", { csrf, next: "/dashboard" }, { "x-forwarded-for": "198.51.100.9" })).status);
    expect(sso.slice(0, 2).every((s) => s !== 429)).toBe(true);
    expect(sso[2]).toBe(429);
  });

  it.skipIf(skip)("the unread-count poll does not keep a session alive; a page view does", async () => {
    const member = await makeUser(rt.db);
    const { browser, token } = await loggedIn(member);
    const seen = new Date(Date.now() - 10 * 60_000);
    await rt.db.updateTable("sessions").set({ last_seen_at: seen, idle_expires_at: new Date(Date.now() + 60 * 60_000) }).where("id", "=", sha256(token)).execute();
    const poll = await browser.get("/notifications/count");
    expect(poll.status).toBe(200);
    const afterPoll = await rt.db.selectFrom("sessions").selectAll().where("id", "=", sha256(token)).executeTakeFirstOrThrow();
    expect(afterPoll.last_seen_at.getTime()).toBe(seen.getTime());
    expect((await browser.get("/dashboard")).status).toBe(200);
    const afterPage = await rt.db.selectFrom("sessions").selectAll().where("id", "=", sha256(token)).executeTakeFirstOrThrow();
    expect(afterPage.last_seen_at.getTime()).toBeGreaterThan(seen.getTime());
  });

  it.skipIf(skip)("log out everywhere ends every session of the user, audited", async () => {
    const member = await makeUser(rt.db);
    const a = await loggedIn(member);
    const b = await loggedIn(member);
    const response = await a.browser.post("/logout-everywhere", { csrf: a.csrf });
    expect(response.status).toBe(302);
    expect(await rt.db.selectFrom("sessions").select("id").where("user_id", "=", member.id).execute()).toHaveLength(0);
    expect((await b.browser.get("/dashboard")).status).toBe(302);
    const [row] = await listAudit(rt.db, { action: "sessions.logout_everywhere", targetId: String(member.id) });
    expect(row.after).toEqual({ ended: 2 });
  });

  it.skipIf(skip)("admins with auth.change_user end a user's sessions; staff never a superuser's", async () => {
    const member = await makeUser(rt.db);
    const victim = await loggedIn(member);
    const staff = await makeUser(rt.db, { is_staff: true });
    const staffBrowser = await loggedIn(staff);
    // Staff without the permission: 403, nothing ends.
    expect((await staffBrowser.browser.post(`/admin/users/${member.id}/sessions`, { csrf: staffBrowser.csrf })).status).toBe(403);
    expect((await victim.browser.get("/dashboard")).status).toBe(200);
    await rt.db.insertInto("user_permissions").values({ user_id: staff.id, permission_id: await permissionId(rt.db, "auth.change_user") }).execute();
    const page = await staffBrowser.browser.get(`/admin/users/${member.id}/sessions`);
    expect(page.status).toBe(200);
    const done = await staffBrowser.browser.post(`/admin/users/${member.id}/sessions`, { csrf: staffBrowser.csrf });
    expect(done.status).toBe(302);
    expect((await victim.browser.get("/dashboard")).status).toBe(302);
    const [row] = await listAudit(rt.db, { action: "sessions.ended_by_admin", targetId: String(member.id) });
    expect(row.actor).toBe(staff.username);
    const su = await makeUser(rt.db, { is_superuser: true, is_staff: true });
    const suSession = await loggedIn(su);
    expect((await staffBrowser.browser.post(`/admin/users/${su.id}/sessions`, { csrf: staffBrowser.csrf })).status).toBe(403);
    expect((await suSession.browser.get("/dashboard")).status).toBe(200);
  });

  it.skipIf(skip)("the outbox shows each visitor only their own mail, and everything to superusers", async () => {
    const alice = await makeUser(rt.db, { email: "alice@example.com" });
    await sendEmail(rt.db, rt.settings, { to: "alice@example.com", subject: "for alice", text: "secret link A", html: "", userId: alice.id });
    await sendEmail(rt.db, rt.settings, { to: "bob@example.com", subject: "for bob", text: "secret link B", html: "", userId: null });
    const anonymous = await (await new Browser(server.origin).get("/account/outbox")).text();
    expect(anonymous).not.toContain("secret link");
    const mine = await (await (await loggedIn(alice)).browser.get("/account/outbox")).text();
    expect(mine).toContain("secret link A");
    expect(mine).not.toContain("secret link B");
    const boss = await rt.db.selectFrom("users").selectAll().where("username", "=", "boss").executeTakeFirstOrThrow();
    const all = await (await (await loggedIn(boss)).browser.get("/account/outbox")).text();
    expect(all).toContain("secret link A");
    expect(all).toContain("secret link B");
  });
});
