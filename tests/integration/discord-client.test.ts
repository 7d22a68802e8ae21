/**
 * The Discord client against the fake Discord over real HTTP: endpoints and their results, error
 * classification, rate limits (learned buckets, 429 retry_after, global, shared and sublimit 429s,
 * long waits refused), retries on 5xx and timeouts, the invalid-request budget, OAuth2 helpers, the
 * rate-limit store on memory/PostgreSQL/MySQL, and two worker processes sharing one bucket.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DiscordApiError,
  DiscordClient,
  DiscordOAuthError,
  DiscordUnavailableError,
  KyselyRateLimitStore,
  MemoryRateLimitStore,
  createDiscordStrategy,
  cutNickname,
  discordAuthorizeUrl,
  discordBotInviteUrl,
  exchangeDiscordCode,
  refreshDiscordToken,
  revokeDiscordToken,
  type DiscordClientOptions,
  type RateLimitStore,
} from "~/connectors/discord/index.server";
import { createDb, type Database } from "../../db/index.server";
import { startFakeDiscord, type FakeDiscord, type SeedGuild } from "../fakes/discord/index";
import { clonePostgres, createMysql, dialectFreeTestsElsewhere, dialects } from "../support/db";

const APP = { clientId: "111111111111111111", clientSecret: "app-secret", botToken: "bot-token", redirectUris: ["http://127.0.0.1:9/discord/callback"], name: "AA" };
const MEMBER_ROUTE = "GET /guilds/{guild.id}/members/{user.id}";

let fake: FakeDiscord;
let g: SeedGuild;
let alice: string;

async function start() {
  fake = await startFakeDiscord({ app: APP });
  alice = fake.addUser({ username: "alice", globalName: "Alice" }).id;
  g = fake.addGuild({ name: "Test Guild" });
}

function client(options: Partial<DiscordClientOptions> = {}) {
  return new DiscordClient({ botToken: APP.botToken, apiBase: fake.apiBase, siteUrl: "https://auth.example.com", backoffMs: 20, ...options });
}

describe.skipIf(dialectFreeTestsElsewhere)("Discord client", () => {
  beforeEach(start);
  afterEach(async () => fake.stop());

  it("calls every endpoint with the bot token and a DiscordBot User-Agent, and reads v10 answers", async () => {
    const discord = client();
    expect(discord.userAgent).toMatch(/^DiscordBot \(https:\/\/auth\.example\.com, \d+\.\d+\.\d+\)$/);
    expect((await discord.getGuild(g.guildId)).name).toBe("Test Guild");
    const role = await discord.createRole(g.guildId, { name: "R".repeat(120) });
    expect(role.name).toHaveLength(100);
    expect((await discord.listRoles(g.guildId)).map((r) => r.id)).toContain(role.id);

    const accessToken = fake.issueToken(alice).access_token;
    expect(await discord.getCurrentUser(accessToken)).toMatchObject({ id: alice, username: "alice", global_name: "Alice" });
    expect(await discord.getMember(g.guildId, alice)).toBeNull();
    const added = await discord.addMember(g.guildId, alice, { accessToken, roles: [role.id], nick: `  ${"N".repeat(40)}  ` });
    expect(added).toMatchObject({ added: true, member: { roles: [role.id], nick: "N".repeat(32) } });
    expect(await discord.addMember(g.guildId, alice, { accessToken, roles: [] })).toEqual({ added: false });
    const patched = await discord.modifyMember(g.guildId, alice, { roles: [], nick: "[TICK] Alice" }, "sync");
    expect(patched).toMatchObject({ roles: [], nick: "[TICK] Alice" });
    expect(fake.callCount("PATCH /guilds/{guild.id}/members/{user.id}")).toBe(1);
    const patch = fake.requests.find((r) => r.method === "PATCH")!;
    expect(patch.headers["x-audit-log-reason"]).toBe("sync");
    expect(patch.headers.authorization).toBe(`Bot ${APP.botToken}`);
    expect(fake.requests.find((r) => r.method === "PUT")!.headers["x-audit-log-reason"]).toBeUndefined();
    await discord.removeMember(g.guildId, alice);
    expect(fake.member(g.guildId, alice)).toBeNull();
    await discord.deleteRole(g.guildId, role.id);
    expect(fake.roleByName(g.guildId, role.name)).toBeUndefined();
    expect(fake.rateLimitedCount()).toBe(0);
    await expect(discord.getMember(g.guildId, "../1")).rejects.toThrow(TypeError);
  });

  it("classifies errors: 10007 unknown member, 50013 missing permissions, 50025 invalid user token, not transient", async () => {
    const discord = client();
    const stranger = fake.addUser({ username: "stranger" }).id;
    const unknown = await discord.modifyMember(g.guildId, stranger, { nick: "x" }).catch((e) => e);
    expect(unknown).toBeInstanceOf(DiscordApiError);
    expect([unknown.status, unknown.code, unknown.unknownMember, unknown.transient]).toEqual([404, 10007, true, false]);
    const owner = await discord.modifyMember(g.guildId, g.ownerId, { nick: "x" }).catch((e) => e);
    expect([owner.code, owner.missingPermissions]).toEqual([50013, true]);
    const badToken = await discord.addMember(g.guildId, stranger, { accessToken: "nope" }).catch((e) => e);
    expect(badToken.invalidUserToken).toBe(true);
    expect((await discord.deleteRole(g.guildId, "123456789012345678").catch((e) => e)).unknownRole).toBe(true);
  });

  it("reads 10,000 members in pages of 1,000: 10 pages, and one short call that ends the list", async () => {
    fake.setMembersIntent(true);
    fake.seedMembers(g.guildId, 9_998); // plus the owner and the bot: 10,000
    fake.setBucketLimit("members-list", { limit: 50, windowMs: 1000 });
    const discord = client();
    const pages: number[] = [];
    for await (const page of discord.listMembers(g.guildId)) pages.push(page.length);
    expect(pages).toEqual(Array(10).fill(1000));
    // Discord gives no total: a full last page needs one more (empty) call to know it was the last.
    expect(fake.callCount("GET /guilds/{guild.id}/members")).toBe(11);
    fake.clearRequests();
    fake.seedMembers(g.guildId, 1); // 10,001: the 11th page is short, nothing more is asked
    let total = 0;
    for await (const page of discord.listMembers(g.guildId)) total += page.length;
    expect([total, fake.callCount("GET /guilds/{guild.id}/members")]).toEqual([10_001, 11]);
  });

  it("learns the bucket from the headers and never hits a 429 on it", async () => {
    fake.setBucketLimit("member", { limit: 3, windowMs: 600 });
    const discord = client();
    const started = Date.now();
    for (let i = 0; i < 10; i++) await discord.getMember(g.guildId, g.ownerId);
    expect(fake.rateLimitedCount()).toBe(0);
    expect(fake.callCount(MEMBER_ROUTE)).toBe(10);
    // 10 requests at 3 per 600 ms need at least three refills.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1700);
  });

  it("honours a 429's retry_after (seconds) and retries once it has passed", async () => {
    fake.force429("member", { retryAfter: 0.4 });
    const discord = client();
    const started = Date.now();
    expect((await discord.getMember(g.guildId, g.ownerId))?.user.id).toBe(g.ownerId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(fake.callCount(MEMBER_ROUTE)).toBe(2);
    expect(fake.rateLimitedCount()).toBe(1);
  });

  it("does not sleep on a long retry_after: fails with retryAt and leaves other routes alone", async () => {
    fake.force429("role-create", { retryAfter: 100_000 });
    const discord = client();
    const error = await discord.createRole(g.guildId, { name: "x" }).catch((e) => e);
    expect(error).toBeInstanceOf(DiscordUnavailableError);
    expect(error.reason).toBe("rate_limited");
    expect(error.retryAt.getTime()).toBeGreaterThan(Date.now() + 99_000_000);
    // The role bucket is blocked without another request; members are not.
    expect((await discord.createRole(g.guildId, { name: "y" }).catch((e) => e)).reason).toBe("rate_limited");
    expect(fake.callCount("POST /guilds/{guild.id}/roles")).toBe(1);
    expect(await discord.getMember(g.guildId, g.ownerId)).not.toBeNull();
  });

  it("keeps under the global 50/s in any second without a single 429", async () => {
    fake.setBucketLimit("member", { limit: 1000, windowMs: 1000 });
    const discord = client();
    const started = Date.now();
    await Promise.all(Array.from({ length: 120 }, () => discord.getMember(g.guildId, g.ownerId)));
    expect(fake.rateLimitedCount()).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it("stops everything on a global 429, and only the one request on a sublimit or shared 429", async () => {
    const store = new MemoryRateLimitStore();
    const discord = client({ store });
    fake.force429("guild", { retryAfter: 0.3, scope: "global" });
    await discord.getGuild(g.guildId);
    expect(await store.acquire("global", Date.now())).toBe(0);
    fake.force429("member", { retryAfter: 0.2, sublimit: true });
    fake.force429("roles", { retryAfter: 0.2, scope: "shared" });
    await Promise.all([discord.getMember(g.guildId, g.ownerId), discord.listRoles(g.guildId)]);
    expect(fake.rateLimitedCount()).toBe(3);
    // The global 429 and the sublimit count as invalid requests; the shared one does not.
    expect((await store.invalidCount(Date.now())).count).toBe(2);
  });

  it("retries 5xx and timeouts with backoff (not POST), then reports them as transient", async () => {
    const discord = client({ maxRetries: 2, timeoutMs: 200 });
    fake.setFault({ status: 502, times: 2 });
    expect(await discord.getMember(g.guildId, g.ownerId)).not.toBeNull();
    expect(fake.callCount(MEMBER_ROUTE)).toBe(3);
    fake.setFault({ status: 500 });
    const failed = await discord.getGuild(g.guildId).catch((e) => e);
    expect([failed.status, failed.transient]).toEqual([500, true]);
    expect(fake.callCount("GET /guilds/{guild.id}")).toBe(3);
    expect((await discord.createRole(g.guildId, { name: "once" }).catch((e) => e)).status).toBe(500);
    expect(fake.callCount("POST /guilds/{guild.id}/roles")).toBe(1);
    fake.setFault({ delayMs: 500, times: 1 });
    expect(await discord.getMember(g.guildId, g.ownerId)).not.toBeNull();
    fake.setFault({ delayMs: 500 });
    const slow = await discord.getGuild(g.guildId).catch((e) => e);
    expect([slow.constructor, slow.reason]).toEqual([DiscordUnavailableError, "timeout"]);
    fake.setFault(null);
  });

  it("stops calling long before Discord's invalid-request ban, and survives a Cloudflare ban", async () => {
    const discord = client({ invalidBudget: 5 });
    for (let i = 0; i < 5; i++) await discord.modifyMember(g.guildId, g.ownerId, { nick: "x" }).catch(() => {});
    const sent = fake.totalCalls();
    const refused = await discord.getGuild(g.guildId).catch((e) => e);
    expect(refused.reason).toBe("invalid_request_budget");
    expect(fake.totalCalls()).toBe(sent);

    fake.setInvalidRequestLimit(0);
    const banned = await client().getGuild(g.guildId).catch((e) => e);
    expect([banned.constructor, banned.reason]).toEqual([DiscordUnavailableError, "cloudflare_ban"]);
  });

  it("stops using a bot token Discord refused", async () => {
    const discord = client({ botToken: "wrong" });
    expect((await discord.getGuild(g.guildId).catch((e) => e)).unauthorized).toBe(true);
    expect((await discord.getGuild(g.guildId).catch((e) => e)).reason).toBe("token_rejected");
    expect(fake.totalCalls()).toBe(1);
  });

  it("runs the OAuth2 round trip: authorize URL, code exchange, identity, rotating refresh", async () => {
    const config = { clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUri: APP.redirectUris[0], authorizeUrl: fake.authorizeUrl, tokenUrl: fake.tokenUrl };
    const url = discordAuthorizeUrl(config, { state: "st" });
    expect(new URL(url).searchParams.get("scope")).toBe("identify guilds.join");
    fake.setNextAuthorization({ userId: alice });
    const callback = new URL((await fetch(url, { redirect: "manual" })).headers.get("location")!);
    expect(callback.searchParams.get("state")).toBe("st");
    const tokens = await exchangeDiscordCode(config, callback.searchParams.get("code")!);
    expect(tokens.scopes).toEqual(["identify", "guilds.join"]);
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 604_000_000);
    expect((await client().getCurrentUser(tokens.accessToken)).id).toBe(alice);
    const refreshed = await refreshDiscordToken(config, tokens.refreshToken);
    const reused = await refreshDiscordToken(config, tokens.refreshToken).catch((e) => e);
    expect(reused).toBeInstanceOf(DiscordOAuthError);
    expect(reused.invalidGrant).toBe(true);
    expect((await client().addMember(g.guildId, alice, { accessToken: refreshed.accessToken })).added).toBe(true);
    await revokeDiscordToken(config, refreshed.refreshToken);
    expect((await client().getCurrentUser(refreshed.accessToken).catch((e) => e)).unauthorized).toBe(true);
    const denied = await exchangeDiscordCode({ ...config, clientSecret: "bad" }, "x").catch((e) => e);
    expect([denied.status, denied.error]).toEqual([401, "invalid_client"]);
    const invite = new URL(discordBotInviteUrl({ clientId: APP.clientId, guildId: g.guildId }));
    expect(Object.fromEntries(invite.searchParams)).toEqual({ client_id: APP.clientId, scope: "bot", permissions: "402653187", guild_id: g.guildId, disable_guild_select: "true" });
    expect(cutNickname("   ")).toBeNull();
    expect(cutNickname("😀".repeat(40))).toBe("😀".repeat(32));
  });

  it("gives a remix-auth-oauth2 strategy that completes the round trip with state and PKCE", async () => {
    const config = { clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUri: APP.redirectUris[0], authorizeUrl: fake.authorizeUrl, tokenUrl: fake.tokenUrl };
    const strategy = createDiscordStrategy({ ...config, cookie: { name: "dc", path: "/" } }, async (tokens) => tokens);
    const redirect = await strategy.authenticate(new Request("http://127.0.0.1:9/discord/activate")).catch((r) => r as Response);
    expect(redirect).toBeInstanceOf(Response);
    const location = new URL((redirect as Response).headers.get("location")!);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("scope")).toBe("identify guilds.join");
    const cookie = (redirect as Response).headers.get("set-cookie")!.split(";")[0];
    fake.setNextAuthorization({ userId: alice });
    const callback = (await fetch(location, { redirect: "manual" })).headers.get("location")!;
    // A callback without the strategy's cookie (forged or replayed elsewhere) is refused.
    await expect(strategy.authenticate(new Request(callback))).rejects.toThrow();
    fake.setNextAuthorization({ userId: alice });
    const callback2 = (await fetch(location, { redirect: "manual" })).headers.get("location")!;
    const tokens = await strategy.authenticate(new Request(callback2, { headers: { cookie } }));
    expect(tokens.scopes).toEqual(["identify", "guilds.join"]);
    expect((await client().getCurrentUser(tokens.accessToken)).id).toBe(alice);
  });
});

// ---- the store, on each backend ----------------------------------------------------------------

const backends: { name: string; skip: boolean; make: () => Promise<{ store: RateLimitStore; url?: string; db?: Database }> }[] = [
  { name: "memory", skip: false, make: async () => ({ store: new MemoryRateLimitStore() }) },
  ...dialects.map(({ dialect, skip }) => ({
    name: dialect,
    skip,
    make: async () => {
      const url = dialect === "postgres" ? await clonePostgres() : await createMysql();
      const db = createDb(url, { poolSize: 6 });
      return { store: new KyselyRateLimitStore(db), url, db };
    },
  })),
];

describe.each(backends)("rate-limit store on $name", ({ name, skip, make }) => {
  let store: RateLimitStore;
  let url: string | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    if (!skip) ({ store, url, db } = await make());
  });
  afterAll(async () => db?.destroy());

  it.skipIf(skip)("takes, refills, learns from headers conservatively, blocks, and counts invalid requests", async () => {
    const now = 1_000_000;
    expect(await store.acquire("b:x:1", now)).toBe(0); // unknown window: go
    await store.update("b:x:1", 3, 1, 1000, now);
    expect(await store.acquire("b:x:1", now + 10)).toBe(0);
    expect(await store.acquire("b:x:1", now + 20)).toBe(990 - 10);
    // A late header saying more remain does not raise the count within the window.
    await store.update("b:x:1", 3, 2, 900, now + 30);
    expect(await store.acquire("b:x:1", now + 40)).toBeGreaterThan(0);
    // After the reset: limit - 1 left.
    expect(await store.acquire("b:x:1", now + 1001)).toBe(0);
    expect(await store.acquire("b:x:1", now + 1002)).toBe(0);
    expect(await store.acquire("b:x:1", now + 1003)).toBe(0);
    expect(await store.acquire("b:x:1", now + 1004)).toBeGreaterThan(0);
    await store.block("b:y:1", now + 5000, now);
    expect(await store.acquire("b:y:1", now + 100)).toBe(4900);
    expect(await store.acquireFixed("global", 2, 250, now)).toBe(0);
    expect(await store.acquireFixed("global", 2, 250, now)).toBe(0);
    expect(await store.acquireFixed("global", 2, 250, now + 1)).toBe(249);
    await store.setBucket("GET /x", "hash1");
    expect(await store.getBucket("GET /x")).toBe("hash1");
    expect(await store.getBucket("GET /y")).toBeNull();
    expect((await store.countInvalid(now, 600_000)).count).toBe(1);
    expect((await store.countInvalid(now + 1, 600_000)).count).toBe(2);
    expect((await store.invalidCount(now + 700_000)).count).toBe(0);
  });

  it.skipIf(skip)("never hands out more than the window holds to concurrent takers", async () => {
    const now = 5_000_000;
    await store.update("b:c:1", 5, 5, 10_000, now);
    const waits = await Promise.all(Array.from({ length: 20 }, () => store.acquire("b:c:1", now + 1)));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
  });

  /** Two tsx processes reading one member 10 times each, at the same moment, against a 4 per 800 ms bucket. */
  async function hammer(storeUrl: string) {
    await start();
    try {
      fake.setBucketLimit("member", { limit: 4, windowMs: 800 });
      const script = path.resolve("tests/support/discord-hammer.ts");
      const tsx = path.resolve("node_modules/.bin/tsx");
      const children = [0, 1].map(() => spawn(tsx, [script, storeUrl, fake.apiBase, APP.botToken, g.guildId, g.ownerId, "10"], { stdio: ["pipe", "pipe", "inherit"] }));
      const outputs = children.map((child) => {
        let out = "";
        const ready = new Promise<void>((resolve) => child.stdout.on("data", (chunk: Buffer) => ((out += chunk.toString()), out.startsWith("ready\n") && resolve())));
        const done = new Promise<string>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`hammer exited ${code}: ${out}`)))));
        return { ready, done };
      });
      // Both loaded and connected: start them together.
      await Promise.all(outputs.map((o) => o.ready));
      for (const child of children) child.stdin.end("go\n");
      const results = (await Promise.all(outputs.map((o) => o.done))).map((o) => JSON.parse(o.trim().split("\n").pop()!) as { calls: number; errors: string[]; first: number; last: number });
      // The two runs overlapped in time (otherwise nothing was shared).
      expect(Math.max(results[0].first, results[1].first)).toBeLessThan(Math.min(results[0].last, results[1].last));
      return { results, calls: fake.callCount(MEMBER_ROUTE), limited: fake.rateLimitedCount() };
    } finally {
      await fake.stop();
    }
  }

  it.skipIf(skip || name === "memory")("is shared by two worker processes hammering one bucket: no 429 reaches Discord", async () => {
    const { results, calls, limited } = await hammer(url!);
    expect(results.map((r) => r.errors)).toEqual([[], []]);
    expect(results.map((r) => r.calls)).toEqual([10, 10]);
    expect(calls).toBe(20);
    expect(limited).toBe(0);
    // 20 requests at 4 per 800 ms: at least four refills.
    expect(Math.max(...results.map((r) => r.last)) - Math.min(...results.map((r) => r.first))).toBeGreaterThanOrEqual(3000);
  }, 90_000);

  it.skipIf(name !== "memory")("control: with a store per process, the two processes do run into 429s (and still honour them)", async () => {
    const { results, calls, limited } = await hammer("memory");
    expect(limited).toBeGreaterThan(0);
    expect(results.map((r) => r.errors)).toEqual([[], []]);
    expect(calls).toBe(20 + limited);
  }, 90_000);
});
