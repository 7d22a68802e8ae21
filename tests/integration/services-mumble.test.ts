/**
 * Mumble in table mode (the original's mumble_mumbleuser, read by the murmur authenticator) on both
 * dialects: activation writes the row the authenticator reads (passlib bcrypt_sha256 hash, groups
 * incl. the state, display name), reset/set password, deactivation keeps the name with an unusable
 * hash, group and display-name sync, the reconciler's drift report, and the HTTP round trips.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorById } from "~/connectors/registry.server";
import { systemActor } from "~/modules/audit/audit.server";
import { addMembership } from "~/modules/groups/membership.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { activatePasswordAccount, changeServicePassword } from "~/modules/services/passwords.server";
import { reconcileService, removeAccount, syncServiceUser } from "~/modules/services/runner.server";
import { verifyMumblePassword } from "~/connectors/mumble/password.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { startTestServer } from "../support/http";
import { signedIn } from "../support/sessions";
import { passlibVerify } from "../support/passlib";

const SYSTEM = systemActor("test");

describe.each(dialects)("services: Mumble connector (table mode) on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let mumble: Connector;
  let memberState: number;
  let n = 0;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect, { settings: { MUMBLE_URL: "voice.example.org:64738", MUMBLE_PASSWORD_COST: "4" } });
    mumble = connectorById("mumble")!;
    const states = await rt.db.selectFrom("states").select(["id", "name"]).execute();
    memberState = states.find((s) => s.name === "Member")!.id;
    await rt.db.insertInto("state_permissions").values({ state_id: memberState, permission_id: await permissionId(rt.db, "mumble.access_mumble") }).execute();
  });
  afterAll(async () => {
    await rt?.stop();
  });

  const ctx = () => ({ db: rt.db, settings: rt.settings });
  const row = (userId: number) => rt.db.selectFrom("mumble_mumbleuser").selectAll().where("user_id", "=", userId).executeTakeFirst();

  async function member(options: { groups?: string[]; main?: string; state?: number } = {}) {
    const i = ++n;
    const u = await makeUser(rt.db, { username: `mum${i}_${dialect}` });
    const characterId = 95_000_000 + i;
    await rt.db
      .insertInto("eve_characters")
      .values({ character_id: characterId, character_name: options.main ?? `Voice Pilot ${i}`, corporation_id: 98000002, corporation_name: "Echo Corp", corporation_ticker: "ECHO", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
      .execute();
    const c = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
    await rt.db.updateTable("users").set({ main_character_id: c.id, state_id: options.state ?? memberState }).where("id", "=", u.id).execute();
    for (const name of options.groups ?? []) {
      const existing = await rt.db.selectFrom("auth_groups").select("id").where("name", "=", name).executeTakeFirst();
      await rt.db.insertInto("user_groups").values({ user_id: u.id, group_id: existing?.id ?? (await makeGroup(rt.db, name)).id }).execute();
    }
    return u;
  }

  it.skipIf(skip)("activation writes the authenticator's row: name from the name format, passlib hash, groups with the state", async () => {
    const u = await member({ groups: [`Fleet Commanders ${dialect}`], main: "Aria Solenne" });
    const shown = await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    expect(shown.username).toBe("[ECHO]Aria_Solenne");
    expect(shown.password).toMatch(/^[A-Za-z0-9]{16}$/);
    const r = (await row(u.id))!;
    expect(r).toMatchObject({ username: "[ECHO]Aria_Solenne", display_name: "[ECHO]Aria Solenne", hashfn: "bcrypt-sha256", groups: [`Fleet-Commanders-${dialect}`, "Member"].sort().join(","), certhash: null, last_connect: null });
    expect(r.pwhash).toMatch(/^\$bcrypt-sha256\$v=2,t=2b,r=4\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{31}$/);
    expect(verifyMumblePassword(shown.password, r.pwhash)).toBe(true);
    expect(verifyMumblePassword(`${shown.password}x`, r.pwhash)).toBe(false);
    const real = passlibVerify([[shown.password, r.pwhash], [`${shown.password}x`, r.pwhash]]);
    if (real) expect(real).toEqual([true, false]);
    const account = await findAccount(rt.db, "mumble", u.id);
    expect(account).toMatchObject({ remoteId: String(u.id), remoteUsername: "[ECHO]Aria_Solenne" });
    expect(mumble.describe(rt.settings, account).url).toBe("mumble://%5BECHO%5DAria_Solenne@voice.example.org:64738");
  });

  it.skipIf(skip)("reset and set password replace the hash; deactivation keeps the name with a hash nobody can match and no groups", async () => {
    const u = await member({ groups: [`Logi ${dialect}`] });
    const first = await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    const reset = (await changeServicePassword(rt.db, rt.settings, mumble, u.id, SYSTEM))!;
    expect(reset.password).not.toBe(first.password);
    let r = (await row(u.id))!;
    expect(verifyMumblePassword(reset.password, r.pwhash)).toBe(true);
    expect(verifyMumblePassword(first.password, r.pwhash)).toBe(false);
    await changeServicePassword(rt.db, rt.settings, mumble, u.id, SYSTEM, "my own voice pw");
    r = (await row(u.id))!;
    expect(verifyMumblePassword("my own voice pw", r.pwhash)).toBe(true);
    await removeAccount(ctx(), mumble, (await findAccount(rt.db, "mumble", u.id))!, "user", false);
    expect(await findAccount(rt.db, "mumble", u.id)).toBeNull();
    r = (await row(u.id))!;
    expect(r.groups).toBeNull();
    expect(r.username).toMatch(/_/);
    expect(verifyMumblePassword("my own voice pw", r.pwhash)).toBe(false);
    const again = await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    expect(again.username).toBe(r.username);
    expect(verifyMumblePassword(again.password, (await row(u.id))!.pwhash)).toBe(true);
  });

  it.skipIf(skip)("group and display-name sync write only what changed; the reconciler reports drift and unlinks accounts whose row is gone", async () => {
    const a = await member({ groups: [`Alpha ${dialect}`] });
    const b = await member();
    const c = await member();
    for (const u of [a, b, c]) await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    expect(await syncServiceUser(ctx(), mumble, a.id)).toEqual({ kind: "synced", changed: false });
    await addMembership(rt.db, a.id, (await makeGroup(rt.db, `Beta Squad ${dialect}`)).id);
    expect(await syncServiceUser(ctx(), mumble, a.id)).toEqual({ kind: "synced", changed: true });
    expect((await row(a.id))!.groups).toBe([`Alpha-${dialect}`, `Beta-Squad-${dialect}`, "Member"].sort().join(","));
    const charId = (await rt.db.selectFrom("users").select("main_character_id").where("id", "=", b.id).executeTakeFirstOrThrow()).main_character_id!;
    await rt.db.updateTable("eve_characters").set({ character_name: `Renamed ${dialect}` }).where("id", "=", charId).execute();
    await rt.db.updateTable("mumble_mumbleuser").set({ groups: "Intruders" }).where("user_id", "=", a.id).execute();
    await rt.db.deleteFrom("mumble_mumbleuser").where("user_id", "=", c.id).execute();
    const report = await reconcileService(ctx(), mumble);
    expect(report.goneUserIds).toEqual([c.id]);
    expect(report.figures).toMatchObject({ rowsChanged: 2, updateStatements: 1, remoteCalls: 0 });
    expect((await row(a.id))!.groups).toBe([`Alpha-${dialect}`, `Beta-Squad-${dialect}`, "Member"].sort().join(","));
    expect((await row(b.id))!).toMatchObject({ display_name: `[ECHO]Renamed ${dialect}` });
    expect((await row(b.id))!.username).not.toContain("Renamed");
    expect(await findAccount(rt.db, "mumble", c.id)).toBeNull();
    expect((await reconcileService(ctx(), mumble)).changed).toBe(0);
  });

  it.skipIf(skip)("a name held by another user's row refuses activation and writes nothing", async () => {
    const a = await member({ main: `Twin ${dialect}` });
    await activatePasswordAccount(rt.db, rt.settings, mumble, a.id, SYSTEM);
    const b = await member({ main: `Twin ${dialect}` });
    await expect(activatePasswordAccount(rt.db, rt.settings, mumble, b.id, SYSTEM)).rejects.toThrow(/taken/);
    expect(await row(b.id)).toBeUndefined();
    expect(await findAccount(rt.db, "mumble", b.id)).toBeNull();
  });

  describe("over HTTP (no JavaScript)", () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      if (!skip) server = await startTestServer(rt);
    });
    afterAll(async () => {
      await server?.close();
    });

    const browserFor = async (userId: number) => (await signedIn(rt, server.origin, await rt.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow(), "/services")).browser;

    it.skipIf(skip)("activate shows the credentials once; a short password is a 400 beside the field and changes nothing; no permission is a 403", async () => {
      const u = await member({ main: `Http Pilot ${dialect}` });
      const b = await browserFor(u.id);
      const csrf = await b.csrfFrom("/services");
      const page = await b.post("/services/mumble/activate", { csrf });
      expect(page.status).toBe(200);
      const html = await page.text();
      const password = /data-testid="service-credentials-mumble-password">([A-Za-z0-9]{16})</.exec(html)?.[1];
      expect(password).toBeTruthy();
      expect(html).toContain("mumble://%5BECHO%5DHttp_Pilot_");
      expect(verifyMumblePassword(password!, (await row(u.id))!.pwhash)).toBe(true);
      const before = (await row(u.id))!.pwhash;
      const short = await b.post("/services/mumble/set_password", { csrf, password: "short" });
      expect(short.status).toBe(400);
      expect(await short.text()).toContain('id="field-password-error"');
      expect((await row(u.id))!.pwhash).toBe(before);
      expect((await b.post("/services/mumble/set_password", { password: "long enough pw" })).status).toBe(403);
      expect((await row(u.id))!.pwhash).toBe(before);
      expect((await b.get("/services/mumble/set_password")).status).toBe(200);
      const guest = await member({ state: (await rt.db.selectFrom("states").select("id").where("name", "=", "Guest").executeTakeFirstOrThrow()).id });
      const g = await browserFor(guest.id);
      expect((await g.post("/services/mumble/activate", { csrf: await g.csrfFrom("/services") })).status).toBe(403);
      expect(await row(guest.id)).toBeUndefined();
    });
  });
});
