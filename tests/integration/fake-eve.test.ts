import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO, ERROR_LIMIT_MESSAGE, seedDemoWorld, startFakeEve, type FakeEve, type FakeEveOptions } from "../fakes/eve";

const APP = { clientId: "app-client-id", clientSecret: "app-secret", redirectUri: "http://127.0.0.1:9/sso/callback" };
const OTHER = { clientId: "other-client-id", clientSecret: "other-secret", redirectUri: "http://127.0.0.1:9/other/callback" };
const ISSUERS = ["https://login.eveonline.com", "login.eveonline.com"];
const ALICE = DEMO.characters.aliceMain;
const BOB = DEMO.characters.bobMain;

async function startDemo(options: Partial<FakeEveOptions> = {}): Promise<FakeEve> {
  const fake = await startFakeEve({ clients: [APP, OTHER], ...options });
  seedDemoWorld(fake);
  return fake;
}

const basic = (c: { clientId: string; clientSecret: string }) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString("base64")}`;

function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl(fake: FakeEve, params: Record<string, string>): string {
  const query = new URLSearchParams({ response_type: "code", client_id: APP.clientId, redirect_uri: APP.redirectUri, state: "st4te", scope: "publicData", ...params });
  return `${fake.ssoUrl}/v2/oauth/authorize?${query}`;
}

/** Follows the SSO up to the callback and returns the callback's query parameters. */
async function authorize(fake: FakeEve, params: Record<string, string> = {}): Promise<URLSearchParams> {
  const response = await fetch(authorizeUrl(fake, params), { redirect: "manual" });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(params.redirect_uri ?? APP.redirectUri);
  return location.searchParams;
}

function postToken(fake: FakeEve, form: Record<string, string>, authorization: string | null = basic(APP)) {
  return fetch(`${fake.ssoUrl}/v2/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(form),
  });
}

interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
  refresh_token: string;
}

async function login(fake: FakeEve, characterId: number, scopes: string[]): Promise<TokenResponse> {
  fake.setNextLogin({ characterId, scopes });
  const callback = await authorize(fake, { scope: scopes.join(" ") });
  const response = await postToken(fake, { grant_type: "authorization_code", code: callback.get("code")! });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponse;
}

const refresh = (fake: FakeEve, refreshToken: string, extra: Record<string, string> = {}, client = APP) =>
  postToken(fake, { grant_type: "refresh_token", refresh_token: refreshToken, ...extra }, basic(client));

