/**
 * The TeamSpeak 3 connector through the services framework, against the fake ServerQuery server:
 * privilege-key activation and redemption, server groups added and removed to match the mappings,
 * run_ts3_group_update, the reconcile's drift report and call count, deactivation, and the
 * troubleshooting status with its admin notification.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectorById } from "~/connectors/registry.server";
import { saveServerGroups } from "~/connectors/teamspeak3/groups.server";
import { closeSharedQueryClients, ts3Port } from "~/connectors/teamspeak3/port.server";
import { ts3Status } from "~/connectors/teamspeak3/status.server";
import { systemActor } from "~/modules/audit/audit.server";
import { addMembership, removeMembership } from "~/modules/groups/membership.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { activateWithKey, servicesForUser } from "~/modules/services/page.server";
import { reconcileService, removeAccount, syncServiceUser } from "~/modules/services/runner.server";
import { startFakeTs3, type FakeTs3 } from "../fakes/teamspeak3/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";

const SYSTEM = systemActor("test");
const LOGIN = { username: "serveradmin", password: "ts-query-secret" };

describe.each(dialects)("services: TeamSpeak 3 connector on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeTs3;
  let ts3: Connector;
  let memberState: number;
  let n = 0;
  const sg: Record<string, number> = {};

  beforeAll(async () => {
    if (skip) return;
    fake = await startFakeTs3({ login: LOGIN, floodCommands: 0 });
    for (const name of ["Member", "Fleet", "Logi", "Capitals", "Keep Me"]) sg[name] = fake.world.addGroup(name).sgid;
    rt = await createTestRuntime(dialect, {
      settings: {
        TEAMSPEAK3_SERVER_IP: "127.0.0.1",
        TEAMSPEAK3_SERVER_PORT: String(fake.port),
        TEAMSPEAK3_SERVERQUERY_USER: LOGIN.username,
        TEAMSPEAK3_SERVERQUERY_PASSWORD: LOGIN.password,
        TEAMSPEAK3_PUBLIC_URL: "ts.example.org",
        TEAMSPEAK3_QUERY_FLOOD_COMMANDS: "0",
      },
    });
    ts3 = connectorById("teamspeak3")!;
    const states = await rt.db.selectFrom("states").select(["id", "name"]).execute();
    memberState = states.find((s) => s.name === "Member")!.id;
    await rt.db.insertInto("state_permissions").values({ state_id: memberState, permission_id: await permissionId(rt.db, "teamspeak3.access_teamspeak3") }).execute();
    await saveServerGroups(rt.db, await ts3Port(rt.settings).serverGroups());
    // Mappings: state Member → "Member"; Auth groups Fleet → Fleet + Capitals, Logi → Logi.
    await rt.db.insertInto("ts3_state_groups").values({ state_id: memberState, sgid: sg.Member }).execute();
    for (const [group, sgids] of [["Fleet", [sg.Fleet, sg.Capitals]], ["Logi", [sg.Logi]]] as const) {
      const g = await makeGroup(rt.db, `${group}`);
      await rt.db.insertInto("ts3_auth_groups").values({ group_id: g.id }).execute();
      const a = await rt.db.selectFrom("ts3_auth_groups").select("id").where("group_id", "=", g.id).executeTakeFirstOrThrow();
      await rt.db.insertInto("ts3_auth_group_server_groups").values(sgids.map((sgid) => ({ auth_ts_id: a.id, sgid }))).execute();
    }
  });
  afterAll(async () => {
    closeSharedQueryClients();
    await rt?.stop();
    await fake?.stop();
  });
  beforeEach(() => {
    if (skip) return;
    fake.setQueryPermissions(true);
  });

  const ctx = () => ({ db: rt.db, settings: rt.settings });
  const groupId = async (name: string) => (await rt.db.selectFrom("auth_groups").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
  const groupsOf = (cldbid: number) => [...(fake.world.clients.get(cldbid)?.groups ?? [])].map((id) => fake.world.groups.get(id)!.name).sort();

  /** A Member with a main in `groups`, activated (key issued); redeemed by a simulated client unless told not to. */
  async function member(groups: string[], options: { redeem?: boolean } = {}) {
    const i = ++n;
    const u = await makeUser(rt.db, { username: `ts${i}_${dialect}` });
    const characterId = 97_000_000 + i;
    await rt.db
      .insertInto("eve_characters")
      .values({ character_id: characterId, character_name: `Pilot O'Neil ${i}`, corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
      .execute();
    const c = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
    await rt.db.updateTable("users").set({ main_character_id: c.id, state_id: memberState }).where("id", "=", u.id).execute();
    for (const name of groups) await rt.db.insertInto("user_groups").values({ user_id: u.id, group_id: await groupId(name) }).execute();
    const remote = await activateWithKey(rt.db, rt.settings, ts3, u.id, SYSTEM);
    const key = [...fake.world.tokens.values()].find((t) => t.customset.includes(remote.remoteId))!.token;
    const cldbid = options.redeem === false ? null : fake.redeem(key, { nickname: remote.remoteUsername });
    return { user: u, remote, key, cldbid };
  }

  it.skipIf(skip)("activation issues a privilege key for a mapped group that binds the identity; redeeming and syncing applies the groups", async () => {
    const { user, remote, key } = await member(["Fleet"], { redeem: false });
    expect(remote.remoteUsername).toBe(`[MRLOG]Pilot_O-Neil_${n}`);
    const token = fake.world.tokens.get(key)!;
    expect(token.customset).toBe(`ident=sso_uid value=${remote.remoteId}`);
    expect([sg.Member, sg.Fleet, sg.Capitals]).toContain(token.id1);
    // The key is stored sealed, shown on /services with the ts3server:// link, and "verify" is offered.
    const account = (await findAccount(rt.db, "teamspeak3", user.id))!;
    const sealed = await rt.db.selectFrom("service_accounts").select("credentials").where("id", "=", account.id).executeTakeFirstOrThrow();
    expect(sealed.credentials).not.toContain(key);
    const row = (await servicesForUser(rt.db, rt.settings, { id: user.id, permissions: new Set(["teamspeak3.access_teamspeak3"]), is_superuser: false })).find((r) => r.id === "teamspeak3")!;
    expect(row.pending).toEqual({ secret: key, link: `ts3server://ts.example.org?token=${encodeURIComponent(key)}&nickname=${encodeURIComponent(remote.remoteUsername)}` });
    expect(row.actions).toEqual(["verify", "deactivate", "reset"]);
    // Not redeemed yet: a sync changes nothing and keeps the account.
    expect(await syncServiceUser(ctx(), ts3, user.id)).toEqual({ kind: "synced", changed: false });
    const cldbid = fake.redeem(key, { nickname: remote.remoteUsername });
    expect(await syncServiceUser(ctx(), ts3, user.id)).toEqual({ kind: "synced", changed: true });
    expect(groupsOf(cldbid)).toEqual(["Capitals", "Fleet", "Member"]);
    expect((await rt.db.selectFrom("service_accounts").select("credentials").where("id", "=", account.id).executeTakeFirstOrThrow()).credentials).toBeNull();
    const after = (await servicesForUser(rt.db, rt.settings, { id: user.id, permissions: new Set(["teamspeak3.access_teamspeak3"]), is_superuser: false })).find((r) => r.id === "teamspeak3")!;
    expect(after.pending).toBeNull();
    expect(after.remoteGroups).toEqual(["Capitals", "Fleet", "Member"]);
  });

  it.skipIf(skip)("groups follow membership both ways; reserved names and unmanaged groups are left alone", async () => {
    const { user, cldbid } = await member(["Fleet"]);
    await syncServiceUser(ctx(), ts3, user.id);
    const client = fake.world.clients.get(cldbid!)!;
    client.groups.add(sg["Keep Me"]); // unmanaged: not mapped, not a state name
    await rt.db.transaction().execute(async (trx) => {
      await removeMembership(trx, user.id, await groupId("Fleet"));
      await addMembership(trx, user.id, await groupId("Logi"));
    });
    fake.resetCounts();
    expect(await syncServiceUser(ctx(), ts3, user.id)).toEqual({ kind: "synced", changed: true });
    expect(groupsOf(cldbid!)).toEqual(["Keep Me", "Logi", "Member"]);
    expect(fake.commands).toMatchObject({ customsearch: 1, servergroupsbyclientid: 1, servergroupaddclient: 1, servergroupdelclient: 2 });
    // A reserved name is never removed, even when mapped.
    await rt.db.insertInto("reserved_group_names").values({ name: "logi", reason: "test", created_by: "test", created_at: new Date() }).execute();
    await rt.db.transaction().execute(async (trx) => removeMembership(trx, user.id, await groupId("Logi")));
    await syncServiceUser(ctx(), ts3, user.id);
    expect(groupsOf(cldbid!)).toEqual(["Keep Me", "Logi", "Member"]);
    await rt.db.deleteFrom("reserved_group_names").where("name", "=", "logi").execute();
  });

  it.skipIf(skip)("run_ts3_group_update mirrors the regular groups; a vanished group takes its mappings with it", async () => {
    const temp = fake.world.addGroup("Temporary").sgid;
    expect((await saveServerGroups(rt.db, await ts3Port(rt.settings).serverGroups())).added).toBe(1);
    await rt.db.insertInto("ts3_state_groups").values({ state_id: memberState, sgid: temp }).execute();
    fake.world.groups.delete(temp);
    const result = await saveServerGroups(rt.db, await ts3Port(rt.settings).serverGroups());
    expect(result.removed).toBe(1);
    expect(await rt.db.selectFrom("ts3_state_groups").select("sgid").where("sgid", "=", temp).execute()).toEqual([]);
    const names = (await rt.db.selectFrom("ts3_server_groups").select("name").execute()).map((r) => r.name);
    expect(names).toContain("Guest");
    expect(names).not.toContain("Admin Server Query"); // query groups (type 2) are not offered
  });

  it.skipIf(skip)("the reconcile fixes only the members that drifted, in few calls, and reports strangers and gone accounts", async () => {
    const members = [];
    for (let i = 0; i < 12; i++) members.push(await member(i % 2 ? ["Fleet"] : ["Logi"]));
    await reconcileService(ctx(), ts3);
    // Drift: one member lost a group on TeamSpeak, one got an extra managed group, one identity was deleted.
    fake.world.clients.get(members[0].cldbid!)!.groups.delete(sg.Logi);
    fake.world.clients.get(members[1].cldbid!)!.groups.add(sg.Logi);
    fake.world.clients.delete(members[2].cldbid!);
    const stranger = fake.world.newClient("Stranger");
    stranger.groups.add(sg.Capitals);
    fake.resetCounts();
    const report = await reconcileService(ctx(), ts3);
    expect(report.changed).toBe(2);
    expect(report.goneUserIds).toEqual([members[2].user.id]);
    expect(report.lists.unlinkedHolders).toEqual([`cldbid ${stranger.cldbid}: Capitals`]);
    expect(groupsOf(members[0].cldbid!)).toEqual(["Logi", "Member"]);
    expect(groupsOf(members[1].cldbid!)).toEqual(["Capitals", "Fleet", "Member"]);
    expect(await findAccount(rt.db, "teamspeak3", members[2].user.id)).toBeNull();
    // One group list, one customsearch for all bindings, one member list per managed group, one write per change.
    expect(fake.commands).toEqual({ servergrouplist: 1, customsearch: 1, servergroupclientlist: 5, servergroupaddclient: 1, servergroupdelclient: 1 });
    const stored = await rt.db.selectFrom("service_sync_state").select("last_reconcile").where("service", "=", "teamspeak3").executeTakeFirstOrThrow();
    expect(JSON.parse(stored.last_reconcile!).figures).toMatchObject({ unlinkedHolders: 1, goneAccounts: 1, writes: 2 });
    fake.world.clients.delete(stranger.cldbid);
  });

  it.skipIf(skip)("deactivation kicks and deletes the identity; an unredeemed key is deleted so it cannot be used later", async () => {
    const { user, cldbid } = await member(["Logi"]);
    expect(fake.world.clients.get(cldbid!)?.clid).not.toBeNull();
    await removeAccount(ctx(), ts3, (await findAccount(rt.db, "teamspeak3", user.id))!, "user", false);
    expect(fake.world.clients.has(cldbid!)).toBe(false);
    expect(await findAccount(rt.db, "teamspeak3", user.id)).toBeNull();
    const pending = await member(["Logi"], { redeem: false });
    await removeAccount(ctx(), ts3, (await findAccount(rt.db, "teamspeak3", pending.user.id))!, "user", false);
    expect(fake.world.tokens.has(pending.key)).toBe(false);
  });

  it.skipIf(skip)("a permissions problem (2568) becomes an admin status and one notification, never a crash; it clears when calls work", async () => {
    const admin = await makeUser(rt.db, { username: `tsadmin_${dialect}`, is_superuser: true });
    const { user } = await member(["Logi"]);
    await rt.db.transaction().execute(async (trx) => addMembership(trx, user.id, await groupId("Fleet")));
    fake.setQueryPermissions(false);
    for (let i = 0; i < 2; i++) await expect(syncServiceUser(ctx(), ts3, user.id)).rejects.toMatchObject({ id: 2568 });
    expect((await ts3Status(rt.db)).trouble).toBe("permissions");
    const notes = await rt.db.selectFrom("notifications").select(["title", "message"]).where("user_id", "=", admin.id).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0].title).toBe("TeamSpeak 3: Insufficient ServerQuery permissions (2568)");
    expect(notes[0].message).toContain("serveradmin");
    expect((await findAccount(rt.db, "teamspeak3", user.id))?.lastError).toContain("2568");
    fake.setQueryPermissions(true);
    await syncServiceUser(ctx(), ts3, user.id);
    expect((await ts3Status(rt.db)).trouble).toBeNull();
  });
});
