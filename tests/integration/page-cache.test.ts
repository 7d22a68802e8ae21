/**
 * The login page is kept in memory per variant (app/web/page-cache.server.ts): every visitor must
 * still get their own CSRF token and nonce, every variant its own language and theme, an admin's
 * branding change must show on the next request, and a browser with a session is never answered
 * from memory. The HTTP layer does not depend on the dialect: PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import { createSuperuser } from "~/modules/auth/users.server";
import { themeCookie } from "~/web/theme.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { Browser, startTestServer } from "../support/http";

const PASSWORD = "a long enough password";
const { dialect, skip } = dialects[0]!;

const tokenOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
const noncesOf = (html: string) => new Set([...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]));

describe(`the anonymous page cache on ${dialect}`, () => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    await createSuperuser(rt.db, { username: "boss", password: PASSWORD }, systemActor("test"));
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  it.skipIf(skip)("gives each visitor of a kept page their own token and nonce, and the token works", async () => {
    const first = new Browser(server.origin);
    const firstHtml = await (await first.get("/login")).text();
    const pages: { browser: Browser; html: string; csp: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const browser = new Browser(server.origin);
      const response = await browser.get("/login");
      pages.push({ browser, html: await response.text(), csp: response.headers.get("content-security-policy") ?? "" });
    }
    const seen = new Set([tokenOf(firstHtml)]);
    for (const { browser, html, csp } of pages) {
      const token = tokenOf(html);
      expect(seen.has(token)).toBe(false);
      seen.add(token);
      // Every occurrence is this visitor's: the forms and the page data.
      expect(html.split(token).length - 1).toBeGreaterThanOrEqual(2);
      expect(html).not.toContain(tokenOf(firstHtml));
      const nonces = noncesOf(html);
      expect(nonces.size).toBe(1);
      expect(csp).toContain(`'nonce-${[...nonces][0]}'`);
      // The token the kept page carries passes the CSRF check: a wrong password (400), not 403.
      const login = await browser.post("/login", { username: "boss", password: "not the password", csrf: token });
      expect(login.status).toBe(400);
      expect(await login.text()).toContain('data-testid="login-error"');
    }
    const good = await pages[0]!.browser.post("/login", { username: "boss", password: PASSWORD, csrf: tokenOf(pages[0]!.html) });
    expect(good.status).toBe(302);
  });

  it.skipIf(skip)("keeps languages, themes and queries apart", async () => {
    for (let round = 0; round < 2; round++) {
      const german = await (await new Browser(server.origin).get("/login", { "accept-language": "de" })).text();
      const english = await (await new Browser(server.origin).get("/login", { "accept-language": "en" })).text();
      expect(german).toContain("Mit EVE Online anmelden");
      expect(english).toContain("Log in with EVE Online");
      expect(english).not.toContain("Mit EVE Online anmelden");
      const dark = new Browser(server.origin);
      const [name, value] = (await themeCookie.serialize("dark")).split(";")[0]!.split("=");
      dark.cookies.set(name!, value!);
      expect(await (await dark.get("/login")).text()).toMatch(/<html lang="en" class="dark"/);
      expect(await (await new Browser(server.origin).get("/login")).text()).not.toMatch(/<html[^>]*class="dark"/);
      const next = await (await new Browser(server.origin).get("/login?next=%2Fgroups")).text();
      expect(next).toContain('name="next" value="/groups"');
      expect(await (await new Browser(server.origin).get("/login")).text()).toContain('name="next" value="/dashboard"');
    }
  });

  it.skipIf(skip)("shows a branding change written to the database on the next request", async () => {
    expect(await (await new Browser(server.origin).get("/login")).text()).not.toContain("Cache Test Alliance");
    await rt.db.insertInto("site_settings").values({ name: "site_name", value: "Cache Test Alliance", updated_at: new Date() }).execute();
    try {
      expect(await (await new Browser(server.origin).get("/login")).text()).toContain("Cache Test Alliance");
    } finally {
      await rt.db.deleteFrom("site_settings").where("name", "=", "site_name").execute();
    }
    expect(await (await new Browser(server.origin).get("/login")).text()).not.toContain("Cache Test Alliance");
  });

  it.skipIf(skip)("never answers a browser with a session from memory", async () => {
    const browser = new Browser(server.origin);
    const token = await browser.csrfFrom("/login");
    expect((await browser.post("/login", { username: "boss", password: PASSWORD, csrf: token })).status).toBe(302);
    // Same URL and, but for the session, the same cookies as the kept anonymous page.
    browser.cookies.delete("aa_flash");
    expect([...browser.cookies.keys()].sort()).toEqual(["aa_csrf", "aa_session"]);
    const again = await browser.get("/login");
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe("/dashboard");
  });
});
