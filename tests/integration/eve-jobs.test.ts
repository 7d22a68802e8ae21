/**
 * The EVE periodic jobs on both dialects, against the fake EVE over real HTTP: the model update
 * (`eveonline.run_model_update`) and the ownership checks (`authentication.check_*_ownership`).
 * Users, characters, ownerships and tokens are made through the real SSO round trip and our domain
 * functions; the tasks run through the task list as the worker runs them.
 */
import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { SecretBox } from "~/modules/auth/secrets.server";
import { EsiClient, EsiError } from "~/modules/eve/esi-client.server";
import { type CharacterData, EveProvider } from "~/modules/eve/entities.server";
import { NAME_ROTATION, nameRotationSlot, runModelUpdate } from "~/modules/eve/model-update.server";
import { checkCharacterOwnership } from "~/modules/eve/ownership-check.server";
import { addCharacterWithSso, characterLoader, loginWithSso } from "~/modules/eve/sso-actions.server";
import { SsoUnavailableError } from "~/modules/eve/sso.server";
import { relayOutbox } from "~/modules/jobs/enqueue.server";
import { graphileTaskList, runTask } from "../../jobs/task-list";
import { DEMO, type FakeEve } from "../fakes/eve/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve, clearEveWorld, completedSso } from "../support/eve";

const C = DEMO.characters;
const CORP = DEMO.corporations;
const actor = systemActor("test");
const LONG_AGO = new Date("2020-01-01T00:00:00.000Z");
const silent = new Logger(() => () => {});

interface ModelUpdateCounts {
  characters: number;
  changed: number;
  esiCalls: number;
  affiliationCalls: number;
  nameCalls: number;
  missing: number;
  skipped: number;
  mainsChanged: number;
}

