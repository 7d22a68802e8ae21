/**
 * The SSO callback over real HTTP: a complete login, then every kind of bad callback — missing,
 * unknown or reused state, a replayed code, and JWTs that are wrong in each way — gets a 400 page
 * with a clear message and writes no user, character or token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSsoCaches } from "~/modules/eve/sso.server";
import { DEMO, type FakeEve } from "../fakes/eve/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve, CLIENT } from "../support/eve";
import { Browser, startTestServer } from "../support/http";
import { makeUser } from "../support/factories";
import { type RogueMode, startRogueSso } from "../support/rogue-sso";
import { signedIn } from "../support/sessions";

describe.each(dialects)("SSO callback on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: FakeEve;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
    fake = await attachFakeEve(rt, `${server.origin}/sso/callback`);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    await rt?.stop();
  });

  const counts = async () => ({
    users: (await rt.db.selectFrom("users").select("id").execute()).length,
    characters: (await rt.db.selectFrom("eve_characters").select("id").execute()).length,
    tokens: (await rt.db.selectFrom("esi_tokens").select("id").execute()).length,
  });

  /** POST /sso/login and return the authorize URL the site redirects to. */
  async function startLogin(browser: Browser) {
    const csrf = await browser.csrfFrom("/login");
    const response = await browser.post("/sso/login", { csrf, next: "/dashboard" });
    expect(response.status).toBe(302);
    return new URL(response.headers.get("location")!);
  }

  async function expectRefused(response: Response, reasonText: RegExp) {
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('data-testid="error-400"');
    expect(html).toMatch(reasonText);
  }

  it.skipIf(skip)("starts with state and PKCE S256, and completes a login", async () => {
    const browser = new Browser(server.origin);
    const authorize = await startLogin(browser);
    expect(authorize.origin).toBe(fake.ssoUrl);
    expect(authorize.searchParams.get("client_id")).toBe(CLIENT.clientId);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${server.origin}/sso/callback`);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get("state")!.length).toBeGreaterThanOrEqual(20);
    expect(authorize.searchParams.get("scope")).toBe("publicData");

    fake.setNextLogin({ characterId: DEMO.characters.bobMain, scopes: ["publicData"] });
    const back = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    const done = await browser.get(callback.pathname + callback.search);

    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/account/register");
    expect(await counts()).toEqual({ users: 1, characters: 1, tokens: 1 });
    // The code exchange is ours (not the OAuth library's), with our User-Agent like every SSO call.
    const exchange = fake.requests.filter((r) => r.service === "sso" && r.path === "/v2/oauth/token").at(-1)!;
    expect(exchange.headers["user-agent"]).toMatch(/^AllianceAuthTS\//);
    expect(new URLSearchParams(exchange.body).get("grant_type")).toBe("authorization_code");

    // The same callback again: the state was used up.
    await expectRefused(await browser.get(callback.pathname + callback.search), /already used/);

    // A replayed code under a fresh, valid state: EVE refuses the code.
    const fresh = await startLogin(browser);
    const replay = `/sso/callback?code=${callback.searchParams.get("code")}&state=${fresh.searchParams.get("state")}`;
    await expectRefused(await browser.get(replay), /refused the login code/);
    expect(await counts()).toEqual({ users: 1, characters: 1, tokens: 1 });
  });

  it.skipIf(skip)("refuses missing, unknown and other-browser states", async () => {
    const before = await counts();
    const browser = new Browser(server.origin);
    await expectRefused(await browser.get("/sso/callback?code=abc"), /no state/);
    await expectRefused(await browser.get("/sso/callback?code=abc&state=made-up-state-value-000000"), /unknown, expired or was already used/);
    // A real state, but its cookie is in another browser.
    const authorize = await startLogin(browser);
    const stranger = new Browser(server.origin);
    await expectRefused(await stranger.get(`/sso/callback?code=abc&state=${authorize.searchParams.get("state")}`), /another browser/);
    expect(await counts()).toEqual(before);
  });

  it.skipIf(skip)("a cancelled login at EVE returns to the login page with a message", async () => {
    const browser = new Browser(server.origin);
    const authorize = await startLogin(browser);
    fake.setNextLogin({ deny: true });
    const back = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    const response = await browser.get(callback.pathname + callback.search);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login");
  });

  it.skipIf(skip)("a cancelled 'add character' at EVE returns to the characters page, adding nothing", async () => {
    const user = await makeUser(rt.db, {});
    const { browser, csrf } = await signedIn(rt, server.origin, user, "/account/characters");
    const start = await browser.post("/account/characters", { csrf, intent: "add" });
    expect(start.status).toBe(302);
    const before = await counts();
    fake.setNextLogin({ deny: true });
    const back = await fetch(new URL(start.headers.get("location")!), { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    const response = await browser.get(callback.pathname + callback.search);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/account/characters");
    expect(await counts()).toEqual(before);
  });

  it.skipIf(skip)("refuses JWTs with a wrong signature, issuer, audience or expiry", async () => {
    const rogue = await startRogueSso(CLIENT.clientId);
    const saved = rt.settings.ESI_SSO_BASE_URL;
    rt.settings.ESI_SSO_BASE_URL = rogue.url;
    resetSsoCaches();
    try {
      const before = await counts();
      const cases: [RogueMode, RegExp][] = [
        ["bad-signature", /invalid signature/],
        ["bad-issuer", /not issued by EVE Online/],
        ["bad-audience", /another application/],
        ["expired", /has expired/],
      ];
      for (const [mode, message] of cases) {
        rogue.setMode(mode);
        const browser = new Browser(server.origin);
        const authorize = await startLogin(browser);
        expect(authorize.origin).toBe(rogue.url);
        await expectRefused(await browser.get(`/sso/callback?code=any&state=${authorize.searchParams.get("state")}`), message);
      }
      expect(await counts()).toEqual(before);
    } finally {
      rt.settings.ESI_SSO_BASE_URL = saved;
      resetSsoCaches();
      await rogue.stop();
    }
  });
});
