import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { createSuperuser } from "~/modules/auth/users.server";
import { setSettings } from "~/config.server";
import { dialects, createTestRuntime, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const PASSWORD = "a long enough password";
const METRICS_TOKEN = "metrics-token-for-tests";

describe.each(dialects)("HTTP layer on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect, { settings: { METRICS_TOKEN } });
    await createSuperuser(rt.db, { username: "boss", password: PASSWORD }, systemActor("test"));
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });
  const loginRows = async () => (await rt.db.selectFrom("login_failures").selectAll().execute()).length + (await listAudit(rt.db, { action: "login.failure" })).length;

  it.skipIf(skip)("/healthz reports each part and answers 503 while no worker runs", async () => {
    const response = await fetch(`${server.origin}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: { ok: true }, queue: { ok: true }, worker: { ok: false, workers: 0 } });
    const detailed = await fetch(`${server.origin}/healthz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(await detailed.json()).toMatchObject({ status: "unavailable", database: { ok: true, dialect }, queue: { ok: true }, worker: { ok: false, lastSeen: null } });
  });

  it.skipIf(skip)("an unknown URL gets the 404 page, for GET and POST", async () => {
    const browser = new Browser(server.origin);
    const response = await browser.get("/no/such/page");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('data-testid="error-404"');
    const token = await browser.csrfFrom("/login");
    expect((await browser.post("/no/such/page", { csrf: token })).status).toBe(404);
  });

  it.skipIf(skip)("a POST without a valid CSRF token is refused with 403 and changes nothing", async () => {
    const browser = new Browser(server.origin);
    const token = await browser.csrfFrom("/login");
    const before = await loginRows();
    const missing = await browser.post("/login", { username: "boss", password: "wrong password here" });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('data-testid="error-403"');
    const forged = await browser.post("/login", { username: "boss", password: "wrong password here", csrf: token + "x" });
    expect(forged.status).toBe(403);
    const crossSite = await browser.post("/login", { username: "boss", password: PASSWORD, csrf: token }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.getSetCookie().some((c) => c.startsWith("aa_session="))).toBe(false);
    const otherBrowser = new Browser(server.origin);
    await otherBrowser.csrfFrom("/login");
    const stolenToken = await otherBrowser.post("/login", { username: "boss", password: "wrong password here", csrf: token });
    expect(stolenToken.status).toBe(403);
    expect(await loginRows()).toBe(before);
  });

  it.skipIf(skip)("login, dashboard, audit page and logout, with the session ended on the server", async () => {
    const browser = new Browser(server.origin);
    const token = await browser.csrfFrom("/login?next=/audit");
    const wrong = await browser.post("/login", { csrf: token, username: "boss", password: "not the password", next: "/audit" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('data-testid="login-error"');
    const login = await browser.post("/login", { csrf: token, username: "boss", password: PASSWORD, next: "/audit" });
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe("/audit");
    expect(browser.cookies.has("aa_session")).toBe(true);
    const audit = await browser.get("/audit");
    expect(audit.status).toBe(200);
    expect(await audit.text()).toContain("login.success");
    const dashboard = await browser.get("/dashboard");
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain('data-testid="dashboard-username">boss<');
    expect(html).toContain('data-testid="dashboard-system"');
    const sessionsBefore = await rt.db.selectFrom("sessions").selectAll().execute();
    // The token is bound to the session: the one from before login no longer works.
    expect((await browser.post("/logout", { csrf: token })).status).toBe(403);
    const logout = await browser.post("/logout", { csrf: await browser.csrfFrom("/dashboard") });
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe("/login");
    const sessionsAfter = await rt.db.selectFrom("sessions").selectAll().execute();
    expect(sessionsAfter.length).toBe(sessionsBefore.length - 1);
    const again = await browser.get("/dashboard");
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe("/login?next=%2Fdashboard");
  });

  it.skipIf(skip)("a new login replaces the browser's old session", async () => {
    const browser = new Browser(server.origin);
    const token = await browser.csrfFrom("/login");
    await browser.post("/login", { csrf: token, username: "boss", password: PASSWORD });
    const first = browser.cookies.get("aa_session")!;
    const count = async () => (await rt.db.selectFrom("sessions").selectAll().execute()).length;
    const before = await count();
    // Log in again while logged in (the login page redirects, so post directly, with the session's token).
    await browser.post("/login", { csrf: await browser.csrfFrom("/dashboard"), username: "boss", password: PASSWORD });
    expect(browser.cookies.get("aa_session")).not.toBe(first);
    expect(await count()).toBe(before);
  });

  it.skipIf(skip)("a logged-in browser needs no pre-login CSRF value; after logout it gets one again", async () => {
    setSettings(rt.settings);
    const member = await makeUser(rt.db, { username: `seedless_${dialect}` });
    const browser = new Browser(server.origin);
    const value = (await sessionCookie(rt.settings).serialize(await createSession(rt.db, rt.settings, member, {}))).split(";")[0].split("=").slice(1).join("=");
    browser.cookies.set("aa_session", value);
    const dashboard = await browser.get("/dashboard");
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.getSetCookie().some((c) => c.startsWith("aa_csrf="))).toBe(false);
    const token = /name="csrf" value="([^"]+)"/.exec(await dashboard.text())![1]!;
    expect((await browser.post("/logout", { csrf: token })).status).toBe(302);
    expect(browser.cookies.has("aa_csrf")).toBe(false);
    // Logged out: the login page issues the pre-login value, and its token is accepted.
    const loginToken = await browser.csrfFrom("/login");
    expect(browser.cookies.has("aa_csrf")).toBe(true);
    const wrong = await browser.post("/login", { csrf: loginToken, username: "boss", password: "not the password" });
    expect(wrong.status).toBe(400);
  });

  it.skipIf(skip)("a member without the permission gets 403 on the audit page, and the attempt is audited", async () => {
    setSettings(rt.settings);
    const member = await makeUser(rt.db, { username: `member_${dialect}` });
    const token = await createSession(rt.db, rt.settings, member, {});
    const browser = new Browser(server.origin);
    const value = (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("=");
    browser.cookies.set("aa_session", value);
    const dashboard = await browser.get("/dashboard");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).not.toContain('href="/audit"');
    const response = await browser.get("/audit");
    expect(response.status).toBe(403);
    const denied = await listAudit(rt.db, { action: "authz.denied" });
    expect(denied[0]).toMatchObject({ actor: member.username, target_id: "/audit" });
  });

  it.skipIf(skip)("switches the language without JavaScript and remembers it", async () => {
    const browser = new Browser(server.origin);
    const token = await browser.csrfFrom("/login");
    const response = await browser.post("/settings/language", { csrf: token, language: "de", returnTo: "/login" });
    expect(response.status).toBe(302);
    const page = await (await browser.get("/login")).text();
    expect(page).toContain('<html lang="de"');
    expect(page).toContain("Administrator-Anmeldung");
    const bad = await browser.post("/settings/language", { csrf: token, language: "xx" });
    expect(bad.status).toBe(400);
    const zh = await (await new Browser(server.origin).get("/login", { "accept-language": "zh-CN,zh;q=0.9" })).text();
    expect(zh).toContain('<html lang="zh-Hans"');
    // A page in another language stays Latin-1 (one byte a character in V8): the switcher names
    // 简体中文 by character references, which the browser reads back as the same text.
    expect(page).toContain('lang="zh-hans">&#x7B80;&#x4F53;&#x4E2D;&#x6587;</option>');
    expect([...page].filter((c) => c.codePointAt(0)! > 0xff)).toEqual([]);
  });

  it.skipIf(skip)("sends security headers, with the CSP nonce on every inline script", async () => {
    const response = await new Browser(server.origin).get("/login");
    const csp = response.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(new RegExp(`^default-src 'self'; script-src 'self' 'nonce-${nonce}'; .*; form-action 'self' https?://[^;]+; frame-ancestors 'none'$`));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) if (!/\bsrc=/.test(attrs)) expect(attrs).toContain(`nonce="${nonce}"`);
    const csrfCookie = response.headers.getSetCookie().find((c) => c.startsWith("aa_csrf="))!;
    expect(csrfCookie).toMatch(/HttpOnly/i);
    expect(csrfCookie).toMatch(/SameSite=Lax/i);
  });

  it.skipIf(skip)("gives every page a nonce of its own: 32 hex digits, never repeated", async () => {
    const browser = new Browser(server.origin);
    const nonces = new Set<string>();
    // More than the 256 nonces drawn from the generator at a time.
    for (let i = 0; i < 300; i++) {
      const response = await browser.get("/login");
      const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy")!)![1]!;
      expect(nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(await response.text()).toContain(`nonce="${nonce}"`);
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(300);
  });

  it.skipIf(skip)("survives bad input: oversized and malformed bodies, GET on POST-only routes", async () => {
    const browser = new Browser(server.origin);
    const token = await browser.csrfFrom("/login");
    const huge = await fetch(`${server.origin}/login`, {
      method: "POST",
      headers: { cookie: browser.cookieHeader(), origin: server.origin, "content-type": "application/x-www-form-urlencoded" },
      body: `csrf=${token}&username=${"a".repeat(3 * 1024 * 1024)}`,
    });
    expect(huge.status).toBe(413);
    const garbage = await browser.post("/login", { csrf: token, username: "%%%\u0000", password: "" });
    expect(garbage.status).toBe(400);
    expect((await browser.get("/logout")).status).toBe(405);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(503);
  });

  it.skipIf(skip)("/metrics counts requests by route and status", async () => {
    await new Browser(server.origin).get("/login");
    const text = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toMatch(/http_requests_total\{route="routes\/login",method="GET",status="200"\} \d+/);
    expect(text).toContain("http_request_duration_seconds_bucket");
    expect(text).toMatch(/jobs_in_queue\{state="queued"\} \d+/);
    // Statements to the auth database: the login page reads the branding, one statement.
    const sent = async () => Number(/^db_statements_total\{outcome="ok"\} (\d+)/m.exec(await (await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text())![1]);
    const ownCost = -(await sent()) + (await sent());
    const before = await sent();
    for (let i = 0; i < 3; i++) await new Browser(server.origin).get("/login");
    expect((await sent()) - before - ownCost).toBe(3);
  });
});
