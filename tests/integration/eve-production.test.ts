/**
 * EVE against a faithful fake, for what breaks in production although the happy path works
 * (issue 18, issue 8 item 14): the rotated refresh token kept through a key-set outage, outages
 * told apart from forged signatures, refreshes serialised across processes, failed token requests
 * throttled and paused, final refusals that keep the ownership, the User-Agent on SSO calls, and
 * the issuer spellings. Both dialects.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectToDemoEve, demoEveFile, startDemoEve, startDemoZkillboard } from "~/modules/eve/demo.server";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { EsiClient } from "~/modules/eve/esi-client.server";
import { runModelUpdate } from "~/modules/eve/model-update.server";
import { checkAllCharacterOwnership, checkCharacterOwnership } from "~/modules/eve/ownership-check.server";
import { addCharacterWithSso, characterLoader, loginWithSso } from "~/modules/eve/sso-actions.server";
import { JwtVerificationError, refreshAccessToken, resetSsoCaches, SsoUnavailableError, verifyAccessToken } from "~/modules/eve/sso.server";
import { acquireRefreshSlot, refreshPause } from "~/modules/eve/sso-throttle.server";
import { revokeAndDeleteToken, validAccessToken } from "~/modules/eve/tokens.server";
import { DEMO, type FakeEve, startFakeEve, seedDemoWorld } from "../fakes/eve/index";
import { createTestRuntime, dialects, testSettings, type TestRuntime } from "../support/db";
import { attachFakeEve, CLIENT, clearEveWorld, completedSso, obtainTokens } from "../support/eve";
import { makeUser } from "../support/factories";

const C = DEMO.characters;
const actor = systemActor("test");
const CONTACT = "eve-ops@example.com";

describe.each(dialects)("EVE in production on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeEve | undefined;

  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect);
  });
  afterAll(async () => {
    await fake?.stop();
    await rt?.stop();
  });

  beforeEach(async () => {
    if (skip) return;
    await fake?.stop();
    await clearEveWorld(rt);
    fake = await attachFakeEve(rt);
    Object.assign(rt.settings, { ESI_USER_CONTACT_EMAIL: CONTACT, ESI_SSO_REFRESH_PER_MINUTE: 300, ESI_TIMEOUT_SECONDS: 5 });
  });

  const f = () => fake!;
  const tokenRequests = () => f().requests.filter((r) => r.service === "sso" && r.path === "/v2/oauth/token");
  const tokensOf = (characterId: number) => rt.db.selectFrom("esi_tokens").selectAll().where("character_id", "=", characterId).execute();
  const ownershipOf = (characterId: number) =>
    rt.db.selectFrom("character_ownerships as o").innerJoin("eve_characters as c", "c.id", "o.character_id").select(["o.user_id", "o.owner_hash"]).where("c.character_id", "=", characterId).executeTakeFirst();
  const notificationsOf = (userId: number) => rt.db.selectFrom("notifications").select(["title", "level"]).where("user_id", "=", userId).execute();
  /** Makes every stored access token old, so the next use refreshes it at the SSO. */
  const ageTokens = () => rt.db.updateTable("esi_tokens").set({ refreshed_at: new Date(Date.now() - 3_600_000) }).execute();

  async function member(main: number, alts: number[] = [], scopes = ["publicData"]) {
    const login = await loginWithSso(rt.db, rt.settings, await completedSso(rt, f(), main), actor, characterLoader(rt.db, rt.settings));
    if (login.kind === "refused") throw new Error("login refused");
    const userId = login.user.id;
    await rt.db.updateTable("users").set({ is_active: true }).where("id", "=", userId).execute();
    for (const alt of alts) await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, f(), alt, "add_character", userId, scopes), userId, actor, characterLoader(rt.db, rt.settings));
    return userId;
  }

  it.skipIf(skip)("keeps the rotated refresh token when the key set is down at refresh time, and reports the outage as unavailable", async () => {
    await member(C.aliceMain);
    await ageTokens();
    const [token] = await tokensOf(C.aliceMain);
    resetSsoCaches(); // the key set must be fetched again
    f().setJwksFault({ status: 503 });
    await expect(validAccessToken(rt.db, rt.settings, token.id, actor)).rejects.toBeInstanceOf(SsoUnavailableError);
    const [kept] = await tokensOf(C.aliceMain);
    expect(kept.refresh_token).not.toBe(token.refresh_token); // the new one, stored before verification
    expect(kept.refreshed_at.getTime()).toBe(token.refreshed_at.getTime()); // unverified: the next use refreshes again

    f().setJwksFault(null);
    resetSsoCaches();
    const again = await validAccessToken(rt.db, rt.settings, token.id, actor);
    expect(again.accessToken).toBeTruthy();
    expect(await ownershipOf(C.aliceMain)).toBeTruthy();
    expect(tokenRequests().filter((r) => r.status !== 200)).toEqual([]);
  });

  it.skipIf(skip)("tells a key-set timeout or error (503 to the member) from a forged signature (400)", async () => {
    const { accessToken } = await obtainTokens(f(), C.bobMain);
    Object.assign(rt.settings, { ESI_TIMEOUT_SECONDS: 1 });
    resetSsoCaches();
    f().setJwksFault({ delayMs: 1500 });
    await expect(verifyAccessToken(rt.settings, accessToken)).rejects.toBeInstanceOf(SsoUnavailableError);
    resetSsoCaches();
    f().setJwksFault({ status: 500 });
    await expect(verifyAccessToken(rt.settings, accessToken)).rejects.toBeInstanceOf(SsoUnavailableError);
    f().setJwksFault(null);
    resetSsoCaches();
    const [header, payload] = accessToken.split(".");
    const forged = `${header}.${payload}.${Buffer.from("not the signature").toString("base64url")}`;
    await expect(verifyAccessToken(rt.settings, forged)).rejects.toMatchObject({ reason: "signature" });
    await expect(verifyAccessToken(rt.settings, forged)).rejects.toBeInstanceOf(JwtVerificationError);
  });

  it.skipIf(skip)("serialises concurrent refreshes of one token: one SSO request, the loser uses the winner's token", async () => {
    await member(C.aliceMain);
    const [token] = await tokensOf(C.aliceMain);
    await ageTokens();
    f().clearRequests();
    const results = await Promise.all([validAccessToken(rt.db, rt.settings, token.id, actor), validAccessToken(rt.db, rt.settings, token.id, actor)]);
    expect(results[0].accessToken).toBe(results[1].accessToken);
    expect(tokenRequests()).toHaveLength(1);
    expect(await tokensOf(C.aliceMain)).toHaveLength(1);
    expect(await ownershipOf(C.aliceMain)).toBeTruthy();
  });

  it.skipIf(skip)("stops the run at the first invalid_client, tells the admins once and keeps every token and ownership", async () => {
    const admin = await makeUser(rt.db, { is_superuser: true });
    await member(C.aliceMain, [C.aliceAlt]);
    await member(C.bobMain);
    await ageTokens();
    f().clearRequests();
    Object.assign(rt.settings, { ESI_SSO_CLIENT_SECRET: "rotated-elsewhere-0123456789" });
    const hashes = [...new Set((await rt.db.selectFrom("esi_tokens").select("character_owner_hash").execute()).map((r) => r.character_owner_hash))];
    for (const hash of hashes) expect(await checkCharacterOwnership(rt.db, rt.settings, hash)).toMatchObject({ paused: true, deletedTokens: 0 });
    expect(tokenRequests()).toHaveLength(1);
    expect(await rt.db.selectFrom("esi_tokens").select("id").execute()).toHaveLength(3);
    for (const id of [C.aliceMain, C.aliceAlt, C.bobMain]) expect(await ownershipOf(id)).toBeTruthy();
    expect(await notificationsOf(admin.id)).toEqual([{ title: "EVE SSO refuses our client credentials", level: "danger" }]);
    expect(await checkAllCharacterOwnership(rt.db)).toEqual({ enqueued: 0, paused: "invalid_client" });
    expect((await refreshPause(rt.db))!.until.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it.skipIf(skip)("honours Retry-After of a 429 from the token endpoint and caps refreshes per minute across processes", async () => {
    await member(C.aliceMain);
    await member(C.bobMain);
    await ageTokens();
    f().setTokenRateLimit(120);
    f().clearRequests();
    const [alice] = await tokensOf(C.aliceMain);
    const [bob] = await tokensOf(C.bobMain);
    expect(await checkCharacterOwnership(rt.db, rt.settings, alice.character_owner_hash)).toMatchObject({ paused: true });
    expect(await checkCharacterOwnership(rt.db, rt.settings, bob.character_owner_hash)).toMatchObject({ paused: true });
    expect(tokenRequests()).toHaveLength(1);
    const pause = (await refreshPause(rt.db))!;
    expect(pause.until.getTime() - Date.now()).toBeGreaterThan(100_000);
    expect(await tokensOf(C.aliceMain)).toHaveLength(1);

    await rt.db.deleteFrom("eve_sso_throttle").execute();
    const capped = { ESI_SSO_REFRESH_PER_MINUTE: 2 };
    await acquireRefreshSlot(rt.db, capped);
    await acquireRefreshSlot(rt.db, capped);
    const third = acquireRefreshSlot(rt.db, capped).then(() => "acquired");
    expect(await Promise.race([third, new Promise((resolve) => setTimeout(() => resolve("waiting"), 500))])).toBe("waiting");
    expect((await rt.db.selectFrom("eve_sso_throttle").select("attempts").executeTakeFirstOrThrow()).attempts).toBe(2);
    await rt.db.updateTable("eve_sso_throttle").set({ window_start: new Date(Date.now() - 61_000) }).execute();
    expect(await third).toBe("acquired");
  }, 90_000);

  it.skipIf(skip)("treats an expired refresh token or a retired scope as final for that token: deleted, owner told, ownership kept", async () => {
    const alice = await member(C.aliceMain, [C.aliceAlt], ["esi-retired.v1"]);
    await ageTokens();
    f().expireRefreshTokens(C.aliceMain);
    const [main] = await tokensOf(C.aliceMain);
    expect(await checkCharacterOwnership(rt.db, rt.settings, main.character_owner_hash)).toMatchObject({ deletedTokens: 1, deletedOwnerships: 0, verified: false });
    expect(await tokensOf(C.aliceMain)).toHaveLength(0);
    expect(await ownershipOf(C.aliceMain)).toMatchObject({ user_id: alice });

    f().retireScope("esi-retired.v1");
    const altTokens = await tokensOf(C.aliceAlt);
    const retired = altTokens.find((t) => t.scopes === "esi-retired.v1")!;
    await expect(validAccessToken(rt.db, rt.settings, retired.id, actor)).rejects.toMatchObject({ message: expect.stringContaining("invalid_scope") });
    expect((await tokensOf(C.aliceAlt)).map((t) => t.scopes)).not.toContain("esi-retired.v1");
    expect(await ownershipOf(C.aliceAlt)).toMatchObject({ user_id: alice });
    const titles = (await notificationsOf(alice)).map((n) => n.title);
    expect(titles.filter((t) => t.startsWith("ESI token removed"))).toHaveLength(2);
    expect((await listAudit(rt.db, { action: "token.delete" })).length).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(skip)("sends our User-Agent on every SSO call: metadata, key set, code exchange, refresh and revoke", async () => {
    await member(C.carolMain);
    await ageTokens();
    const [token] = await tokensOf(C.carolMain);
    resetSsoCaches();
    f().clearRequests();
    await validAccessToken(rt.db, rt.settings, token.id, actor);
    await revokeAndDeleteToken(rt.db, rt.settings, (await tokensOf(C.carolMain))[0], actor);
    const requests = f().requests.filter((r) => r.service === "sso");
    expect(requests.map((r) => r.path).sort()).toEqual(["/.well-known/oauth-authorization-server", "/oauth/jwks", "/v2/oauth/revoke", "/v2/oauth/token"]);
    for (const request of requests) expect(request.headers["user-agent"]).toMatch(new RegExp(`^AllianceAuthTS/\\S+ \\(${CONTACT}\\)$`));
  });

  it.skipIf(skip)("accepts the issuer as CCP's documentation writes it, with a trailing slash", async () => {
    const slash = await startFakeEve({ clients: [CLIENT], issuerStyle: "slash" });
    try {
      seedDemoWorld(slash);
      const settings = { ...rt.settings, ESI_SSO_BASE_URL: slash.ssoUrl };
      resetSsoCaches();
      const { accessToken } = await obtainTokens(slash, C.aliceMain);
      expect(await verifyAccessToken(settings, accessToken)).toMatchObject({ characterId: C.aliceMain });
    } finally {
      await slash.stop();
      resetSsoCaches();
    }
  });
  describe("model update against ESI's bulk quirks", () => {
    const esi = () => new EsiClient(rt.db, rt.settings);
    /** A day later: the character records cached at login (`GET /characters/{id}`, a day) have expired. */
    const dayLater = () => rt.db.deleteFrom("esi_cache").execute();
    const character = (id: number) => rt.db.selectFrom("eve_characters").selectAll().where("character_id", "=", id).executeTakeFirstOrThrow();

    it.skipIf(skip)("reads characters the affiliation route leaves out one by one, and notices their moves", async () => {
      await member(C.aliceMain, [C.aliceHauler]);
      f().addCharacter({ id: C.aliceHauler, name: "Hauler Prime", corporationId: DEMO.corporations.mining, accountId: DEMO.accounts.alice, missingFromAffiliation: true });
      f().clearRequests();
      await dayLater();
      const result = await runModelUpdate(rt.db, esi(), { settings: rt.settings });
      expect(result).toMatchObject({ characters: 2, missing: 0, skipped: 0, biomassed: 0 });
      expect(await character(C.aliceHauler)).toMatchObject({ character_name: "Hauler Prime", corporation_id: DEMO.corporations.mining, corporation_name: "Deep Core Extraction", alliance_id: DEMO.alliances.meridian });
      expect(f().requests.some((r) => r.path === `/characters/${C.aliceHauler}`)).toBe(true);
    });

    it.skipIf(skip)("names a character younger than an hour from its own record when the names route 404s the batch", async () => {
      await member(C.bobMain, [C.bobAlt]);
      f().addCharacter({ id: C.bobAlt, name: "Renamed Newbie", corporationId: DEMO.corporations.mining, accountId: DEMO.accounts.bob, createdAt: f().now() });
      await dayLater();
      const result = await runModelUpdate(rt.db, esi(), { names: "all", settings: rt.settings });
      expect(result).toMatchObject({ missing: 0, skipped: 0 });
      expect(await character(C.bobAlt)).toMatchObject({ character_name: "Renamed Newbie" });
      expect(await character(C.bobMain)).toMatchObject({ character_name: expect.any(String) });
    });

    it.skipIf(skip)("removes the tokens and ownership of a biomassed character, tells the owner and moves the main out", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      f().biomassCharacter(C.aliceAlt);
      f().biomassCharacter(C.aliceMain);
      await dayLater();
      const result = await runModelUpdate(rt.db, esi(), { settings: rt.settings });
      expect(result).toMatchObject({ biomassed: 2, missing: 0 });
      expect(await character(C.aliceAlt)).toMatchObject({ corporation_id: 1000001, corporation_name: "Doomheim" });
      expect(await tokensOf(C.aliceAlt)).toHaveLength(0);
      expect(await tokensOf(C.aliceMain)).toHaveLength(0);
      expect(await ownershipOf(C.aliceAlt)).toBeUndefined();
      expect(await ownershipOf(C.aliceMain)).toBeUndefined();
      const user = await rt.db.selectFrom("users").select("main_character_id").where("id", "=", alice).executeTakeFirstOrThrow();
      expect(user.main_character_id).toBeNull();
      const titles = (await notificationsOf(alice)).map((n) => n.title).sort();
      expect(titles.filter((t) => t.endsWith("biomassed"))).toHaveLength(2);
      // Nothing left to clean up on the next run.
      expect(await runModelUpdate(rt.db, esi(), { settings: rt.settings })).toMatchObject({ biomassed: 0 });
    });

    it.skipIf(skip)("refreshes every stored corporation, alliance and faction, also those no character points at", async () => {
      await member(C.carolMain);
      const old = new Date(Date.now() - 2 * 86_400_000);
      await rt.db.insertInto("eve_alliances").values({ alliance_id: DEMO.alliances.meridian, alliance_name: "Old Meridian", alliance_ticker: "OLD", executor_corp_id: null, updated_at: old }).execute().catch(() => rt.db.updateTable("eve_alliances").set({ alliance_name: "Old Meridian", updated_at: old }).where("alliance_id", "=", DEMO.alliances.meridian).execute());
      await rt.db.insertInto("eve_corporations").values({ corporation_id: DEMO.corporations.mining, corporation_name: "Old Mining", corporation_ticker: "OLD", member_count: 1, ceo_id: null, alliance_id: null, faction_id: null, updated_at: old }).execute().catch(() => rt.db.updateTable("eve_corporations").set({ corporation_name: "Old Mining", updated_at: old }).where("corporation_id", "=", DEMO.corporations.mining).execute());
      await rt.db.updateTable("eve_factions").set({ faction_name: "Old Faction Name" }).execute();
      await runModelUpdate(rt.db, esi(), { settings: rt.settings });
      const corp = await rt.db.selectFrom("eve_corporations").select(["corporation_name", "alliance_id", "updated_at"]).where("corporation_id", "=", DEMO.corporations.mining).executeTakeFirstOrThrow();
      expect(corp.corporation_name).toBe("Deep Core Extraction");
      expect(corp.updated_at.getTime()).toBeGreaterThan(old.getTime());
      const alliance = await rt.db.selectFrom("eve_alliances").select(["alliance_name"]).where("alliance_id", "=", DEMO.alliances.meridian).executeTakeFirstOrThrow();
      expect(alliance.alliance_name).toBe("Silent Meridian");
      const factions = await rt.db.selectFrom("eve_factions").select("faction_name").execute();
      expect(factions.map((x) => x.faction_name)).not.toContain("Old Faction Name");
    });
  });
});

describe("demo mode with a separate worker process", () => {
  it("lets a worker reach the fake EVE the web process started, through DATA_DIR/demo-eve.json", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-demo-eve-"));
    const web = testSettings({ DATA_DIR: dataDir });
    const worker = testSettings({ DATA_DIR: dataDir });
    expect(worker.demoMode).toBe(true);
    const stopPolling = connectToDemoEve(worker, 50); // the worker may start first
    const fake = await startDemoEve(web);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(worker).toMatchObject({ ESI_SSO_BASE_URL: fake.ssoUrl, ESI_SSO_CLIENT_ID: web.ESI_SSO_CLIENT_ID, ESI_SSO_CLIENT_SECRET: web.ESI_SSO_CLIENT_SECRET });
      // A refresh from the worker is accepted by the web process's fake (same client, same secret).
      const { refreshToken } = await obtainTokens(fake, DEMO.characters.aliceMain, ["publicData"], web.ESI_SSO_CALLBACK_URL, { clientId: web.ESI_SSO_CLIENT_ID, clientSecret: web.ESI_SSO_CLIENT_SECRET });
      const refreshed = await refreshAccessToken(worker, refreshToken);
      expect((await verifyAccessToken(worker, refreshed.accessToken)).characterId).toBe(DEMO.characters.aliceMain);
      expect(fs.statSync(demoEveFile(web)).mode & 0o777).toBe(0o600);
    } finally {
      stopPolling();
      await fake.stop();
      resetSsoCaches();
    }
  });
});

describe("demo mode's zKillboard", () => {
  it("knows the demo world's losses, whose killmails the demo ESI serves (an SRP request can be filed in demo mode)", async () => {
    const settings = testSettings({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "aa-demo-zkb-")) });
    const eve = await startDemoEve(settings);
    const zkb = await startDemoZkillboard(settings);
    try {
      const kill = DEMO.kills.cynoHurricane;
      const rows = await (await fetch(`${settings.ZKILLBOARD_API_URL}killID/${kill.id}/`, { headers: { "user-agent": "test" } })).json();
      expect(rows).toEqual([expect.objectContaining({ killmail_id: kill.id, zkb: expect.objectContaining({ hash: kill.hash, totalValue: kill.value }) })]);
      const killmail = await (await fetch(`${settings.ESI_API_URL}killmails/${kill.id}/${rows[0].zkb.hash}`)).json();
      expect(killmail.victim).toMatchObject({ character_id: DEMO.characters.carolCyno, ship_type_id: 24690 });
    } finally {
      await zkb.stop();
      await eve.stop();
      resetSsoCaches();
    }
  });
});