describe.each(dialects)("EVE jobs on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeEve | undefined;

  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect);
  });
  afterAll(async () => {
    await fake?.stop();
    await rt?.stop();
  });

  // A fresh fake universe and an empty identity world for every test.
  beforeEach(async () => {
    if (skip) return;
    await fake?.stop();
    await clearEveWorld(rt);
    await rt.queuePool.query("delete from graphile_worker._private_jobs");
    fake = await attachFakeEve(rt);
  });

  const f = () => fake!;
  const esiRequests = () => f().requests.filter((r) => r.service === "esi");
  const character = (id: number) => rt.db.selectFrom("eve_characters").selectAll().where("character_id", "=", id).executeTakeFirstOrThrow();
  const user = (id: number) => rt.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const ownershipOf = (characterId: number) =>
    rt.db
      .selectFrom("character_ownerships as o")
      .innerJoin("eve_characters as c", "c.id", "o.character_id")
      .select(["o.user_id", "o.owner_hash"])
      .where("c.character_id", "=", characterId)
      .executeTakeFirst();
  const tokensWithHash = (hash: string) => rt.db.selectFrom("esi_tokens").selectAll().where("character_owner_hash", "=", hash).execute();
  const mainChangedUsers = async () => (await listAudit(rt.db, { action: "user.main_character_changed" })).map((row) => ({ actor: row.actor, user: Number(row.target_id) }));

  /** A member: logs in with `main` through the SSO (registering), is activated, then adds `alts` the same way. */
  async function member(main: number, alts: number[] = []) {
    const login = await loginWithSso(rt.db, rt.settings, await completedSso(rt, f(), main), actor, characterLoader(rt.db, rt.settings));
    if (login.kind === "refused") throw new Error("login refused");
    const userId = login.user.id;
    await rt.db.updateTable("users").set({ is_active: true, email: `${main}@example.com` }).where("id", "=", userId).execute();
    for (const alt of alts) await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, f(), alt, "add_character", userId), userId, actor, characterLoader(rt.db, rt.settings));
    return userId;
  }

  /** Makes every stored access token old, so the next use refreshes it at the SSO. */
  const ageTokens = () => rt.db.updateTable("esi_tokens").set({ refreshed_at: new Date(Date.now() - 3_600_000) }).execute();

  describe("eveonline.run_model_update", () => {
    it.skipIf(skip)("updates only the characters that changed, and tells the state logic about changed mains", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt, C.aliceHauler]);
      const bob = await member(C.bobMain, [C.bobAlt]);
      const carol = await member(C.carolMain, [C.carolScout, C.carolCyno]);
      await rt.db.updateTable("eve_characters").set({ updated_at: LONG_AGO }).execute();
      await rt.db.deleteFrom("audit_log").execute();
      const before = await rt.db.selectFrom("eve_characters").selectAll().orderBy("character_id").execute();

      // A corporation move (out of the alliance) for an alt, and a whole corporation changing alliance.
      f().setCharacterCorporation(C.bobAlt, CORP.prospectors);
      f().setCorporationAlliance(CORP.vanguard, DEMO.alliances.meridian);
      f().clearRequests();
      const result = (await runTask("eveonline.run_model_update", {})) as ModelUpdateCounts;

      expect(result).toMatchObject({ characters: 8, changed: 3, affiliationCalls: 1, nameCalls: 1, missing: 0, skipped: 0, mainsChanged: 1 });
      expect(result.esiCalls).toBe(esiRequests().length);
      expect(await character(C.bobAlt)).toMatchObject({
        character_name: "Ore Whisperer",
        corporation_id: CORP.prospectors,
        corporation_name: "Lone Prospectors",
        corporation_ticker: "LONE",
        alliance_id: null,
        alliance_name: null,
        alliance_ticker: null,
        faction_id: null,
      });
      for (const id of [C.carolMain, C.carolScout]) {
        expect(await character(id)).toMatchObject({
          corporation_id: CORP.vanguard,
          corporation_name: "Ashen Vanguard",
          alliance_id: DEMO.alliances.meridian,
          alliance_name: "Silent Meridian",
          alliance_ticker: "MRDN",
          faction_id: DEMO.factionId,
          faction_name: "Caldari State",
        });
      }
      // Names unchanged; every other row untouched.
      const after = await rt.db.selectFrom("eve_characters").selectAll().orderBy("character_id").execute();
      for (const [i, row] of after.entries()) {
        expect(row.character_name).toBe(before[i].character_name);
        const moved = ([C.bobAlt, C.carolMain, C.carolScout] as number[]).includes(row.character_id);
        if (moved) expect(row.updated_at.getTime()).toBeGreaterThan(LONG_AGO.getTime());
        else expect(row).toEqual(before[i]);
      }
      // The entities the characters moved to are stored.
      expect(await rt.db.selectFrom("eve_corporations").select(["corporation_id", "corporation_name", "alliance_id"]).where("corporation_id", "=", CORP.prospectors).executeTakeFirst()).toEqual({
        corporation_id: CORP.prospectors,
        corporation_name: "Lone Prospectors",
        alliance_id: null,
      });
      expect(await rt.db.selectFrom("eve_alliances").select(["alliance_id", "alliance_ticker"]).where("alliance_id", "=", DEMO.alliances.meridian).executeTakeFirst()).toEqual({
        alliance_id: DEMO.alliances.meridian,
        alliance_ticker: "MRDN",
      });
      // Carol's main changed alliance; Bob's alt moved but his main did not; Alice saw no change.
      expect(await mainChangedUsers()).toEqual([{ actor: "system:eveonline.run_model_update", user: carol }]);
      expect([alice, bob]).not.toContain(carol);

      // Nothing changed since: one affiliation call, one names call, no entity reads, no writes.
      f().clearRequests();
      const again = (await runTask("eveonline.run_model_update", {})) as ModelUpdateCounts;
      expect(again).toMatchObject({ characters: 8, changed: 0, affiliationCalls: 1, nameCalls: 1, esiCalls: 2, mainsChanged: 0 });
      expect(esiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /characters/affiliation", "POST /universe/names"]);
      expect(await mainChangedUsers()).toHaveLength(1);
    });

    it.skipIf(skip)("picks up renamed characters, corporations and alliances", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      await member(C.carolMain);
      await rt.db.deleteFrom("audit_log").execute();
      f().addCharacter({ id: C.aliceAlt, name: "Kaito Renamed", corporationId: CORP.logistics, accountId: DEMO.accounts.alice });
      f().addCorporation({ id: CORP.logistics, name: "Meridian Logistics Inc", ticker: "MRLOG", allianceId: DEMO.alliances.meridian, ceoId: C.aliceMain });
      f().addAlliance({ id: DEMO.alliances.covenant, name: "Ashen Covenant Reborn", ticker: "ASHC", executorCorporationId: CORP.vanguard, factionId: DEMO.factionId });

      const result = await runModelUpdate(rt.db, new EsiClient(rt.db, rt.settings), { names: "all" });
      expect(result).toMatchObject({ characters: 3, changed: 3, affiliationCalls: 1, nameCalls: 1, mainsChanged: 2 });
      expect(await character(C.aliceAlt)).toMatchObject({ character_name: "Kaito Renamed", corporation_name: "Meridian Logistics Inc" });
      expect(await character(C.aliceMain)).toMatchObject({ character_name: "Aria Solenne", corporation_name: "Meridian Logistics Inc", corporation_ticker: "MRLOG" });
      expect(await character(C.carolMain)).toMatchObject({ alliance_name: "Ashen Covenant Reborn", alliance_ticker: "ASHC" });
      expect(await rt.db.selectFrom("eve_corporations").select("corporation_name").where("corporation_id", "=", CORP.logistics).executeTakeFirst()).toEqual({
        corporation_name: "Meridian Logistics Inc",
      });
      expect((await mainChangedUsers()).map((r) => r.user)).toContain(alice);
    });

    it.skipIf(skip)("checks 2,500 characters with 3 affiliation calls and one names call for a quarter of the names", async () => {
      // The stored form of a character in each demo corporation, as our provider describes it from ESI.
      const provider = new EveProvider(new EsiClient(rt.db, rt.settings));
      const sampleOf: Record<number, number> = { [CORP.logistics]: C.aliceMain, [CORP.mining]: C.bobMain, [CORP.vanguard]: C.carolMain, [CORP.prospectors]: C.aliceHauler };
      const corps = [CORP.logistics, CORP.mining, CORP.vanguard, CORP.prospectors];
      const templates = new Map<number, CharacterData>();
      for (const corp of corps) {
        const [affiliation] = await provider.affiliations([sampleOf[corp]]);
        templates.set(corp, await provider.describe(0, "", affiliation));
      }
      f().addAccount("bulk");
      const now = new Date();
      const rows = [];
      for (let i = 0; i < 2500; i++) {
        const id = 91_000_000 + i;
        const corp = corps[i % corps.length];
        f().addCharacter({ id, name: `Bulk Pilot ${i}`, corporationId: corp, accountId: "bulk" });
        rows.push({ ...templates.get(corp)!, character_id: id, character_name: `Bulk Pilot ${i}`, updated_at: now });
      }
      for (let i = 0; i < rows.length; i += 500) await rt.db.insertInto("eve_characters").values(rows.slice(i, i + 500)).execute();

      f().clearRequests();
      const quiet = await runModelUpdate(rt.db, new EsiClient(rt.db, rt.settings), { now });
      expect(quiet).toMatchObject({ characters: 2500, changed: 0, affiliationCalls: 3, nameCalls: 1, esiCalls: 4, missing: 0, skipped: 0 });
      const affiliationBodies = esiRequests()
        .filter((r) => r.path.startsWith("/characters/affiliation"))
        .map((r) => (JSON.parse(r.body!) as number[]).length);
      expect(affiliationBodies).toEqual([1000, 1000, 500]);
      // Names: this run's quarter of the characters, plus the corporations and alliances in use.
      const slot = nameRotationSlot(now);
      const named = JSON.parse(esiRequests().find((r) => r.path.startsWith("/universe/names"))!.body!) as number[];
      const isBulk = (id: number) => id >= 91_000_000 && id < 91_002_500;
      const namedCharacters = named.filter(isBulk);
      expect(namedCharacters).toHaveLength(2500 / NAME_ROTATION);
      expect(namedCharacters.every((id) => id % NAME_ROTATION === slot)).toBe(true);
      expect(named.filter((id) => !isBulk(id)).sort()).toEqual([...corps, DEMO.alliances.meridian, DEMO.alliances.covenant].sort());

      // 40 pilots leave the mining corporation for the prospectors: one grouped update, no per-character calls.
      const movers = rows.filter((r) => r.corporation_id === CORP.mining).slice(0, 40);
      for (const m of movers) f().setCharacterCorporation(m.character_id, CORP.prospectors);
      f().clearRequests();
      const moved = await runModelUpdate(rt.db, new EsiClient(rt.db, rt.settings), { now });
      expect(moved).toMatchObject({ characters: 2500, changed: 40, affiliationCalls: 3, nameCalls: 1 });
      expect(moved.esiCalls).toBe(esiRequests().length);
      expect(moved.esiCalls).toBeLessThanOrEqual(5);
      const stored = await rt.db
        .selectFrom("eve_characters")
        .select(["corporation_name", "alliance_id"])
        .where(
          "character_id",
          "in",
          movers.map((m) => m.character_id),
        )
        .execute();
      expect(stored).toHaveLength(40);
      expect(stored.every((s) => s.corporation_name === "Lone Prospectors" && s.alliance_id === null)).toBe(true);
    });

    it.skipIf(skip)("bisects a batch that one bad id fails, so the good ids still update", async () => {
      await member(C.bobMain, [C.bobAlt]);
      const template = await character(C.bobAlt);
      const { id: _id, ...rest } = template;
      // An id ESI rejects outright (the fake answers 400 for the whole batch).
      await rt.db.insertInto("eve_characters").values({ ...rest, character_id: -1, character_name: "Broken Row" }).execute();
      f().setCharacterCorporation(C.bobAlt, CORP.prospectors);
      f().clearRequests();
      const result = await runModelUpdate(rt.db, new EsiClient(rt.db, rt.settings));
      // The bad id is then read on its own, which ESI does not know either: missing, left as it is.
      expect(result).toMatchObject({ characters: 3, changed: 1, skipped: 0, missing: 1 });
      expect(result.affiliationCalls).toBeGreaterThan(1);
      expect(esiRequests().filter((r) => r.path.startsWith("/characters/affiliation") && r.status === 400).length).toBeGreaterThan(0);
      expect(await character(C.bobAlt)).toMatchObject({ corporation_id: CORP.prospectors, corporation_name: "Lone Prospectors" });
      // Never deleted, never changed.
      expect(await character(-1)).toMatchObject({ character_name: "Broken Row", corporation_id: template.corporation_id });
    });

    it.skipIf(skip)("fails the job on an ESI server error and deletes nothing", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      const snapshot = async () => ({
        characters: await rt.db.selectFrom("eve_characters").selectAll().orderBy("id").execute(),
        ownerships: await rt.db.selectFrom("character_ownerships").selectAll().orderBy("id").execute(),
        tokens: (await rt.db.selectFrom("esi_tokens").select(["id", "character_owner_hash"]).orderBy("id").execute()).length,
        main: (await user(alice)).main_character_id,
      });
      const before = await snapshot();
      f().setCharacterCorporation(C.aliceAlt, CORP.prospectors);
      f().setEsiFault({ status: 503 });
      const error = await runTask("eveonline.run_model_update", {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EsiError);
      expect((error as EsiError).transient).toBe(true);
      expect(await snapshot()).toEqual(before);

      f().setEsiFault({ status: 502, path: /universe\/names/ });
      await expect(runTask("eveonline.run_model_update", {})).rejects.toBeInstanceOf(EsiError);
      expect(await snapshot()).toEqual(before);

      // The retry, once ESI is back, applies the change.
      f().setEsiFault(null);
      expect(await runTask("eveonline.run_model_update", {})).toMatchObject({ changed: 1 });
    });
  });

  describe("authentication.check_character_ownership", () => {
    it.skipIf(skip)("a transferred character loses all tokens with the old hash, its ownership and its place as main", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      // A second token for the main, with more scopes.
      await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, f(), C.aliceMain, "add_character", alice, ["publicData", "esi-location.read_location.v1"]), alice, actor, characterLoader(rt.db, rt.settings));
      const oldHash = f().ownerHash(C.aliceMain);
      expect(await tokensWithHash(oldHash)).toHaveLength(2);
      await ageTokens();
      await rt.db.deleteFrom("audit_log").execute();

      f().transferCharacter(C.aliceMain, DEMO.accounts.bob);
      f().clearRequests();
      const result = await runTask("authentication.check_character_ownership", { ownerHash: oldHash });
      expect(result).toMatchObject({ ownerHash: oldHash, tokens: 2, verified: false, deletedTokens: 2, deletedOwnerships: 1 });
      // One refresh told us: the other token was not tried at the SSO.
      expect(f().requests.filter((r) => r.service === "sso" && r.path === "/v2/oauth/token")).toHaveLength(1);
      expect(await tokensWithHash(oldHash)).toHaveLength(0);
      expect(await ownershipOf(C.aliceMain)).toBeUndefined();
      expect((await user(alice)).main_character_id).toBeNull();
      expect(await mainChangedUsers()).toEqual([{ actor: "system:authentication.check_character_ownership", user: alice }]);
      // Character targets in the trail are EVE character ids.
      expect((await listAudit(rt.db, { action: "ownership.delete" })).map((r) => Number(r.target_id))).toEqual([C.aliceMain]);
      // The alt is untouched.
      expect(await ownershipOf(C.aliceAlt)).toEqual({ user_id: alice, owner_hash: f().ownerHash(C.aliceAlt) });
      expect(await tokensWithHash(f().ownerHash(C.aliceAlt))).toHaveLength(1);
    });

    it.skipIf(skip)("deletes nothing while the SSO is down or refuses our credentials", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      await ageTokens();
      const hash = f().ownerHash(C.aliceMain);
      f().transferCharacter(C.aliceMain, DEMO.accounts.bob); // would be found out, were the SSO up

      f().setSsoDown(true);
      await expect(runTask("authentication.check_character_ownership", { ownerHash: hash })).rejects.toBeInstanceOf(SsoUnavailableError);
      expect(await tokensWithHash(hash)).toHaveLength(1);
      expect(await ownershipOf(C.aliceMain)).toEqual({ user_id: alice, owner_hash: hash });
      expect((await user(alice)).main_character_id).toBe((await character(C.aliceMain)).id);
      f().setSsoDown(false);

      const secret = rt.settings.ESI_SSO_CLIENT_SECRET;
      rt.settings.ESI_SSO_CLIENT_SECRET = "not-our-secret";
      try {
        // invalid_client pauses every refresh (eve-production.test.ts): this hash waits for a later run.
        expect(await checkCharacterOwnership(rt.db, rt.settings, hash)).toMatchObject({ paused: true, deletedTokens: 0 });
      } finally {
        rt.settings.ESI_SSO_CLIENT_SECRET = secret;
      }
      expect(await tokensWithHash(hash)).toHaveLength(1);
      expect(await ownershipOf(C.aliceMain)).toEqual({ user_id: alice, owner_hash: hash });
    });

    it.skipIf(skip)("revoked tokens are deleted, and the ownership with them once none is left; a fresh token is trusted", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      const mainId = (await user(alice)).main_character_id;
      const altHash = f().ownerHash(C.aliceAlt);
      await ageTokens();
      f().revokeCharacterTokens(C.aliceAlt);
      const result = await checkCharacterOwnership(rt.db, rt.settings, altHash);
      expect(result).toMatchObject({ tokens: 1, verified: false, deletedTokens: 1, deletedOwnerships: 1 });
      expect(await tokensWithHash(altHash)).toHaveLength(0);
      expect(await ownershipOf(C.aliceAlt)).toBeUndefined();
      expect((await user(alice)).main_character_id).toBe(mainId);

      // The main's token refreshes fine: verified, the rotated refresh token stored, nothing deleted.
      const mainHash = f().ownerHash(C.aliceMain);
      const [before] = await tokensWithHash(mainHash);
      const verified = await checkCharacterOwnership(rt.db, rt.settings, mainHash);
      expect(verified).toMatchObject({ tokens: 1, verified: true, deletedTokens: 0, deletedOwnerships: 0 });
      const [after] = await tokensWithHash(mainHash);
      expect(after.refresh_token).not.toBe(before.refresh_token);
      expect(after.refreshed_at.getTime()).toBeGreaterThan(before.refreshed_at.getTime());

      // A token refreshed minutes ago was verified then: no SSO call.
      f().clearRequests();
      expect(await checkCharacterOwnership(rt.db, rt.settings, mainHash)).toMatchObject({ verified: true });
      expect(f().requests.filter((r) => r.service === "sso")).toHaveLength(0);
      expect(await ownershipOf(C.aliceMain)).toEqual({ user_id: alice, owner_hash: mainHash });
    });

    it.skipIf(skip)("an ownership without any token is removed", async () => {
      const bob = await member(C.bobMain, [C.bobAlt]);
      const hash = f().ownerHash(C.bobAlt);
      await rt.db.deleteFrom("esi_tokens").where("character_owner_hash", "=", hash).execute();
      expect(await ownershipOf(C.bobAlt)).toEqual({ user_id: bob, owner_hash: hash });
      expect(await checkCharacterOwnership(rt.db, rt.settings, hash)).toMatchObject({ tokens: 0, deletedOwnerships: 1 });
      expect(await ownershipOf(C.bobAlt)).toBeUndefined();
      expect(await ownershipOf(C.bobMain)).toBeDefined();
    });
  });

  describe("core.reencrypt_secrets", () => {
    it.skipIf(skip)("moves tokens sealed under a previous SECRET_KEY to the current one", async () => {
      await member(C.aliceMain, [C.aliceAlt]);
      const { SECRET_KEY, SECRET_KEY_FALLBACKS } = rt.settings;
      const oldKeyId = SecretBox.fromSettings(rt.settings).keyId;
      Object.assign(rt.settings, { SECRET_KEY: "a-brand-new-secret-key-that-is-long-enough-0123", SECRET_KEY_FALLBACKS: SECRET_KEY });
      try {
        const box = SecretBox.fromSettings(rt.settings);
        expect(box.keyId).not.toBe(oldKeyId);
        expect(await runTask("core.reencrypt_secrets", {})).toEqual({ reencrypted: 2 });
        const tokens = await rt.db.selectFrom("esi_tokens").selectAll().execute();
        expect(tokens.map((t) => t.key_id)).toEqual([box.keyId, box.keyId]);
        // Readable with the new key alone, and the task is idempotent.
        const fresh = new SecretBox(rt.settings.SECRET_KEY);
        for (const t of tokens) expect(fresh.decrypt(t.refresh_token!)).toBeTruthy();
        expect(await runTask("core.reencrypt_secrets", {})).toEqual({ reencrypted: 0 });
      } finally {
        Object.assign(rt.settings, { SECRET_KEY, SECRET_KEY_FALLBACKS });
      }
    });
  });

  describe("authentication.check_all_character_ownership", () => {
    it.skipIf(skip)("queues one de-duplicated check per owner hash, and the checks run through the worker", async () => {
      const alice = await member(C.aliceMain, [C.aliceAlt]);
      await member(C.bobMain, [C.bobAlt]);
      const hashes = [C.aliceMain, C.aliceAlt, C.bobMain, C.bobAlt].map((id) => f().ownerHash(id));

      expect(await runTask("authentication.check_all_character_ownership", {})).toEqual({ enqueued: 4 });
      expect(await runTask("authentication.check_all_character_ownership", {})).toEqual({ enqueued: 4 });
      if (!rt.queueShared) while ((await relayOutbox(rt.db, rt.queuePool)) > 0);
      const { rows } = await rt.queuePool.query<{ task_identifier: string; priority: number; key: string }>("select task_identifier, priority, key from graphile_worker.jobs order by id");
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => r.task_identifier === "authentication.check_character_ownership" && r.priority === 7)).toBe(true);
      const { rows: payloads } = await rt.queuePool.query<{ payload: { ownerHash: string } }>("select payload from graphile_worker._private_jobs");
      expect(payloads.map((r) => r.payload.ownerHash).sort()).toEqual([...hashes].sort());
      expect(rows.map((r) => r.key).sort()).toEqual(hashes.map((h) => `authentication.check_character_ownership:${h}`).sort());

      // Alice sold her alt; the worker runs the checks.
      await ageTokens();
      f().transferCharacter(C.aliceAlt, DEMO.accounts.carol);
      await runOnce({ pgPool: rt.queuePool, taskList: graphileTaskList(), logger: silent });
      const { rows: left } = await rt.queuePool.query("select id from graphile_worker.jobs");
      expect(left).toHaveLength(0);
      expect(await ownershipOf(C.aliceAlt)).toBeUndefined();
      expect(await ownershipOf(C.aliceMain)).toEqual({ user_id: alice, owner_hash: hashes[0] });
      expect(await ownershipOf(C.bobMain)).toBeDefined();
      expect(await ownershipOf(C.bobAlt)).toBeDefined();
    });
  });
});
