/**
 * The fake Discord's rules over real HTTP: versioning, auth and User-Agent, OAuth2 (authorize, token,
 * single-use rotating refresh, PKCE), guild/roles/members semantics with exact statuses and codes,
 * hierarchy and owner rules, rate-limit headers and 429 bodies, the invalid-request ban, faults,
 * paging and seeding.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DISCORD_DEMO, PERMISSIONS, seedDemoDiscord, startFakeDiscord, type FakeDiscord, type SeedGuild } from "../fakes/discord/index";

const APP = { clientId: "111111111111111111", clientSecret: "app-secret", botToken: "bot-token", redirectUris: ["http://127.0.0.1:9/discord/callback"], name: "AA" };
const OTHER = { clientId: "222222222222222222", clientSecret: "other-secret", redirectUris: ["http://127.0.0.1:9/other"] };
const UA = "DiscordBot (https://example.com, 1.0)";

let fake: FakeDiscord;
let g: SeedGuild;
let alice: string;

beforeEach(async () => {
  fake = await startFakeDiscord({ app: APP, otherClients: [OTHER] });
  alice = fake.addUser({ username: "alice" }).id;
  g = fake.addGuild({ name: "Test Guild" });
});
afterEach(async () => fake.stop());

async function api(method: string, path: string, options: { body?: unknown; auth?: string | null; ua?: string | null; raw?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.auth !== null) headers.authorization = options.auth ?? `Bot ${APP.botToken}`;
  if (options.ua !== null) headers["user-agent"] = options.ua ?? UA;
  let body: string | undefined;
  if (options.body !== undefined || options.raw !== undefined) {
    body = options.raw ?? JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json";
  }
  const response = await fetch(`${fake.url}${path.startsWith("/api") ? path : `/api/v10${path}`}`, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function token(form: Record<string, string>, auth: string | null = `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString("base64")}`, contentType = "application/x-www-form-urlencoded") {
  return fetch(`${fake.url}/api/oauth2/token`, { method: "POST", headers: { "content-type": contentType, ...(auth ? { authorization: auth } : {}) }, body: contentType.includes("json") ? JSON.stringify(form) : new URLSearchParams(form).toString() });
}

function authorizeQuery(extra: Record<string, string> = {}) {
  return new URLSearchParams({ response_type: "code", client_id: APP.clientId, scope: "identify guilds.join", redirect_uri: APP.redirectUris[0], state: "s-123", ...extra });
}

async function codeFor(userId: string, extra: Record<string, string> = {}) {
  fake.setNextAuthorization({ userId });
  const response = await fetch(`${fake.url}/oauth2/authorize?${authorizeQuery(extra)}`, { redirect: "manual" });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(location.searchParams.get("state")).toBe("s-123");
  return location.searchParams.get("code")!;
}

describe("transport", () => {
  it("serves REST only under /api/v10 and refuses other versions", async () => {
    expect((await api("GET", `/api/guilds/${g.guildId}`)).status).toBe(404);
    expect((await api("GET", `/api/v9/guilds/${g.guildId}`)).json).toEqual({ message: "Invalid API version provided", code: 50041 });
    expect((await api("GET", `/guilds/${g.guildId}`)).status).toBe(200);
  });

  it("answers 401 {code 0} without a valid Bot token and 403 40333 without a DiscordBot User-Agent, counting both as invalid", async () => {
    for (const auth of [null, "Bot wrong", `Bearer ${APP.botToken}`]) {
      const r = await api("GET", `/guilds/${g.guildId}`, { auth });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ message: "401: Unauthorized", code: 0 });
    }
    const badUa = await api("GET", `/guilds/${g.guildId}`, { ua: "Mozilla/5.0" });
    expect([badUa.status, badUa.json]).toEqual([403, { message: "internal network error", code: 40333 }]);
    expect(fake.invalidRequestCount()).toBe(4);
  });

  it("bans with a plain-text 429 (error code: 1015) once the invalid-request limit is reached", async () => {
    fake.setInvalidRequestLimit(3);
    for (let i = 0; i < 3; i++) expect((await api("GET", `/guilds/${g.guildId}`, { auth: "Bot nope" })).status).toBe(401);
    const banned = await api("GET", `/guilds/${g.guildId}`);
    expect(banned.status).toBe(429);
    expect(banned.text).toBe("error code: 1015");
    expect(banned.headers.get("content-type")).toBe("text/plain");
    expect(banned.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("injects server errors and slow answers", async () => {
    fake.setFault({ status: 502, times: 1, route: /members/ });
    expect((await api("GET", `/guilds/${g.guildId}`)).status).toBe(200);
    expect((await api("GET", `/guilds/${g.guildId}/members/${g.ownerId}`)).status).toBe(502);
    expect((await api("GET", `/guilds/${g.guildId}/members/${g.ownerId}`)).status).toBe(200);
    fake.setFault({ delayMs: 300, times: 1 });
    const started = Date.now();
    expect((await api("GET", `/guilds/${g.guildId}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});

describe("OAuth2", () => {
  it("shows the authorize page, echoes state to the redirect URI, and reports denial as access_denied", async () => {
    const page = await fetch(`${fake.url}/oauth2/authorize?${authorizeQuery()}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Continue as alice");
    const picked = await fetch(`${fake.url}/oauth2/authorize`, { method: "POST", body: new URLSearchParams({ query: authorizeQuery().toString(), username: "newbie" }), redirect: "manual" });
    const location = new URL(picked.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(APP.redirectUris[0]);
    expect(location.searchParams.get("state")).toBe("s-123");
    expect(location.searchParams.get("code")).toBeTruthy();
    const denied = await fetch(`${fake.url}/oauth2/authorize`, { method: "POST", body: new URLSearchParams({ query: authorizeQuery().toString(), action: "deny" }), redirect: "manual" });
    const deniedAt = new URL(denied.headers.get("location")!);
    expect(deniedAt.searchParams.get("error")).toBe("access_denied");
    expect(deniedAt.searchParams.get("state")).toBe("s-123");
    // An unregistered redirect_uri never gets a redirect.
    const wrong = await fetch(`${fake.url}/oauth2/authorize?${authorizeQuery({ redirect_uri: "http://evil.example/cb" })}`, { redirect: "manual" });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get("location")).toBeNull();
    expect((await fetch(`${fake.url}/api/oauth2/authorize?${authorizeQuery()}`, { redirect: "manual" })).headers.get("location")).toMatch(/^\/oauth2\/authorize\?/);
  });

  it("exchanges a code once, bound to its redirect URI and client; refresh tokens rotate and are single-use", async () => {
    expect(await (await token({ grant_type: "authorization_code", code: "x", redirect_uri: APP.redirectUris[0] }, null, "application/json")).json()).toEqual({ error: "unsupported_grant_type" });
    const code = await codeFor(alice);
    const badClient = await token({ grant_type: "authorization_code", code, redirect_uri: APP.redirectUris[0] }, `Basic ${Buffer.from(`${APP.clientId}:wrong`).toString("base64")}`);
    expect([badClient.status, await badClient.json()]).toEqual([401, { error: "invalid_client" }]);
    const mismatch = await token({ grant_type: "authorization_code", code: await codeFor(alice), redirect_uri: "http://127.0.0.1:9/other" });
    expect(await mismatch.json()).toEqual({ error: "invalid_grant", error_description: 'Invalid "redirect_uri" in request.' });
    // Client credentials in the form work too.
    const ok = await token({ grant_type: "authorization_code", code, redirect_uri: APP.redirectUris[0], client_id: APP.clientId, client_secret: APP.clientSecret }, null);
    const tokens = await ok.json();
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 604800, scope: "identify guilds.join" });
    const reused = await token({ grant_type: "authorization_code", code, redirect_uri: APP.redirectUris[0] });
    expect([reused.status, await reused.json()]).toEqual([400, { error: "invalid_grant", error_description: 'Invalid "code" in request.' }]);

    expect((await api("GET", "/users/@me", { auth: `Bearer ${tokens.access_token}` })).json).toMatchObject({ id: alice, username: "alice", discriminator: "0" });
    const refreshed = await (await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).json();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const again = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(await again.json()).toEqual({ error: "invalid_grant", error_description: 'Invalid "refresh_token" in request.' });
    expect((await api("GET", "/users/@me", { auth: `Bearer ${tokens.access_token}` })).status).toBe(401);
    expect((await api("GET", "/users/@me", { auth: `Bearer ${refreshed.access_token}` })).status).toBe(200);
  });

  it("checks the PKCE verifier when a challenge was sent", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const code = await codeFor(alice, { code_challenge: challenge, code_challenge_method: "S256" });
    expect((await token({ grant_type: "authorization_code", code, redirect_uri: APP.redirectUris[0], code_verifier: "wrong" })).status).toBe(400);
    const code2 = await codeFor(alice, { code_challenge: challenge, code_challenge_method: "S256" });
    expect((await token({ grant_type: "authorization_code", code: code2, redirect_uri: APP.redirectUris[0], code_verifier: verifier })).status).toBe(200);
  });

  it("adds the bot through the bot authorization flow with a managed role holding the permissions", async () => {
    const other = fake.world.addGuild({ name: "Second", ownerId: alice });
    const q = new URLSearchParams({ client_id: APP.clientId, scope: "bot", permissions: "402653187", guild_id: other.id, disable_guild_select: "true" });
    expect(await (await fetch(`${fake.url}/oauth2/authorize?${q}`)).text()).toContain("Authorize in Second");
    const done = await fetch(`${fake.url}/oauth2/authorize`, { method: "POST", body: new URLSearchParams({ query: q.toString(), guild_id: other.id }) });
    expect(await done.text()).toContain("Authorized");
    const botRole = fake.roles(other.id).find((r) => r.managed)!;
    expect([botRole.name, botRole.permissions]).toEqual(["AA", 402653187n]);
    expect(fake.member(other.id, fake.botUserId)?.roles).toEqual([botRole.id]);
  });
});

describe("guild, roles and members", () => {
  function joinToken(userId: string, scopes?: string[], clientId?: string) {
    return fake.issueToken(userId, scopes, clientId).access_token;
  }

  it("creates roles (200 + body, position 1), refuses long names (50035 tree) and the 251st role (30005)", async () => {
    const created = await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "Pilots" } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ name: "Pilots", position: 1, managed: false, permissions: "0" });
    const long = await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "x".repeat(101) } });
    expect(long.status).toBe(400);
    expect(long.json).toMatchObject({ code: 50035, errors: { name: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
    fake.setBucketLimit("role-create", { limit: 1000, windowMs: 1000 });
    while (fake.roles(g.guildId).length < 250) fake.addRole(g.guildId, { name: `r${fake.roles(g.guildId).length}`, position: 1 });
    const full = await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "one too many" } });
    expect([full.status, full.json.code]).toEqual([400, 30005]);
  });

  it("enforces the hierarchy and managed roles with 50013, unknown roles with 10011", async () => {
    const high = fake.addRole(g.guildId, { name: "Above bot" }); // added last: above the bot's role
    const booster = fake.addRole(g.guildId, { name: "Booster", managed: true, position: 1 });
    expect((await api("DELETE", `/guilds/${g.guildId}/roles/${high.id}`)).json).toEqual({ message: "Missing Permissions", code: 50013 });
    expect((await api("DELETE", `/guilds/${g.guildId}/roles/${booster.id}`)).json.code).toBe(50013);
    expect((await api("DELETE", `/guilds/${g.guildId}/roles/999999999999999999`)).json).toEqual({ message: "Unknown Role", code: 10011 });
    const low = (await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "Low" } })).json;
    expect((await api("DELETE", `/guilds/${g.guildId}/roles/${low.id}`)).status).toBe(204);
    fake.addMember(g.guildId, alice);
    const patch = (roles: string[]) => api("PATCH", `/guilds/${g.guildId}/members/${alice}`, { body: { roles } });
    expect((await patch([high.id])).json.code).toBe(50013);
    expect((await patch([booster.id])).json.code).toBe(50013);
    expect((await patch(["123456789012345678"])).json).toEqual({ message: "Unknown Role", code: 10011 });
  });

  it("refuses everything without the permission bits (50013)", async () => {
    const weak = fake.addGuild({ name: "Weak", botPermissions: 0n });
    expect((await api("POST", `/guilds/${weak.guildId}/roles`, { body: { name: "x" } })).json.code).toBe(50013);
    fake.addMember(weak.guildId, alice);
    expect((await api("DELETE", `/guilds/${weak.guildId}/members/${alice}`)).json.code).toBe(50013);
    expect((await api("PUT", `/guilds/${weak.guildId}/members/${fake.addUser({ username: "b" }).id}`, { body: { access_token: "x" } })).json.code).toBe(50025);
  });

  it("PUT member: 201 + body when added, 204 without applying roles or nick when already there; bad tokens 50025; bans 40007", async () => {
    const role = (await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "Member" } })).json;
    const added = await api("PUT", `/guilds/${g.guildId}/members/${alice}`, { body: { access_token: joinToken(alice), roles: [role.id], nick: "[ABC] Alice" } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ user: { id: alice }, roles: [role.id], nick: "[ABC] Alice" });
    const again = await api("PUT", `/guilds/${g.guildId}/members/${alice}`, { body: { access_token: joinToken(alice), roles: [], nick: "Other" } });
    expect([again.status, again.text]).toEqual([204, ""]);
    expect(fake.member(g.guildId, alice)).toEqual({ nick: "[ABC] Alice", roles: [role.id] });

    const bob = fake.addUser({ username: "bob" }).id;
    const invalid = { message: "Invalid OAuth2 access token", code: 50025 };
    expect((await api("PUT", `/guilds/${g.guildId}/members/${bob}`, { body: { access_token: joinToken(alice) } })).json).toEqual(invalid);
    expect((await api("PUT", `/guilds/${g.guildId}/members/${bob}`, { body: { access_token: joinToken(bob, ["identify"]) } })).json).toEqual(invalid);
    expect((await api("PUT", `/guilds/${g.guildId}/members/${bob}`, { body: { access_token: joinToken(bob, undefined, OTHER.clientId) } })).json).toEqual(invalid);
    expect((await api("PUT", `/guilds/${g.guildId}/members/${bob}`, { body: {} })).json).toMatchObject({ code: 50035, errors: { access_token: { _errors: [{ code: "BASE_TYPE_REQUIRED" }] } } });
    fake.ban(g.guildId, bob);
    expect((await api("PUT", `/guilds/${g.guildId}/members/${bob}`, { body: { access_token: joinToken(bob) } })).json.code).toBe(40007);
  });

  it("PATCH member: 200 + body, roles replace the list, nick ≤ 32, owner untouchable; unknown member 10007 and unknown user 10013", async () => {
    const a = (await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "A" } })).json;
    const b = (await api("POST", `/guilds/${g.guildId}/roles`, { body: { name: "B" } })).json;
    fake.addMember(g.guildId, alice, { roles: [a.id] });
    const patched = await api("PATCH", `/guilds/${g.guildId}/members/${alice}`, { body: { roles: [b.id, g.guildId], nick: "Alice" } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ roles: [b.id], nick: "Alice" });
    expect((await api("PATCH", `/guilds/${g.guildId}/members/${alice}`, { body: { nick: "n".repeat(33) } })).json).toMatchObject({ code: 50035, errors: { nick: {} } });
    expect((await api("PATCH", `/guilds/${g.guildId}/members/${alice}`, { body: { nick: null } })).json.nick).toBeNull();
    expect((await api("PATCH", `/guilds/${g.guildId}/members/${g.ownerId}`, { body: { nick: "Boss" } })).json.code).toBe(50013);
    expect((await api("DELETE", `/guilds/${g.guildId}/members/${g.ownerId}`)).json.code).toBe(50013);
    const stranger = fake.addUser({ username: "stranger" }).id;
    for (const [method, body] of [["GET"], ["PATCH", { nick: "x" }], ["DELETE"]] as const) {
      expect((await api(method, `/guilds/${g.guildId}/members/${stranger}`, { body })).json).toEqual({ message: "Unknown Member", code: 10007 });
    }
    expect((await api("GET", `/guilds/${g.guildId}/members/999999999999999999`)).json.code).toBe(10013);
    expect((await api("DELETE", `/guilds/${g.guildId}/members/${alice}`)).status).toBe(204);
    expect(fake.member(g.guildId, alice)).toBeNull();
  });

  it("kicks and renames only members below the bot", async () => {
    const high = fake.addRole(g.guildId, { name: "Director" });
    fake.addMember(g.guildId, alice, { roles: [high.id] });
    expect((await api("DELETE", `/guilds/${g.guildId}/members/${alice}`)).json.code).toBe(50013);
    expect((await api("PATCH", `/guilds/${g.guildId}/members/${alice}`, { body: { nick: "x" } })).json.code).toBe(50013);
  });

  it("lists members in id order with limit (default 1) and after; 50001 without the GUILD_MEMBERS intent; seeds 50,000 quickly", async () => {
    expect((await api("GET", `/guilds/${g.guildId}/members?limit=1000`)).json).toEqual({ message: "Missing Access", code: 50001 });
    fake.setMembersIntent(true);
    const started = Date.now();
    const ids = fake.seedMembers(g.guildId, 50_000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await api("GET", `/guilds/${g.guildId}/members`)).json).toHaveLength(1);
    expect((await api("GET", `/guilds/${g.guildId}?with_counts=true`)).json.approximate_member_count).toBe(50_002);
    expect((await api("GET", `/guilds/${g.guildId}`)).json.approximate_member_count).toBeUndefined();
    expect((await api("GET", `/guilds/${g.guildId}/members?limit=1001`)).json.code).toBe(50035);
    const page = (await api("GET", `/guilds/${g.guildId}/members?limit=1000&after=${ids[999]}`)).json;
    expect(page).toHaveLength(1000);
    expect(page[0].user.id).toBe(ids[1000]);
    const last = (await api("GET", `/guilds/${g.guildId}/members?limit=1000&after=${ids[49_499]}`)).json;
    // The owner and the bot have larger ids than the seeded members: they come last.
    expect(last).toHaveLength(502);
    expect(last.slice(-2).map((m: { user: { id: string } }) => m.user.id).sort()).toEqual([fake.botUserId, g.ownerId].sort());
    expect(fake.callCount("GET /guilds/{guild.id}/members")).toBe(5);
  });
});

describe("demo seed", () => {
  it("gives a server where the bot sits above every role it must manage", async () => {
    seedDemoDiscord(fake);
    const { guildId, users } = DISCORD_DEMO;
    const member = fake.roleByName(guildId, "Member")!;
    const joined = await api("PUT", `/guilds/${guildId}/members/${users.aria}`, { body: { access_token: fake.issueToken(users.aria).access_token, roles: [member.id], nick: "[MRLOG] Aria Solenne" } });
    expect(joined.status).toBe(201);
    const booster = fake.roleByName(guildId, "Server Booster")!;
    expect((await api("PATCH", `/guilds/${guildId}/members/${users.aria}`, { body: { roles: [member.id, booster.id] } })).json.code).toBe(50013);
    expect((await api("GET", `/guilds/${guildId}/members?limit=10`)).json).toHaveLength(3);
  });
});

describe("rate limits", () => {
  it("sends bucket headers, and a 429 with a float retry_after, Retry-After and scope when the bucket is spent", async () => {
    fake.setBucketLimit("member", { limit: 2, windowMs: 2000 });
    const first = await api("GET", `/guilds/${g.guildId}/members/${g.ownerId}`);
    expect(first.headers.get("x-ratelimit-limit")).toBe("2");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
    expect(Number(first.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(1.5);
    expect(first.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    expect(first.headers.get("x-ratelimit-scope")).toBeNull();
    // PATCH member shares the bucket with GET member; another guild has its own window.
    fake.addMember(g.guildId, alice);
    const second = await api("PATCH", `/guilds/${g.guildId}/members/${alice}`, { body: {} });
    expect(second.headers.get("x-ratelimit-bucket")).toBe(first.headers.get("x-ratelimit-bucket"));
    const limited = await api("GET", `/guilds/${g.guildId}/members/${g.ownerId}`);
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ message: "You are being rate limited.", global: false });
    expect(limited.json.retry_after).toBeGreaterThan(1);
    expect(limited.json.retry_after).toBeLessThanOrEqual(2);
    expect(limited.headers.get("retry-after")).toBe(String(Math.ceil(limited.json.retry_after)));
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    const other = fake.addGuild({ name: "Other" });
    expect((await api("GET", `/guilds/${other.guildId}/members/${other.ownerId}`)).status).toBe(200);
    expect(fake.invalidRequestCount()).toBe(1);
  });

  it("has a global 50/s limit answered with global: true and no route headers", async () => {
    fake.setBucketLimit("guild", { limit: 1000, windowMs: 1000 });
    const results = await Promise.all(Array.from({ length: 60 }, () => api("GET", `/guilds/${g.guildId}`)));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0].json.global).toBe(true);
    expect(limited[0].headers.get("x-ratelimit-global")).toBe("true");
    expect(limited[0].headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("can force shared and sublimit 429s (shared ones are not invalid requests) and omit headers", async () => {
    fake.force429("guild", { retryAfter: 0.5, scope: "shared" });
    const shared = await api("GET", `/guilds/${g.guildId}`);
    expect([shared.status, shared.json.message, shared.headers.get("x-ratelimit-scope")]).toEqual([429, "The resource is being rate limited.", "shared"]);
    expect(fake.invalidRequestCount()).toBe(0);
    fake.force429("guild", { retryAfter: 0.25, sublimit: true });
    const sub = await api("GET", `/guilds/${g.guildId}`);
    expect(Number(sub.headers.get("x-ratelimit-remaining"))).toBeGreaterThan(0);
    expect(sub.json.retry_after).toBe(0.25);
    fake.omitRateLimitHeaders("roles", true);
    expect((await api("GET", `/guilds/${g.guildId}/roles`)).headers.get("x-ratelimit-bucket")).toBeNull();
    expect(fake.rateLimitedCount()).toBe(2);
    expect(PERMISSIONS.MANAGE_ROLES).toBe(1n << 28n);
  });
});