const esiGet = (fake: FakeEve, path: string, headers: Record<string, string> = {}) => fetch(`${fake.esiUrl}${path}`, { headers });
const esiPost = (fake: FakeEve, path: string, body: unknown) =>
  fetch(`${fake.esiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("fake EVE SSO", () => {
  let fake: FakeEve;
  beforeAll(async () => {
    fake = await startDemo();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it("serves metadata pointing at itself and a JWKS with the RS256 key and an ES256 decoy", async () => {
    const metadata = await (await fetch(`${fake.ssoUrl}/.well-known/oauth-authorization-server`)).json();
    expect(metadata).toMatchObject({
      issuer: "https://login.eveonline.com",
      authorization_endpoint: `${fake.ssoUrl}/v2/oauth/authorize`,
      token_endpoint: `${fake.ssoUrl}/v2/oauth/token`,
      jwks_uri: `${fake.ssoUrl}/oauth/jwks`,
      revocation_endpoint: `${fake.ssoUrl}/v2/oauth/revoke`,
      code_challenge_methods_supported: ["S256"],
    });
    const jwks = await (await fetch(metadata.jwks_uri)).json();
    expect(jwks.SkipUnresolvedJsonWebKeys).toBe(true);
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys[0]).toMatchObject({ alg: "RS256", kid: "JWT-Signature-Key", kty: "RSA", use: "sig", e: "AQAB" });
    expect(jwks.keys[1]).toMatchObject({ alg: "ES256", kty: "EC", crv: "P-256", use: "sig" });
    expect(jwks.keys[1].kid).not.toBe("JWT-Signature-Key");
  });

  it("runs the code flow with PKCE and issues a JWT that verifies against the published JWKS", async () => {
    const { verifier, challenge } = pkcePair();
    fake.setNextLogin({ characterId: ALICE });
    const callback = await authorize(fake, { code_challenge: challenge, code_challenge_method: "S256" });
    expect(callback.get("state")).toBe("st4te");
    const response = await postToken(fake, { grant_type: "authorization_code", code: callback.get("code")!, code_verifier: verifier });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenResponse;
    expect(body).toMatchObject({ expires_in: 1199, token_type: "Bearer" });
    expect(body.refresh_token).toEqual(expect.any(String));

    const jwks = createRemoteJWKSet(new URL(`${fake.ssoUrl}/oauth/jwks`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, { issuer: ISSUERS, audience: "EVE Online" });
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: "JWT-Signature-Key" });
    expect(payload.aud).toEqual([APP.clientId, "EVE Online"]);
    expect(payload).toMatchObject({
      scp: "publicData", // one scope → a plain string, not an array
      kid: "JWT-Signature-Key",
      sub: `CHARACTER:EVE:${ALICE}`,
      azp: APP.clientId,
      tenant: "tranquility",
      tier: "live",
      region: "world",
      name: "Aria Solenne",
      owner: fake.ownerHash(ALICE),
      iss: "https://login.eveonline.com",
    });
    expect(payload.exp! - payload.iat!).toBe(1200);
    expect(payload.jti).toEqual(expect.any(String));
    expect(fake.ownerHash(ALICE)).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it("lets a public client exchange with client_id + code_verifier, and rejects a wrong verifier", async () => {
    const { verifier, challenge } = pkcePair();
    fake.setNextLogin({ characterId: BOB });
    let code = (await authorize(fake, { code_challenge: challenge, code_challenge_method: "S256" })).get("code")!;
    const wrong = await postToken(fake, { grant_type: "authorization_code", code, client_id: APP.clientId, code_verifier: pkcePair().verifier }, null);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe("invalid_grant");
    const ok = await postToken(fake, { grant_type: "authorization_code", code, client_id: APP.clientId, code_verifier: verifier }, null);
    expect(ok.status).toBe(200);

    // Without PKCE a public client can't authenticate at all.
    fake.setNextLogin({ characterId: BOB });
    code = (await authorize(fake)).get("code")!;
    const noSecret = await postToken(fake, { grant_type: "authorization_code", code, client_id: APP.clientId }, null);
    expect(noSecret.status).toBe(401);
  });

  it("puts several scopes in an array and leaves scp out when there are none", async () => {
    const tokens = await login(fake, ALICE, ["esi-location.read_location.v1", "esi-location.read_ship_type.v1"]);
    expect(decodeJwt(tokens.access_token).scp).toEqual(["esi-location.read_location.v1", "esi-location.read_ship_type.v1"]);
    expect(decodeJwt(await fake.issueAccessToken(ALICE, [])).scp).toBeUndefined();
  });

  it("accepts a code once, only for its client and redirect_uri", async () => {
    fake.setNextLogin({ characterId: ALICE });
    const code = (await authorize(fake)).get("code")!;
    const foreign = await postToken(fake, { grant_type: "authorization_code", code }, basic(OTHER));
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error).toBe("invalid_grant");
    const badRedirect = await postToken(fake, { grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:9/elsewhere" });
    expect((await badRedirect.json()).error).toBe("invalid_grant");
    expect((await postToken(fake, { grant_type: "authorization_code", code, redirect_uri: APP.redirectUri })).status).toBe(200);
    const reused = await postToken(fake, { grant_type: "authorization_code", code });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant", error_description: expect.any(String) });
  });

  it("rejects a wrong secret with 401 invalid_client and a JSON body with unsupported_grant_type", async () => {
    fake.setNextLogin({ characterId: ALICE });
    const code = (await authorize(fake)).get("code")!;
    const wrong = await postToken(fake, { grant_type: "authorization_code", code }, basic({ ...APP, clientSecret: "nope" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect((await wrong.json()).error).toBe("invalid_client");

    const asJson = await fetch(`${fake.ssoUrl}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basic(APP) },
      body: JSON.stringify({ grant_type: "authorization_code", code }),
    });
    expect(asJson.status).toBe(400);
    expect((await asJson.json()).error).toBe("unsupported_grant_type");
    // The failed attempts did not consume the code.
    expect((await postToken(fake, { grant_type: "authorization_code", code })).status).toBe(200);
  });

  it("rotates refresh tokens, binds them to their client and honours a scope subset", async () => {
    const scopes = ["esi-location.read_location.v1", "esi-location.read_online.v1"];
    const first = await login(fake, ALICE, scopes);
    const stolen = await refresh(fake, first.refresh_token, {}, OTHER);
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toEqual({ error: "invalid_token", error_description: "The refresh token does not match the client specified." });

    const second = (await (await refresh(fake, first.refresh_token, { scope: "esi-location.read_online.v1" })).json()) as TokenResponse;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token).scp).toBe("esi-location.read_online.v1");
    const old = await refresh(fake, first.refresh_token);
    expect(old.status).toBe(400);
    expect((await old.json()).error).toBe("invalid_grant");

    // The narrower scope applied to that access token only; the grant keeps both scopes.
    const third = await refresh(fake, second.refresh_token);
    expect(decodeJwt(((await third.json()) as TokenResponse).access_token).scp).toEqual(scopes);
    const superset = await refresh(fake, second.refresh_token, { scope: "esi-universe.read_structures.v1" });
    expect(superset.status).toBe(400);
  });

  it("reports the current owner hash on refresh after a character transfer", async () => {
    const tokens = await login(fake, BOB, ["publicData"]);
    const before = decodeJwt(tokens.access_token).owner;
    fake.transferCharacter(BOB, DEMO.accounts.carol);
    try {
      const after = (await (await refresh(fake, tokens.refresh_token)).json()) as TokenResponse;
      expect(decodeJwt(after.access_token).owner).not.toBe(before);
      expect(decodeJwt(after.access_token).owner).toBe(fake.ownerHash(BOB));
      expect(fake.listAccounts().find((a) => a.accountId === DEMO.accounts.carol)!.characters.map((c) => c.id)).toContain(BOB);
    } finally {
      fake.transferCharacter(BOB, DEMO.accounts.bob);
    }
    expect(fake.ownerHash(BOB)).toBe(before);
  });

  it("kills refresh tokens through revokeCharacterTokens and the revoke endpoint", async () => {
    const a = await login(fake, ALICE, ["publicData"]);
    fake.revokeCharacterTokens(ALICE);
    expect((await (await refresh(fake, a.refresh_token)).json()).error).toBe("invalid_grant");

    const b = await login(fake, ALICE, ["publicData"]);
    const revoke = () =>
      fetch(`${fake.ssoUrl}/v2/oauth/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(APP) },
        body: new URLSearchParams({ token_type_hint: "refresh_token", token: b.refresh_token }),
      });
    expect((await revoke()).status).toBe(200);
    expect((await revoke()).status).toBe(200); // already revoked: still 200
    expect((await refresh(fake, b.refresh_token)).status).toBe(400);
  });

  it("can return the same refresh token when rotation is off", async () => {
    const steady = await startDemo({ rotateRefreshTokens: false });
    try {
      const tokens = await login(steady, ALICE, ["publicData"]);
      const again = (await (await refresh(steady, tokens.refresh_token)).json()) as TokenResponse;
      expect(again.refresh_token).toBe(tokens.refresh_token);
      expect((await refresh(steady, tokens.refresh_token)).status).toBe(200);
    } finally {
      await steady.stop();
    }
  });

  it("uses the bare issuer when asked", async () => {
    const bare = await startDemo({ issuerStyle: "bare" });
    try {
      expect(decodeJwt(await bare.issueAccessToken(ALICE, ["publicData"])).iss).toBe("login.eveonline.com");
    } finally {
      await bare.stop();
    }
  });

  it("rejects bad authorize requests with a 400 page and never redirects to an unregistered URI", async () => {
    const cases: Record<string, string>[] = [
      { client_id: "unknown" },
      { redirect_uri: "http://evil.example/callback" },
      { response_type: "token" },
      { state: "" },
      { code_challenge: pkcePair().challenge, code_challenge_method: "plain" },
    ];
    for (const params of cases) {
      const response = await fetch(authorizeUrl(fake, params), { redirect: "manual" });
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain('data-testid="authorize-error"');
    }
    fake.setNextLogin({ deny: true });
    const denied = await authorize(fake);
    expect(denied.get("error")).toBe("access_denied");
    expect(denied.get("state")).toBe("st4te");
    expect(denied.has("code")).toBe(false);
  });

  it("serves a player page whose form logs in without JavaScript", async () => {
    fake.setNextLogin(null);
    const scopes = "publicData esi-location.read_location.v1";
    const pageResponse = await fetch(authorizeUrl(fake, { scope: scopes, state: "a&b" }));
    expect(pageResponse.status).toBe(200);
    const page = await pageResponse.text();
    for (const account of fake.listAccounts()) {
      for (const c of account.characters) expect(page).toContain(`data-testid="character-${c.id}"`);
    }
    expect(page).toContain('data-testid="authorize"');
    expect(page).toContain('data-testid="cancel"');
    expect(page).toContain("esi-location.read_location.v1");

    // Submit the form as a browser would: its action, its hidden fields, one radio and the clicked button.
    const action = /<form method="post" action="([^"]+)"/.exec(page)![1];
    const decode = (s: string) => s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'");
    const fields = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [decode(m[1]), decode(m[2])]);
    const submit = (extra: string[][]) =>
      fetch(new URL(action, fake.ssoUrl), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams([...fields, ...extra]),
        redirect: "manual",
      });

    expect((await submit([["action", "authorize"]])).status).toBe(400); // no character picked
    const cancelled = await submit([["action", "cancel"]]);
    expect(new URL(cancelled.headers.get("location")!).searchParams.get("error")).toBe("access_denied");

    const approved = await submit([
      ["character", String(DEMO.characters.carolScout)],
      ["action", "authorize"],
    ]);
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get("location")!).searchParams;
    expect(callback.get("state")).toBe("a&b");
    const tokens = (await (await postToken(fake, { grant_type: "authorization_code", code: callback.get("code")! })).json()) as TokenResponse;
    const claims = decodeJwt(tokens.access_token);
    expect(claims.sub).toBe(`CHARACTER:EVE:${DEMO.characters.carolScout}`);
    expect(claims.scp).toEqual(scopes.split(" "));
  });

  it("answers 503 everywhere while down", async () => {
    fake.setSsoDown(true);
    try {
      expect((await fetch(`${fake.ssoUrl}/oauth/jwks`)).status).toBe(503);
      expect((await postToken(fake, { grant_type: "refresh_token", refresh_token: "x" })).status).toBe(503);
      expect((await fetch(authorizeUrl(fake, {}), { redirect: "manual" })).status).toBe(503);
    } finally {
      fake.setSsoDown(false);
    }
    expect((await fetch(`${fake.ssoUrl}/oauth/jwks`)).status).toBe(200);
  });
});

describe("fake EVE SSO key rotation and clock", () => {
  let fake: FakeEve;
  beforeAll(async () => {
    fake = await startDemo();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it("publishes a new kid and drops the old one; old tokens stop verifying", async () => {
    const jwks = createRemoteJWKSet(new URL(`${fake.ssoUrl}/oauth/jwks`), { cooldownDuration: 0 });
    const oldToken = await fake.issueAccessToken(ALICE, ["esi-location.read_location.v1"]);
    await jwtVerify(oldToken, jwks, { issuer: ISSUERS, audience: "EVE Online" });

    fake.rotateSigningKey();
    const keys = (await (await fetch(`${fake.ssoUrl}/oauth/jwks`)).json()).keys as { kid: string; alg: string }[];
    const rsa = keys.filter((k) => k.alg === "RS256");
    expect(rsa).toHaveLength(1);
    expect(rsa[0].kid).not.toBe("JWT-Signature-Key");

    const newToken = await fake.issueAccessToken(ALICE, ["esi-location.read_location.v1"]);
    expect(decodeProtectedHeader(newToken).kid).toBe(rsa[0].kid);
    expect(decodeJwt(newToken).kid).toBe(rsa[0].kid);
    await jwtVerify(newToken, jwks, { issuer: ISSUERS, audience: "EVE Online" }); // unknown kid → the set refetches
    await expect(jwtVerify(oldToken, jwks, { issuer: ISSUERS, audience: "EVE Online" })).rejects.toThrow();

    const esiOld = await esiGet(fake, `/characters/${ALICE}/location`, bearer(oldToken));
    expect(esiOld.status).toBe(403);
    expect(await esiOld.json()).toEqual({ error: "invalid token", sso_status: 401 });
    expect((await esiGet(fake, `/characters/${ALICE}/location`, bearer(newToken))).status).toBe(200);
  });

  it("expires codes after 5 minutes and access tokens after 20, on the fake clock", async () => {
    fake.setNextLogin({ characterId: ALICE });
    const code = (await authorize(fake)).get("code")!;
    const token = await fake.issueAccessToken(ALICE, ["esi-location.read_location.v1"]);
    fake.advanceClock(301);
    expect((await (await postToken(fake, { grant_type: "authorization_code", code })).json()).error).toBe("invalid_grant");
    expect((await esiGet(fake, `/characters/${ALICE}/location`, bearer(token))).status).toBe(200);
    fake.advanceClock(900);
    const expired = await esiGet(fake, `/characters/${ALICE}/location`, bearer(token));
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: "token is expired", sso_status: 401 });
    // iat/exp follow the advanced clock.
    expect(decodeJwt(await fake.issueAccessToken(ALICE, [])).iat).toBe(Math.floor(fake.now() / 1000));
  });
});

describe("fake ESI", () => {
  let fake: FakeEve;
  beforeAll(async () => {
    fake = await startDemo();
  });
  afterAll(async () => {
    await fake?.stop();
  });
  afterEach(() => {
    fake.setEsiFault(null);
    fake.resetErrorLimit();
  });

  it("routes with and without /latest and records User-Agent and X-Compatibility-Date", async () => {
    fake.clearRequests();
    const headers = { "user-agent": "AllianceAuthTS/test (admin@example.com)", "x-compatibility-date": "2025-08-26" };
    const a = await esiGet(fake, `/latest/characters/${ALICE}/?datasource=tranquility`, headers);
    const b = await esiGet(fake, `/characters/${ALICE}`, headers);
    expect(a.status).toBe(200);
    expect(await a.json()).toEqual(await b.json());
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({ service: "esi", method: "GET", path: `/latest/characters/${ALICE}/?datasource=tranquility`, status: 200 });
    expect(fake.requests[0].headers).toMatchObject(headers);
    expect((await esiGet(fake, `/characters/${ALICE}`, { "x-compatibility-date": "yesterday" })).status).toBe(400);
  });

  it("answers public character, corporation, alliance and faction data without nulls", async () => {
    expect(await (await esiGet(fake, `/characters/${ALICE}`)).json()).toMatchObject({
      name: "Aria Solenne",
      corporation_id: DEMO.corporations.logistics,
      alliance_id: DEMO.alliances.meridian,
    });
    const hauler = await (await esiGet(fake, `/characters/${DEMO.characters.aliceHauler}`)).json();
    expect(hauler).not.toHaveProperty("alliance_id");
    expect(hauler).not.toHaveProperty("faction_id");
    const missing = await esiGet(fake, "/characters/90999999");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Character not found" });

    expect(await (await esiGet(fake, `/corporations/${DEMO.corporations.vanguard}`)).json()).toMatchObject({
      name: "Ashen Vanguard",
      ticker: "ASHV",
      alliance_id: DEMO.alliances.covenant,
      faction_id: DEMO.factionId,
      member_count: 2,
      ceo_id: DEMO.characters.carolMain,
    });
    expect(await (await esiGet(fake, `/alliances/${DEMO.alliances.meridian}`)).json()).toMatchObject({ name: "Silent Meridian", ticker: "MRDN", executor_corporation_id: DEMO.corporations.logistics });
    expect(await (await esiGet(fake, `/alliances/${DEMO.alliances.meridian}/corporations`)).json()).toEqual([DEMO.corporations.logistics, DEMO.corporations.mining]);
    expect(await (await esiGet(fake, "/universe/factions")).json()).toEqual([expect.objectContaining({ faction_id: DEMO.factionId, name: "Caldari State", corporation_id: 1000035 })]);
    expect((await esiGet(fake, "/status")).status).toBe(200);
  });

  it("sends ETag, Last-Modified, Expires and Cache-Control, and 304 with an empty body on a matching If-None-Match", async () => {
    const path = `/corporations/${DEMO.corporations.logistics}`;
    const first = await esiGet(fake, path);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(first.headers.get("last-modified")).toBeTruthy();
    expect(first.headers.get("cache-control")).toBe("public, max-age=3600");
    const date = Date.parse(first.headers.get("date")!);
    expect(Date.parse(first.headers.get("expires")!) - date).toBe(3600_000);
    const character = await esiGet(fake, `/characters/${ALICE}`);
    expect(Date.parse(character.headers.get("expires")!) - Date.parse(character.headers.get("date")!)).toBe(86400_000);

    const again = await esiGet(fake, path, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("x-esi-error-limit-remain")).toBe("100"); // a 304 is not an error

    fake.setCorporationAlliance(DEMO.corporations.logistics, null);
    try {
      const changed = await esiGet(fake, path, { "if-none-match": etag });
      expect(changed.status).toBe(200);
      expect(changed.headers.get("etag")).not.toBe(etag);
      expect(await changed.json()).not.toHaveProperty("alliance_id");
    } finally {
      fake.setCorporationAlliance(DEMO.corporations.logistics, DEMO.alliances.meridian);
    }
  });

  it("resolves affiliations in bulk, omitting unset keys and refusing more than 1000 IDs", async () => {
    const response = await esiPost(fake, "/characters/affiliation", [ALICE, DEMO.characters.aliceHauler, DEMO.characters.carolScout, 90999999]);
    expect(response.status).toBe(200);
    // Bulk POSTs carry ETag and Cache-Control (current OpenAPI), but no Expires.
    expect(response.headers.get("etag")).toMatch(/^".+"$/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(response.headers.get("expires")).toBeNull();
    const rows = await response.json();
    expect(rows).toEqual([
      { character_id: ALICE, corporation_id: DEMO.corporations.logistics, alliance_id: DEMO.alliances.meridian },
      { character_id: DEMO.characters.aliceHauler, corporation_id: DEMO.corporations.prospectors },
      { character_id: DEMO.characters.carolScout, corporation_id: DEMO.corporations.vanguard, alliance_id: DEMO.alliances.covenant, faction_id: DEMO.factionId },
    ]);

    fake.setCharacterCorporation(ALICE, DEMO.corporations.prospectors);
    try {
      expect((await (await esiPost(fake, "/characters/affiliation", [ALICE])).json())[0]).toEqual({ character_id: ALICE, corporation_id: DEMO.corporations.prospectors });
    } finally {
      fake.setCharacterCorporation(ALICE, DEMO.corporations.logistics);
    }

    const ids = Array.from({ length: 1000 }, (_, i) => 90000001 + i);
    expect((await esiPost(fake, "/characters/affiliation", ids)).status).toBe(200);
    const tooMany = await esiPost(fake, "/characters/affiliation", [...ids, 91000000]);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ error: expect.any(String) });
    const none = await esiPost(fake, "/characters/affiliation", [90999999]);
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ error: "No characters found" });
    const malformed = await esiPost(fake, "/characters/affiliation", "[1,2");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: expect.any(String) });
  });

  it("resolves names only when every ID is known, and IDs by exact name", async () => {
    const names = await esiPost(fake, "/universe/names", [ALICE, DEMO.corporations.mining, DEMO.alliances.covenant, DEMO.factionId]);
    expect(await names.json()).toEqual([
      { id: ALICE, name: "Aria Solenne", category: "character" },
      { id: DEMO.corporations.mining, name: "Deep Core Extraction", category: "corporation" },
      { id: DEMO.alliances.covenant, name: "Ashen Covenant", category: "alliance" },
      { id: DEMO.factionId, name: "Caldari State", category: "faction" },
    ]);
    const oneUnknown = await esiPost(fake, "/universe/names", [ALICE, 90999999]);
    expect(oneUnknown.status).toBe(404);
    expect((await esiPost(fake, "/universe/names", Array.from({ length: 1001 }, (_, i) => i + 1))).status).toBe(400);

    const ids = await (await esiPost(fake, "/universe/ids", ["Aria Solenne", "Silent Meridian", "aria solenne", "Nobody"])).json();
    expect(ids).toEqual({ alliances: [{ id: DEMO.alliances.meridian, name: "Silent Meridian" }], characters: [{ id: ALICE, name: "Aria Solenne" }] });
    expect((await esiPost(fake, "/universe/ids", Array.from({ length: 501 }, (_, i) => `n${i}`))).status).toBe(400);
  });

  it("checks token, character and scope on authenticated routes", async () => {
    const path = `/characters/${ALICE}/location`;
    const missing = await esiGet(fake, path);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ error: "authorization not provided", sso_status: 401 });
    expect((await esiGet(fake, path, bearer("not.a.jwt"))).status).toBe(403);

    const bobToken = await fake.issueAccessToken(BOB, ["esi-location.read_location.v1"]);
    const wrongCharacter = await esiGet(fake, path, bearer(bobToken));
    expect(wrongCharacter.status).toBe(403);

    const noScope = await esiGet(fake, path, bearer(await fake.issueAccessToken(ALICE, ["esi-location.read_ship_type.v1"])));
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toEqual({ error: "token not valid for scope" });

    // A single scope arrives as a string claim and must still count.
    const ok = await esiGet(fake, path, bearer(await fake.issueAccessToken(ALICE, ["esi-location.read_location.v1"])));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("private, max-age=5");
    expect(Date.parse(ok.headers.get("expires")!) - Date.parse(ok.headers.get("date")!)).toBe(5000);
    expect(await ok.json()).toEqual({ solar_system_id: 30000142, station_id: 60003760 });

    const bobAll = await fake.issueAccessToken(BOB, ["esi-location.read_ship_type.v1", "esi-location.read_online.v1", "esi-location.read_location.v1"]);
    expect(await (await esiGet(fake, `/characters/${BOB}/location`, bearer(bobAll))).json()).toEqual({ solar_system_id: 30000142 });
    expect(await (await esiGet(fake, `/characters/${BOB}/ship`, bearer(bobAll))).json()).toMatchObject({ ship_type_id: 670 });
    expect(await (await esiGet(fake, `/characters/${BOB}/online`, bearer(bobAll))).json()).toMatchObject({ online: false });
  });

  it("limits corporation members to members and denies structures without docking access", async () => {
    const scope = "esi-corporations.read_corporation_membership.v1";
    const members = await esiGet(fake, `/corporations/${DEMO.corporations.logistics}/members`, bearer(await fake.issueAccessToken(ALICE, [scope])));
    expect(await members.json()).toEqual([ALICE, DEMO.characters.aliceAlt]);
    const outsider = await esiGet(fake, `/corporations/${DEMO.corporations.logistics}/members`, bearer(await fake.issueAccessToken(BOB, [scope])));
    expect(outsider.status).toBe(403);

    const token = bearer(await fake.issueAccessToken(ALICE, ["esi-universe.read_structures.v1"]));
    expect(await (await esiGet(fake, `/universe/structures/${DEMO.structures.tradeHub}`, token)).json()).toMatchObject({ solar_system_id: 30000142 });
    expect((await esiGet(fake, `/universe/structures/${DEMO.structures.deniedKeepstar}`, token)).status).toBe(403);
    expect((await esiGet(fake, "/universe/structures/1000000000001", token)).status).toBe(404);
  });

  it("injects faults a given number of times on matching paths", async () => {
    fake.setEsiFault({ status: 504, times: 2, path: /^\/universe\/factions$/ });
    const first = await esiGet(fake, "/latest/universe/factions/");
    expect(first.status).toBe(504);
    expect(await first.json()).toEqual({ error: expect.any(String), timeout: 10 });
    expect((await esiGet(fake, `/characters/${ALICE}`)).status).toBe(200); // other paths unaffected
    expect((await esiGet(fake, "/universe/factions")).status).toBe(504);
    const third = await esiGet(fake, "/universe/factions");
    expect(third.status).toBe(200);
    expect(third.headers.get("x-esi-error-limit-remain")).toBe("98"); // each fault cost one error

    fake.setEsiFault({ status: 502 });
    for (let i = 0; i < 3; i++) expect((await esiGet(fake, "/universe/factions")).status).toBe(502);
    fake.setEsiFault(null);
    expect((await esiGet(fake, "/universe/factions")).status).toBe(200);
  });
});

describe("fake ESI error limit", () => {
  let fake: FakeEve;
  beforeAll(async () => {
    fake = await startDemo({ errorLimit: 3, errorWindowSeconds: 60 });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it("answers 420 to everything once the budget is spent, until the window resets", async () => {
    const ok = await esiGet(fake, "/universe/factions");
    expect(ok.headers.get("x-esi-error-limit-remain")).toBe("3");
    expect(ok.headers.get("x-esi-error-limit-reset")).toBe("60");

    for (const remain of ["2", "1", "0"]) {
      const response = await esiGet(fake, "/characters/90999999");
      expect(response.status).toBe(404);
      expect(response.headers.get("x-esi-error-limit-remain")).toBe(remain);
    }
    fake.advanceClock(20);
    for (const path of ["/universe/factions", "/characters/90999999"]) {
      const limited = await esiGet(fake, path);
      expect(limited.status).toBe(420);
      expect(await limited.json()).toEqual({ error: ERROR_LIMIT_MESSAGE });
      expect(limited.headers.get("x-esi-error-limit-remain")).toBe("0");
      expect(limited.headers.get("x-esi-error-limit-reset")).toBe("40");
    }
    expect((await esiPost(fake, "/characters/affiliation", [ALICE])).status).toBe(420);

    fake.advanceClock(40);
    const reset = await esiGet(fake, "/universe/factions");
    expect(reset.status).toBe(200);
    expect(reset.headers.get("x-esi-error-limit-remain")).toBe("3");

    for (let i = 0; i < 3; i++) await esiGet(fake, "/nope/");
    expect((await esiGet(fake, "/universe/factions")).status).toBe(420);
    fake.resetErrorLimit();
    expect((await esiGet(fake, "/universe/factions")).status).toBe(200);
  });
});

describe("fake EVE production quirks", () => {
  let fake: FakeEve;
  beforeAll(async () => {
    fake = await startDemo({ rateLimitGroups: { status: { name: "status", maxTokens: 6, windowSeconds: 60 } } });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it("answers only the documented paths: no trailing slash, except in the legacy versioned style", async () => {
    expect((await esiGet(fake, `/characters/${ALICE}`)).status).toBe(200);
    expect((await esiGet(fake, `/characters/${ALICE}/`)).status).toBe(404);
    expect((await esiPost(fake, "/characters/affiliation/", [ALICE])).status).toBe(404);
    expect((await esiGet(fake, `/latest/characters/${ALICE}/`)).status).toBe(200);
  });

  it("refuses compatibility dates in the future or before the minimum, echoes the effective one and answers in its schema", async () => {
    const today = new Date(fake.now() - 11 * 3_600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(fake.now() + 13 * 3_600_000).toISOString().slice(0, 10);
    expect((await esiGet(fake, "/universe/factions", { "x-compatibility-date": tomorrow })).status).toBe(400);
    expect((await esiGet(fake, "/universe/factions", { "x-compatibility-date": "2019-12-31" })).status).toBe(400);
    const ok = await esiGet(fake, "/universe/factions", { "x-compatibility-date": today });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-compatibility-date")).toBe(today);
    expect((await esiGet(fake, "/universe/factions")).headers.get("x-compatibility-date")).toBe("2020-01-01");

    const corp = `/corporations/${DEMO.corporations.vanguard}`;
    const before = await (await esiGet(fake, corp, { "x-compatibility-date": "2025-09-30" })).json();
    expect(before).toMatchObject({ faction_id: DEMO.factionId, tax_rate: 0.1 });
    expect(before).not.toHaveProperty("enlisted_faction_id");
    const after = await (await esiGet(fake, corp, { "x-compatibility-date": "2026-08-18" })).json();
    expect(after).toMatchObject({ enlisted_faction_id: DEMO.factionId, tax_rates: expect.any(Array) });
    expect(after).not.toHaveProperty("faction_id");
    expect(after).not.toHaveProperty("tax_rate");
  });

  it("refuses duplicate ids in bulk bodies, leaves out biomassed characters and 404s names with a character younger than an hour", async () => {
    expect((await esiPost(fake, "/characters/affiliation", [ALICE, ALICE])).status).toBe(400);
    expect((await esiPost(fake, "/universe/names", [ALICE, ALICE])).status).toBe(400);
    fake.addCharacter({ id: 95_000_001, name: "Fresh Pilot", corporationId: DEMO.corporations.logistics, accountId: DEMO.accounts.alice, createdAt: fake.now() });
    expect((await esiPost(fake, "/universe/names", [ALICE, 95_000_001])).status).toBe(404);
    fake.advanceClock(3601);
    expect((await esiPost(fake, "/universe/names", [ALICE, 95_000_001])).status).toBe(200);
    fake.biomassCharacter(95_000_001);
    const rows = await (await esiPost(fake, "/characters/affiliation", [ALICE, 95_000_001])).json();
    expect(rows.map((r: { character_id: number }) => r.character_id)).toEqual([ALICE]);
    expect(await (await esiGet(fake, "/characters/95000001")).json()).toMatchObject({ corporation_id: 1000001 });
  });

  it("rate-limits grouped routes with X-Ratelimit-* headers instead of the error limit, and 429 + Retry-After when spent", async () => {
    fake.resetErrorLimit();
    const first = await esiGet(fake, "/status");
    expect(first.headers.get("x-ratelimit-group")).toBe("status");
    expect(first.headers.get("x-ratelimit-limit")).toBe("6/1m");
    expect(first.headers.get("x-ratelimit-used")).toBe("2");
    expect(first.headers.get("x-esi-error-limit-remain")).toBeNull();
    await esiGet(fake, "/status");
    await esiGet(fake, "/status");
    const limited = await esiGet(fake, "/status");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await esiGet(fake, "/universe/factions")).headers.get("x-esi-error-limit-remain")).toBe("100");
    fake.advanceClock(61);
    expect((await esiGet(fake, "/status")).status).toBe(200);
  });

  it("expires refresh tokens, refuses retired scopes and answers 429 with Retry-After when switched on", async () => {
    const a = await login(fake, ALICE, ["publicData"]);
    fake.setTokenRateLimit(30);
    const limited = await refresh(fake, a.refresh_token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    fake.setTokenRateLimit(null);
    fake.retireScope("esi-retired.v1");
    const b = await login(fake, BOB, ["esi-retired.v1"]);
    expect(await (await refresh(fake, b.refresh_token)).json()).toMatchObject({ error: "invalid_scope" });
    fake.expireRefreshTokens(ALICE);
    expect(await (await refresh(fake, a.refresh_token)).json()).toEqual({ error: "invalid_token", error_description: "The refresh token is expired." });
  });
});

describe("fake EVE lifecycle", () => {
  it("stops promptly even with keep-alive connections open, and survives garbage", async () => {
    const fake = await startDemo({ errorLimit: 1000 });
    await esiGet(fake, "/status");
    await fetch(`${fake.ssoUrl}/oauth/jwks`);
    const garbage = await fetch(`${fake.ssoUrl}/v2/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "%%%&&==" });
    expect(garbage.status).toBe(400);
    expect((await esiPost(fake, "/universe/ids", { not: "an array" })).status).toBe(400);
    expect(() => fake.setNextLogin({ characterId: 12345 })).toThrow();
    const started = Date.now();
    await fake.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
