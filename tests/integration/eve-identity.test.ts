/**
 * The original's identity rules (behaviour reference §3.2–3.5) on both dialects, against the fake
 * EVE over real HTTP: SSO login, ownership and transfers, tokens, main changes, registration.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { activateAccount, activationKey, readActivationKey, submitRegistrationEmail } from "~/modules/auth/registration.server";
import { SecretBox } from "~/modules/auth/secrets.server";
import { createSession } from "~/modules/auth/sessions.server";
import { accountCharacters, removeCharacter } from "~/modules/eve/account.server";
import { findCharacter } from "~/modules/eve/entities.server";
import { iterateUsername } from "~/modules/eve/ownership.server";
import { addCharacterWithSso, changeMainWithSso, characterLoader, loginWithSso } from "~/modules/eve/sso-actions.server";
import { SsoUnavailableError, TokenInvalidError } from "~/modules/eve/sso.server";
import { deleteToken, reencryptTokens, validAccessToken } from "~/modules/eve/tokens.server";
import { serverT } from "~/i18n/i18n.server";
import { DEMO, type FakeEve } from "../fakes/eve/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve, completedSso } from "../support/eve";

const C = DEMO.characters;
const actor = systemActor("test");

describe.each(dialects)("EVE identity rules on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeEve;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    fake = await attachFakeEve(rt);
  });
  afterAll(async () => {
    await fake?.stop();
    await rt?.stop();
  });

  // Each test starts from an empty identity world (fake accounts reset by re-seeding owner hashes is not needed:
  // transfers are undone explicitly where a test makes one).
  beforeEach(async () => {
    if (skip) return;
    for (const table of ["esi_tokens", "ownership_records", "character_ownerships", "sessions", "audit_log"] as const) await rt.db.deleteFrom(table).execute();
    await rt.db.updateTable("users").set({ main_character_id: null }).execute();
    await rt.db.deleteFrom("users").execute();
    await rt.db.deleteFrom("eve_characters").execute();
  });

  const login = async (characterId: number) => loginWithSso(rt.db, rt.settings, await completedSso(rt, fake, characterId), actor, characterLoader(rt.db, rt.settings));
  const activate = (userId: number, email: string) => rt.db.updateTable("users").set({ is_active: true, email }).where("id", "=", userId).execute();
  const user = (id: number) => rt.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const ownershipOf = async (characterId: number) =>
    rt.db
      .selectFrom("character_ownerships as o")
      .innerJoin("eve_characters as c", "c.id", "o.character_id")
      .select(["o.user_id", "o.owner_hash"])
      .where("c.character_id", "=", characterId)
      .executeTakeFirst();

  it.skipIf(skip)("an unclaimed character creates an inactive user named after it, owning it as main", async () => {
    const outcome = await login(C.aliceMain);
    expect(outcome.kind).toBe("register");
    if (outcome.kind !== "register") return;
    expect(outcome.user).toMatchObject({ username: "Aria_Solenne", is_active: false, email: null, password_hash: null });
    const character = await findCharacter(rt.db, C.aliceMain);
    expect(character).toMatchObject({ character_name: "Aria Solenne", corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_name: "Silent Meridian", alliance_ticker: "MRDN" });
    expect(outcome.user.main_character_id).toBe(character!.id);
    expect(await ownershipOf(C.aliceMain)).toEqual({ user_id: outcome.user.id, owner_hash: fake.ownerHash(C.aliceMain) });
    const records = await rt.db.selectFrom("ownership_records").selectAll().execute();
    expect(records).toHaveLength(1);
    const tokens = await rt.db.selectFrom("esi_tokens").selectAll().execute();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ user_id: outcome.user.id, character_id: C.aliceMain, scopes: "publicData", character_owner_hash: fake.ownerHash(C.aliceMain) });
  });

  it.skipIf(skip)("stores tokens encrypted: a database dump holds no usable token", async () => {
    const sso = await completedSso(rt, fake, C.bobMain);
    await loginWithSso(rt.db, rt.settings, sso, actor, characterLoader(rt.db, rt.settings));
    const dump = JSON.stringify(await rt.db.selectFrom("esi_tokens").selectAll().execute());
    expect(dump).not.toContain(sso.tokens.accessToken);
    expect(dump).not.toContain(sso.tokens.refreshToken!);
    const row = await rt.db.selectFrom("esi_tokens").selectAll().executeTakeFirstOrThrow();
    const box = SecretBox.fromSettings(rt.settings);
    expect(row.key_id).toBe(box.keyId);
    expect(box.decrypt(row.refresh_token!)).toBe(sso.tokens.refreshToken);
  });

  it.skipIf(skip)("usernames follow iterate_username: apostrophes dropped, spaces to _, numbered by prefix", async () => {
    expect(await iterateUsername(rt.db, "Carys O'Daire")).toBe("Carys_ODaire");
    const first = await login(C.aliceMain);
    expect(first.kind === "register" && first.user.username).toBe("Aria_Solenne");
    expect(await iterateUsername(rt.db, "Aria Solenne")).toBe("Aria_Solenne_1");
    // A LIKE wildcard in a name must not match other names.
    expect(await iterateUsername(rt.db, "Aria%")).toBe("Aria%");
  });

  it.skipIf(skip)("the main logs in once active; an alt is refused; a disabled user is refused", async () => {
    const first = await login(C.aliceMain);
    if (first.kind !== "register") throw new Error("expected registration");
    // While registering, logging in again continues the registration.
    expect((await login(C.aliceMain)).kind).toBe("register");
    await activate(first.user.id, "aria@example.com");
    const again = await login(C.aliceMain);
    expect(again).toMatchObject({ kind: "login", user: { id: first.user.id } });

    const add = await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, fake, C.aliceAlt, "add_character", first.user.id), first.user.id, actor, characterLoader(rt.db, rt.settings));
    expect(add).toEqual({ added: true, characterName: "Kaito Varn" });
    const tokensBefore = await rt.db.selectFrom("esi_tokens").selectAll().execute();
    expect((await login(C.aliceAlt)).kind).toBe("refused");
    // A refused login keeps no new token.
    expect(await rt.db.selectFrom("esi_tokens").selectAll().execute()).toHaveLength(tokensBefore.length);

    await rt.db.updateTable("users").set({ is_active: false }).where("id", "=", first.user.id).execute();
    expect((await login(C.aliceMain)).kind).toBe("refused");
    const audit = await listAudit(rt.db, { action: "login.refused" });
    expect(audit.length).toBe(2);
  });

  it.skipIf(skip)("logging in twice keeps one token per character and scope set", async () => {
    const first = await login(C.bobMain);
    if (first.kind !== "register") throw new Error("expected registration");
    await activate(first.user.id, "bob@example.com");
    await login(C.bobMain);
    await login(C.bobMain);
    expect(await rt.db.selectFrom("esi_tokens").selectAll().execute()).toHaveLength(1);
    // Another scope set is another token.
    await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, fake, C.bobMain, "add_character", first.user.id, ["publicData", "esi-location.read_location.v1"]), first.user.id, actor, characterLoader(rt.db, rt.settings));
    expect(await rt.db.selectFrom("esi_tokens").selectAll().execute()).toHaveLength(2);
  });

  it.skipIf(skip)("a transferred character moves to a new account; the old account loses it, its main and its sessions", async () => {
    const seller = await login(C.carolMain);
    if (seller.kind !== "register") throw new Error("expected registration");
    await activate(seller.user.id, "carol@example.com");
    await createSession(rt.db, rt.settings, seller.user, {});
    const oldHash = fake.ownerHash(C.carolMain);
    fake.transferCharacter(C.carolMain, DEMO.accounts.bob);
    try {
      const buyer = await login(C.carolMain);
      expect(buyer.kind).toBe("register");
      if (buyer.kind !== "register") return;
      expect(buyer.user.id).not.toBe(seller.user.id);
      expect(buyer.user.username).toBe("Carys_ODaire_1");
      expect(await ownershipOf(C.carolMain)).toEqual({ user_id: buyer.user.id, owner_hash: fake.ownerHash(C.carolMain) });
      expect(fake.ownerHash(C.carolMain)).not.toBe(oldHash);
      expect((await user(seller.user.id)).main_character_id).toBeNull();
      expect(await rt.db.selectFrom("sessions").selectAll().where("user_id", "=", seller.user.id).execute()).toHaveLength(0);
      // The seller's token of it (CCP revoked it with the sale) is gone; the buyer's is there.
      const tokens = await rt.db.selectFrom("esi_tokens").select(["user_id", "character_owner_hash"]).where("character_id", "=", C.carolMain).execute();
      expect(tokens).toEqual([{ user_id: buyer.user.id, character_owner_hash: fake.ownerHash(C.carolMain) }]);
      const changed = await listAudit(rt.db, { action: "user.main_character_changed", targetId: String(seller.user.id) });
      expect(changed.map((a) => a.reason)).toContain("main character lost");
    } finally {
      fake.transferCharacter(C.carolMain, DEMO.accounts.carol);
    }
  });

  it.skipIf(skip)("a returning owner is recognised from ownership records; one with another main is refused", async () => {
    const first = await login(C.bobMain);
    if (first.kind !== "register") throw new Error("expected registration");
    await activate(first.user.id, "bob@example.com");
    // Bob deletes his only token: the character leaves his account (and his main is cleared).
    const token = await rt.db.selectFrom("esi_tokens").select("id").executeTakeFirstOrThrow();
    await rt.db.transaction().execute((trx) => deleteToken(trx, token.id, actor, "test"));
    expect(await ownershipOf(C.bobMain)).toBeUndefined();
    expect((await user(first.user.id)).main_character_id).toBeNull();
    // Logging in with it again finds him through the ownership record and makes it his main again.
    const back = await login(C.bobMain);
    expect(back).toMatchObject({ kind: "login", user: { id: first.user.id } });
    expect((await user(first.user.id)).main_character_id).not.toBeNull();

    // Now Bob's alt: recorded for Bob, but Bob's main is another character → refused.
    await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, fake, C.bobAlt, "add_character", first.user.id), first.user.id, actor, characterLoader(rt.db, rt.settings));
    const altToken = await rt.db.selectFrom("esi_tokens").select("id").where("character_id", "=", C.bobAlt).executeTakeFirstOrThrow();
    await rt.db.transaction().execute((trx) => deleteToken(trx, altToken.id, actor, "test"));
    expect(await ownershipOf(C.bobAlt)).toBeUndefined();
    expect((await login(C.bobAlt)).kind).toBe("refused");
  });

  it.skipIf(skip)("legacy: a user whose main has no ownership gets it back at login", async () => {
    const first = await login(C.aliceMain);
    if (first.kind !== "register") throw new Error("expected registration");
    await activate(first.user.id, "aria@example.com");
    await rt.db.deleteFrom("character_ownerships").execute();
    await rt.db.deleteFrom("ownership_records").execute();
    const character = await findCharacter(rt.db, C.aliceMain);
    await rt.db.updateTable("users").set({ main_character_id: character!.id }).where("id", "=", first.user.id).execute();
    expect(await login(C.aliceMain)).toMatchObject({ kind: "login", user: { id: first.user.id } });
    expect(await ownershipOf(C.aliceMain)).toEqual({ user_id: first.user.id, owner_hash: fake.ownerHash(C.aliceMain) });
  });

  it.skipIf(skip)("changing the main: own or unclaimed characters only", async () => {
    const alice = await login(C.aliceMain);
    const carol = await login(C.carolMain);
    if (alice.kind !== "register" || carol.kind !== "register") throw new Error("expected registrations");
    const toCarol = await changeMainWithSso(rt.db, rt.settings, await completedSso(rt, fake, C.carolMain, "change_main", alice.user.id), alice.user.id, actor, characterLoader(rt.db, rt.settings));
    expect(toCarol).toEqual({ result: "owned-by-other", characterName: "Carys O'Daire" });
    expect(await ownershipOf(C.carolMain)).toMatchObject({ user_id: carol.user.id });
    const toHauler = await changeMainWithSso(rt.db, rt.settings, await completedSso(rt, fake, C.aliceHauler, "change_main", alice.user.id), alice.user.id, actor, characterLoader(rt.db, rt.settings));
    expect(toHauler.result).toBe("changed");
    const hauler = await findCharacter(rt.db, C.aliceHauler);
    expect((await user(alice.user.id)).main_character_id).toBe(hauler!.id);
    const characters = await accountCharacters(rt.db, alice.user.id);
    // Sorted by name: Aria Solenne, Hauler McHaulface.
    expect(characters.map((c) => [c.character_id, c.isMain])).toEqual([
      [C.aliceMain, false],
      [C.aliceHauler, true],
    ]);
  });

  it.skipIf(skip)("removing a character: not the main, not someone else's", async () => {
    const alice = await login(C.aliceMain);
    if (alice.kind !== "register") throw new Error("expected registration");
    await addCharacterWithSso(rt.db, rt.settings, await completedSso(rt, fake, C.aliceAlt, "add_character", alice.user.id), alice.user.id, actor, characterLoader(rt.db, rt.settings));
    expect(await removeCharacter(rt.db, alice.user.id, C.aliceMain, actor)).toBe("is-main");
    expect(await removeCharacter(rt.db, alice.user.id, C.bobMain, actor)).toBe("not-owned");
    expect(await removeCharacter(rt.db, alice.user.id, C.aliceAlt, actor)).toBe("removed");
    expect(await ownershipOf(C.aliceAlt)).toBeUndefined();
    expect(await rt.db.selectFrom("esi_tokens").selectAll().where("character_id", "=", C.aliceAlt).execute()).toHaveLength(0);
  });

  it.skipIf(skip)("tokens refresh when old, store the rotated refresh token, and go when revoked", async () => {
    const alice = await login(C.aliceMain);
    if (alice.kind !== "register") throw new Error("expected registration");
    const row = await rt.db.selectFrom("esi_tokens").selectAll().executeTakeFirstOrThrow();
    const box = SecretBox.fromSettings(rt.settings);
    const firstRefresh = box.decrypt(row.refresh_token!);
    // Fresh: no refresh.
    const fresh = await validAccessToken(rt.db, rt.settings, row.id, actor);
    expect(fresh.accessToken).toBe(box.decrypt(row.access_token));
    // Old: refreshed, and the new refresh token is stored.
    await rt.db.updateTable("esi_tokens").set({ refreshed_at: new Date(Date.now() - 2 * 3_600_000) }).execute();
    const refreshed = await validAccessToken(rt.db, rt.settings, row.id, actor);
    expect(refreshed.accessToken).not.toBe(fresh.accessToken);
    const stored = box.decrypt(refreshed.token.refresh_token!);
    expect(stored).not.toBe(firstRefresh);
    expect(refreshed.token.refreshed_at.getTime()).toBeGreaterThan(Date.now() - 60_000);

    // SSO down: nothing is deleted.
    await rt.db.updateTable("esi_tokens").set({ refreshed_at: new Date(Date.now() - 2 * 3_600_000) }).execute();
    fake.setSsoDown(true);
    try {
      await expect(validAccessToken(rt.db, rt.settings, row.id, actor)).rejects.toBeInstanceOf(SsoUnavailableError);
    } finally {
      fake.setSsoDown(false);
    }
    expect(await rt.db.selectFrom("esi_tokens").selectAll().execute()).toHaveLength(1);

    // Revoked at EVE: the token goes, and with it the character (its last token).
    fake.revokeCharacterTokens(C.aliceMain);
    await expect(validAccessToken(rt.db, rt.settings, row.id, actor)).rejects.toBeInstanceOf(TokenInvalidError);
    expect(await rt.db.selectFrom("esi_tokens").selectAll().execute()).toHaveLength(0);
    expect(await ownershipOf(C.aliceMain)).toBeUndefined();
    expect((await user(alice.user.id)).main_character_id).toBeNull();
  });

  it.skipIf(skip)("a changed SECRET_KEY still decrypts through the fallback, and re-encryption moves rows to the new key", async () => {
    await login(C.bobMain);
    const oldBox = SecretBox.fromSettings(rt.settings);
    const before = await rt.db.selectFrom("esi_tokens").selectAll().executeTakeFirstOrThrow();
    const newBox = new SecretBox("a-brand-new-secret-key-that-is-long-enough", [rt.settings.SECRET_KEY]);
    expect(newBox.keyId).not.toBe(oldBox.keyId);
    expect(newBox.decrypt(before.refresh_token!)).toBe(oldBox.decrypt(before.refresh_token!));
    expect(await reencryptTokens(rt.db, newBox)).toEqual({ reencrypted: 1 });
    const after = await rt.db.selectFrom("esi_tokens").selectAll().executeTakeFirstOrThrow();
    expect(after.key_id).toBe(newBox.keyId);
    expect(new SecretBox("a-brand-new-secret-key-that-is-long-enough").decrypt(after.refresh_token!)).toBe(oldBox.decrypt(before.refresh_token!));
    expect(() => oldBox.decrypt(after.refresh_token!)).toThrow(/no key/);
  });

  it.skipIf(skip)("registration: the activation link sets the email and activates, once, within ACCOUNT_ACTIVATION_DAYS", async () => {
    const aria = await login(C.aliceMain);
    if (aria.kind !== "register") throw new Error("expected registration");
    const outcome = await submitRegistrationEmail(rt.db, rt.settings, aria.user.id, "aria@example.com", actor, serverT("en"));
    expect(outcome).toEqual({ kind: "email-sent" });
    // The email is not stored before the link is used.
    expect((await user(aria.user.id)).email).toBeNull();
    const mail = await rt.db.selectFrom("email_outbox").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(mail.to_address).toBe("aria@example.com");
    const link = /\/account\/activate\/(\S+)/.exec(mail.text_body)![1];
    expect(readActivationKey(rt.settings, link + "x")).toBeNull();
    expect(readActivationKey(rt.settings, link, Date.now() + (rt.settings.ACCOUNT_ACTIVATION_DAYS * 86_400_000 + 1000))).toBeNull();
    expect(await activateAccount(rt.db, rt.settings, link, actor)).toMatchObject({ id: aria.user.id, is_active: true, email: "aria@example.com" });
    expect(await activateAccount(rt.db, rt.settings, link, actor)).toBeNull();
    // An admin-disabled user (inactive with an email) cannot be re-activated by an old link.
    await rt.db.updateTable("users").set({ is_active: false }).where("id", "=", aria.user.id).execute();
    expect(await activateAccount(rt.db, rt.settings, activationKey(rt.settings, aria.user.id, "other@example.com"), actor)).toBeNull();
  });

  it.skipIf(skip)("registration without email verification activates at once", async () => {
    const bob = await login(C.bobMain);
    if (bob.kind !== "register") throw new Error("expected registration");
    const settings = { ...rt.settings, REGISTRATION_VERIFY_EMAIL: false };
    expect(await submitRegistrationEmail(rt.db, settings, bob.user.id, "bob@example.com", actor, serverT("en"))).toEqual({ kind: "activated" });
    expect(await user(bob.user.id)).toMatchObject({ is_active: true, email: "bob@example.com" });
    await sql`select 1`.execute(rt.db);
  });

  it.skipIf(skip)("ESI down while the character is unknown: the login fails and nothing is written", async () => {
    fake.setEsiFault({ status: 503 });
    try {
      await expect(login(C.carolScout)).rejects.toThrow();
    } finally {
      fake.setEsiFault(null);
    }
    expect(await rt.db.selectFrom("users").selectAll().execute()).toHaveLength(0);
    expect(await rt.db.selectFrom("esi_tokens").selectAll().execute()).toHaveLength(0);
  });
});
