/**
 * Mumble direct mode against a real murmur (Debian's mumble-server) over Ice, with a real Mumble
 * client (@tf2pickup-org/mumble-client): an activated member logs in with the shown password and is
 * refused with a wrong one; group membership in the root channel's ACL groups decides whether the
 * member may enter a channel only that group may enter; after deactivation the login is refused.
 * PostgreSQL only: the dialect plays no part here (table mode covers both).
 */
import { Client } from "@tf2pickup-org/mumble-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorById } from "~/connectors/registry.server";
import { withMembership, withMurmur } from "~/connectors/mumble/murmur.server";
import { mumbleSettings } from "~/connectors/mumble/settings";
import { systemActor } from "~/modules/audit/audit.server";
import { addMembership, removeMembership } from "~/modules/groups/membership.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { activatePasswordAccount, changeServicePassword } from "~/modules/services/passwords.server";
import { reconcileService, removeAccount, syncServiceUser } from "~/modules/services/runner.server";
import { createTestRuntime, postgresAlways, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { murmurAvailable, murmurSkipReason, startMurmur, type Murmur } from "../support/murmur";

const SYSTEM = systemActor("test");
const ENTER = 0x04;
const SECRET = "ice-test-secret";
const pg = postgresAlways;
const skip = pg.skip || !murmurAvailable;
if (!murmurAvailable) console.warn(`[services-mumble-murmur] skipped: ${murmurSkipReason}`);

describe.skipIf(skip)("services: Mumble direct mode against a real murmur", () => {
  let rt: TestRuntime;
  let murmur: Murmur;
  let mumble: Connector;
  let commandChannel: number;
  let group: { id: number };
  const clients: Client[] = [];

  beforeAll(async () => {
    murmur = await startMurmur({ icePort: 3405, port: 3406, secret: SECRET });
    rt = await createTestRuntime("postgres", {
      settings: { MUMBLE_URL: "127.0.0.1:3406", MUMBLE_MODE: "direct", MUMBLE_ICE_PORT: "3405", MUMBLE_ICE_SECRET: SECRET, MUMBLE_PASSWORD_COST: "4", MUMBLE_ICE_TIMEOUT_SECONDS: "5" },
    });
    mumble = connectorById("mumble")!;
    const member = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
    await rt.db.insertInto("state_permissions").values({ state_id: member, permission_id: await permissionId(rt.db, "mumble.access_mumble") }).execute();
    group = await makeGroup(rt.db, "Fleet Command");
    // A channel everybody is denied, except the ACL group of our "Fleet Command" group.
    commandChannel = await withMurmur(mumbleSettings(rt.settings), async (s) => {
      const server = s.raw();
      const id = await server.addChannel("Command", 0, s.context());
      const acl = [s.slice.newAcl({ applyHere: true, applySubs: true, group: "all", deny: ENTER }), s.slice.newAcl({ applyHere: true, applySubs: true, group: "Fleet-Command", allow: ENTER })];
      await server.setACL(id, acl, [], true, s.context());
      return id;
    });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await rt?.stop();
    await murmur?.stop();
  });

  async function member(main: string) {
    const u = await makeUser(rt.db, { username: main.replace(/\W/g, "").toLowerCase() });
    const characterId = 94_000_000 + u.id;
    await rt.db
      .insertInto("eve_characters")
      .values({ character_id: characterId, character_name: main, corporation_id: 98000003, corporation_name: "Signal Corp", corporation_ticker: "SIG", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
      .execute();
    const c = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
    const state = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
    await rt.db.updateTable("users").set({ main_character_id: c.id, state_id: state }).where("id", "=", u.id).execute();
    return u;
  }

  /** Logs in with a real Mumble client: the connected client, or the server's reject reason. */
  async function login(username: string, password: string): Promise<Client | string> {
    const client = new Client({ host: "127.0.0.1", port: murmur.port, username, password, rejectUnauthorized: false, clientName: "aa-ts tests" });
    try {
      await client.connect();
      clients.push(client);
      return client;
    } catch (error) {
      return (error as Error).message || String(error);
    }
  }

  async function mayEnter(client: Client): Promise<boolean> {
    try {
      await client.self!.moveToChannel(commandChannel);
      await client.self!.moveToChannel(0);
      return true;
    } catch {
      return false;
    }
  }

  it("an activated member logs in with the shown password, not with a wrong one; the group opens the channel and its removal closes it", async () => {
    const u = await member("Aria Solenne");
    await addMembership(rt.db, u.id, group.id);
    const shown = await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    expect(shown.username).toBe("[SIG]Aria_Solenne");
    expect(await login(shown.username, "wrong password")).toMatch(/wrong certificate or password/i);
    const client = await login(shown.username, shown.password);
    expect(client).toBeInstanceOf(Client);
    const c = client as Client;
    expect(c.self!.isRegistered).toBe(true);
    expect(await mayEnter(c)).toBe(true);

    await removeMembership(rt.db, u.id, group.id);
    expect(await syncServiceUser({ db: rt.db, settings: rt.settings }, mumble, u.id)).toEqual({ kind: "synced", changed: true });
    expect(await mayEnter(c)).toBe(false);
    c.disconnect();

    const reset = (await changeServicePassword(rt.db, rt.settings, mumble, u.id, SYSTEM))!;
    expect(await login(shown.username, shown.password)).toMatch(/wrong certificate or password/i);
    expect(await login(shown.username, reset.password)).toBeInstanceOf(Client);
  }, 60_000);

  it("deactivation keeps the name registered with a password nobody knows: the next login is refused, also as a guest", async () => {
    const u = await member("Borin Kaltz");
    await addMembership(rt.db, u.id, group.id);
    const shown = await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    const account = (await findAccount(rt.db, "mumble", u.id))!;
    await removeAccount({ db: rt.db, settings: rt.settings }, mumble, account, "user", false);
    expect(await login(shown.username, shown.password)).toMatch(/wrong certificate or password/i);
    expect(await login(shown.username, "")).toMatch(/wrong certificate or password/i);
    const membership = await withMurmur(mumbleSettings(rt.settings), async (s) => (await s.rootAcl()).groups.find((g) => g.name === "Fleet-Command")?.add ?? []);
    expect(membership).not.toContain(Number(account.remoteId));
    // Re-activation reuses the same registration with a new password.
    const again = await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    expect((await findAccount(rt.db, "mumble", u.id))!.remoteId).toBe(account.remoteId);
    expect(await login(again.username, again.password)).toBeInstanceOf(Client);
  }, 60_000);

  it("the reconciler reads murmur twice and writes the root ACL once for any number of changes; drift caused in murmur is repaired", async () => {
    const users = await Promise.all(["Cora Vell", "Dax Morrow", "Eir Nolan"].map((n) => member(n)));
    for (const u of users) await addMembership(rt.db, u.id, group.id);
    for (const u of users) await activatePasswordAccount(rt.db, rt.settings, mumble, u.id, SYSTEM);
    // Someone empties our group by hand in murmur.
    await withMurmur(mumbleSettings(rt.settings), async (s) => {
      await s.setRootAcl(withMembership(s.slice, await s.rootAcl(), new Map([["Fleet-Command", new Set<number>()]])));
    });
    const report = await reconcileService({ db: rt.db, settings: rt.settings }, mumble);
    expect(report.figures.remoteCalls).toBe(4);
    expect(report.figures.remoteChanged).toBeGreaterThanOrEqual(3);
    const ids = await withMurmur(mumbleSettings(rt.settings), async (s) => (await s.rootAcl()).groups.find((g) => g.name === "Fleet-Command")?.add ?? []);
    for (const u of users) expect(ids).toContain(Number((await findAccount(rt.db, "mumble", u.id))!.remoteId));
    expect((await reconcileService({ db: rt.db, settings: rt.settings }, mumble)).figures).toMatchObject({ remoteCalls: 3, remoteChanged: 0 });
  }, 60_000);

  it("a wrong Ice secret is a clear error and changes nothing", async () => {
    const u = await member("Fen Arrow");
    const bad = { ...rt.settings, MUMBLE_ICE_SECRET: "not-the-secret" };
    await expect(activatePasswordAccount(rt.db, bad, mumble, u.id, SYSTEM)).rejects.toThrow(/Ice secret/);
    expect(await rt.db.selectFrom("mumble_mumbleuser").select("user_id").where("user_id", "=", u.id).executeTakeFirst()).toBeUndefined();
  });
});
