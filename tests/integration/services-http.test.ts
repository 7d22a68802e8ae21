/**
 * Openfire (REST API plugin) and XenForo (XenAPI) connectors against their fakes: activation with
 * credentials shown once, group sync (additions and removals, reserved names kept), password reset
 * and set, deactivation on loss of access, re-activation, the reconcile's drift report, and the member
 * routes over HTTP (JS-less form posts). PostgreSQL only: nothing here depends on the dialect (the
 * desired state and the accounts are covered on both in services-discord and services-discourse).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectorById } from "~/connectors/registry.server";
import { systemActor } from "~/modules/audit/audit.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { activatePasswordAccount, changeServicePassword, takeCredentials } from "~/modules/services/passwords.server";
import { reconcileService, syncServiceUser } from "~/modules/services/runner.server";
import { startFakeOpenfire, type FakeOpenfire } from "../fakes/openfire/index";
import { startFakeXenForo, type FakeXenForo } from "../fakes/xenforo/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { permissionId } from "../support/factories";
import { startTestServer } from "../support/http";
import { browserAs, groupId, serviceMember, stateIds } from "../support/service-members";

const SYSTEM = systemActor("test");
describe.each(dialects)("services: Openfire and XenForo on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let openfire: FakeOpenfire;
  let xenforo: FakeXenForo;
  let of: Connector;
  let xf: Connector;
  let states: { member: number; guest: number };

  beforeAll(async () => {
    if (skip) return;
    openfire = await startFakeOpenfire({ secret: "of-secret", domain: "example.test" });
    xenforo = await startFakeXenForo({ apiKey: "xf-key" });
    rt = await createTestRuntime(dialect, {
      settings: { OPENFIRE_ADDRESS: openfire.url, OPENFIRE_SECRET_KEY: "of-secret", JABBER_URL: "example.test", XENFORO_ENDPOINT: xenforo.endpoint, XENFORO_APIKEY: "xf-key", XENFORO_DEFAULT_GROUP: "5" },
    });
    of = connectorById("openfire")!;
    xf = connectorById("xenforo")!;
    states = await stateIds(rt.db);
    for (const p of ["openfire.access_openfire", "xenforo.access_xenforo"]) await rt.db.insertInto("state_permissions").values({ state_id: states.member, permission_id: await permissionId(rt.db, p) }).execute();
  });
  afterAll(async () => {
    await rt?.stop();
    await openfire?.stop();
    await xenforo?.stop();
  });
  beforeEach(() => {
    if (skip) return;
    openfire?.setFault(null);
    rt.settings.XENFORO_APIKEY = "xf-key";
  });
  const ctx = () => ({ db: rt.db, settings: rt.settings });

  it.skipIf(skip)("Openfire: activation creates the user with the state and group names, and shows the password once", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Aria Solenne", groups: ["Fleet Command", "Logi_"] });
    await activatePasswordAccount(rt.db, rt.settings, of, u.id, SYSTEM);
    const account = await findAccount(rt.db, "openfire", u.id);
    expect(account?.remoteUsername).toBe("Aria\\20Solenne");
    expect(openfire.groupsOf("Aria\\20Solenne")).toEqual(["fleetcommand", "logi", "member"]);
    const shown = await takeCredentials(rt.db, rt.settings, u.id);
    expect(shown).toHaveLength(1);
    expect(shown[0].password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(openfire.users.get("aria\\20solenne")?.password).toBe(shown[0].password);
    // Shown once: cleared as read, and never stored in clear.
    expect(await takeCredentials(rt.db, rt.settings, u.id)).toEqual([]);
    const row = await rt.db.selectFrom("service_accounts").select("credentials").where("user_id", "=", u.id).executeTakeFirstOrThrow();
    expect(row.credentials).toBeNull();
    // The same name again: Openfire refuses (409), nothing is linked for the second member.
    const twin = await serviceMember(rt.db, { stateId: states.member, main: "Aria Solenne" });
    await expect(activatePasswordAccount(rt.db, rt.settings, of, twin.id, SYSTEM)).rejects.toThrow(/already exists/);
    expect(await findAccount(rt.db, "openfire", twin.id)).toBeNull();
  });

  it.skipIf(skip)("Openfire: group sync adds and removes; a reserved name and unsynced parts stay", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Brannoc Vey", groups: ["Alpha"] });
    await activatePasswordAccount(rt.db, rt.settings, of, u.id, SYSTEM);
    const name = "brannoc\\20vey";
    openfire.groups.set("Admins", new Set([name]));
    await rt.db.insertInto("reserved_group_names").values({ name: "Admins", reason: "test", created_by: "test", created_at: new Date() }).execute();
    openfire.groups.set("stray", new Set([name]));
    await rt.db.deleteFrom("user_groups").where("user_id", "=", u.id).execute();
    await rt.db.insertInto("user_groups").values({ user_id: u.id, group_id: await groupId(rt.db, "Bravo") }).execute();
    openfire.clearRequests();
    expect(await syncServiceUser(ctx(), of, u.id)).toEqual({ kind: "synced", changed: true });
    expect(openfire.groupsOf(name)).toEqual(["Admins", "bravo", "member"]);
    expect(openfire.callCount("POST /users/{u}/groups")).toBe(1);
    expect(openfire.callCount("DELETE /users/{u}/groups")).toBe(1);
    openfire.clearRequests();
    expect(await syncServiceUser(ctx(), of, u.id)).toEqual({ kind: "synced", changed: false });
    expect(openfire.callCount("POST /users/{u}/groups") + openfire.callCount("DELETE /users/{u}/groups")).toBe(0);
  });

  it.skipIf(skip)("Openfire: password reset and set reach the server; a failed call changes nothing and is recorded", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Carys Odaire" });
    await activatePasswordAccount(rt.db, rt.settings, of, u.id, SYSTEM);
    await takeCredentials(rt.db, rt.settings, u.id);
    await changeServicePassword(rt.db, rt.settings, of, u.id, SYSTEM);
    const [reset] = await takeCredentials(rt.db, rt.settings, u.id);
    expect(openfire.users.get("carys\\20odaire")?.password).toBe(reset.password);
    await changeServicePassword(rt.db, rt.settings, of, u.id, SYSTEM, "my own secret");
    expect(openfire.users.get("carys\\20odaire")?.password).toBe("my own secret");
    await expect(changeServicePassword(rt.db, rt.settings, of, u.id, SYSTEM, "short")).rejects.toThrow();
    openfire.setFault({ status: 500 });
    await expect(changeServicePassword(rt.db, rt.settings, of, u.id, SYSTEM)).rejects.toThrow(/Openfire 500/);
    expect(openfire.users.get("carys\\20odaire")?.password).toBe("my own secret");
    expect(await takeCredentials(rt.db, rt.settings, u.id)).toEqual([]);
  });

  it.skipIf(skip)("Openfire: losing access deletes the user and unlinks; a failing server keeps the link for the retry", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Dax Orrin", groups: ["Alpha"] });
    await activatePasswordAccount(rt.db, rt.settings, of, u.id, SYSTEM);
    await rt.db.updateTable("users").set({ state_id: states.guest }).where("id", "=", u.id).execute();
    openfire.setFault({ status: 503 });
    await expect(syncServiceUser(ctx(), of, u.id)).rejects.toThrow();
    expect(await findAccount(rt.db, "openfire", u.id)).not.toBeNull();
    expect(openfire.users.has("dax\\20orrin")).toBe(true);
    expect(await syncServiceUser(ctx(), of, u.id)).toEqual({ kind: "removed", why: "no-access" });
    expect(openfire.users.has("dax\\20orrin")).toBe(false);
    expect(await findAccount(rt.db, "openfire", u.id)).toBeNull();
    const note = await rt.db.selectFrom("notifications").select("title").where("user_id", "=", u.id).execute();
    expect(note.map((x) => x.title)).toContain("Openfire Account Disabled");
  });

  it.skipIf(skip)("Openfire: the reconcile reads groups once, fixes drift, reports gone accounts and unlinked holders", async () => {
    const a = await serviceMember(rt.db, { stateId: states.member, main: "Recon One", groups: ["Alpha"] });
    const b = await serviceMember(rt.db, { stateId: states.member, main: "Recon Two" });
    await activatePasswordAccount(rt.db, rt.settings, of, a.id, SYSTEM);
    await activatePasswordAccount(rt.db, rt.settings, of, b.id, SYSTEM);
    openfire.groups.get("alpha")!.delete("recon\\20one");
    openfire.users.delete("recon\\20two");
    openfire.addUser("outsider", "x");
    openfire.groups.get("member")!.add("outsider");
    const report = await reconcileService(ctx(), of);
    expect(report.changed).toBe(1);
    expect(report.goneUserIds).toEqual([b.id]);
    expect(report.lists.unlinkedHolders).toContain("outsider");
    expect(openfire.groupsOf("recon\\20one")).toContain("alpha");
    expect(await findAccount(rt.db, "openfire", b.id)).toBeNull();
  });

  const renameMain = (characterId: number, name: string) => rt.db.updateTable("eve_characters").set({ character_name: name }).where("character_id", "=", characterId).execute();

  it.skipIf(skip)("Openfire: the display name follows the main character, by the per-user sync and by the reconcile", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Nym Arkady" });
    await activatePasswordAccount(rt.db, rt.settings, of, u.id, SYSTEM);
    expect(openfire.users.get("nym\\20arkady")?.name).toBe("Nym Arkady");
    await renameMain(u.characterId, "Nym Arkady II");
    expect(await syncServiceUser(ctx(), of, u.id)).toEqual({ kind: "synced", changed: true });
    expect(openfire.users.get("nym\\20arkady")?.name).toBe("Nym Arkady II");
    // The username is fixed at creation: the link keeps it.
    expect((await findAccount(rt.db, "openfire", u.id))?.remoteUsername).toBe("Nym\\20Arkady");
    await renameMain(u.characterId, "Nym Arkady III");
    const report = await reconcileService(ctx(), of);
    expect(report.figures.nameChanges).toBe(1);
    expect(report.lists.changedMembers).toContain("Nym\\20Arkady: name Nym Arkady III");
    expect(openfire.users.get("nym\\20arkady")?.name).toBe("Nym Arkady III");
  });

  it.skipIf(skip)("XenForo: the username follows the name format on a new main; a name held by another user (7/40) is refused and recorded", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Oren Vale" });
    await activatePasswordAccount(rt.db, rt.settings, xf, u.id, SYSTEM);
    const id = xenforo.byName("Oren_Vale")!.user_id;
    await renameMain(u.characterId, "Oren Vale Second");
    expect(await syncServiceUser(ctx(), xf, u.id)).toEqual({ kind: "synced", changed: true });
    expect(xenforo.users.get(id)?.username).toBe("Oren_Vale_Second");
    expect((await findAccount(rt.db, "xenforo", u.id))?.remoteUsername).toBe("Oren_Vale_Second");
    expect(await syncServiceUser(ctx(), xf, u.id)).toEqual({ kind: "synced", changed: false });
    const other = await serviceMember(rt.db, { stateId: states.member, main: "Pell Taken" });
    await activatePasswordAccount(rt.db, rt.settings, xf, other.id, SYSTEM);
    await renameMain(u.characterId, "Pell Taken");
    await expect(syncServiceUser(ctx(), xf, u.id)).rejects.toThrow(/Pell_Taken is taken/);
    expect(xenforo.users.get(id)?.username).toBe("Oren_Vale_Second");
    expect((await findAccount(rt.db, "xenforo", u.id))?.lastError).toMatch(/taken/);
    const report = await reconcileService(ctx(), xf);
    expect(report.failed).toBeGreaterThanOrEqual(1);
    await renameMain(u.characterId, "Oren Vale Second");
  });

  it.skipIf(skip)("XenForo: register with the default group, deactivate removes it, re-activation adds it back", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Elin Sarro", email: "elin@example.com" });
    await activatePasswordAccount(rt.db, rt.settings, xf, u.id, SYSTEM);
    const remote = xenforo.byName("Elin_Sarro")!;
    expect(remote.email).toBe("elin@example.com");
    expect(xenforo.groupsOf("Elin_Sarro")).toEqual([5]);
    const [shown] = await takeCredentials(rt.db, rt.settings, u.id);
    expect(remote.password).toBe(shown.password);
    expect((await findAccount(rt.db, "xenforo", u.id))?.remoteId).toBe(String(remote.user_id));
    // Access lost: the group goes (the primary group falls back to Registered), the link too.
    await rt.db.updateTable("users").set({ state_id: states.guest }).where("id", "=", u.id).execute();
    expect(await syncServiceUser(ctx(), xf, u.id)).toEqual({ kind: "removed", why: "no-access" });
    expect(xenforo.groupsOf("Elin_Sarro")).toEqual([2]);
    expect(await findAccount(rt.db, "xenforo", u.id)).toBeNull();
    // Back: register answers 7/40 (name taken), so the group is added back with a new password.
    await rt.db.updateTable("users").set({ state_id: states.member }).where("id", "=", u.id).execute();
    await activatePasswordAccount(rt.db, rt.settings, xf, u.id, SYSTEM);
    expect(xenforo.groupsOf("Elin_Sarro")).toEqual([2, 5]);
    const [again] = await takeCredentials(rt.db, rt.settings, u.id);
    expect(xenforo.byName("Elin_Sarro")!.password).toBe(again.password);
  });

  it.skipIf(skip)("XenForo: reset and set password; a wrong key (error 6) links nothing; a vanished user is gone", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Fenn Mercer" });
    await activatePasswordAccount(rt.db, rt.settings, xf, u.id, SYSTEM);
    await takeCredentials(rt.db, rt.settings, u.id);
    await changeServicePassword(rt.db, rt.settings, xf, u.id, SYSTEM);
    const [reset] = await takeCredentials(rt.db, rt.settings, u.id);
    expect(xenforo.byName("Fenn_Mercer")!.password).toBe(reset.password);
    await changeServicePassword(rt.db, rt.settings, xf, u.id, SYSTEM, "hunter2hunter2");
    expect(xenforo.byName("Fenn_Mercer")!.password).toBe("hunter2hunter2");
    const v = await serviceMember(rt.db, { stateId: states.member, main: "Gale Wrong" });
    rt.settings.XENFORO_APIKEY = "not-the-key";
    await expect(activatePasswordAccount(rt.db, rt.settings, xf, v.id, SYSTEM)).rejects.toThrow(/error 6/);
    expect(await findAccount(rt.db, "xenforo", v.id)).toBeNull();
    rt.settings.XENFORO_APIKEY = "xf-key";
    xenforo.users.delete(xenforo.byName("Fenn_Mercer")!.user_id);
    const report = await reconcileService(ctx(), xf);
    expect(report.goneUserIds).toContain(u.id);
    expect(await findAccount(rt.db, "xenforo", u.id)).toBeNull();
  });

  describe("member routes over HTTP (no JavaScript)", () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      if (skip) return;
      server = await startTestServer(rt);
    });
    afterAll(async () => {
      await server?.close();
    });

    it.skipIf(skip)("activate shows the credentials once; reset shows new ones; set password checks the length beside the field", async () => {
      const u = await serviceMember(rt.db, { stateId: states.member, main: "Hale Routes" });
      const b = await browserAs(rt.db, rt.settings, server.origin, u.id);
      const csrf = await b.csrfFrom("/services");
      const res = await b.post("/services/openfire/activate", { csrf });
      expect(res.status).toBe(302);
      const page = await (await b.get("/services")).text();
      const password = openfire.users.get("hale\\20routes")!.password;
      expect(page).toContain(password);
      expect(await (await b.get("/services")).text()).not.toContain(password);
      expect((await b.post("/services/openfire/reset_password", { csrf })).status).toBe(302);
      const fresh = openfire.users.get("hale\\20routes")!.password;
      expect(fresh).not.toBe(password);
      expect(await (await b.get("/services")).text()).toContain(fresh);
      const short = await b.post("/services/openfire/set_password", { csrf, password: "short" });
      expect(short.status).toBe(400);
      expect(await short.text()).toContain("field-password-error");
      expect(openfire.users.get("hale\\20routes")!.password).toBe(fresh);
      expect((await b.post("/services/openfire/set_password", { csrf, password: "long enough now" })).status).toBe(302);
      expect(openfire.users.get("hale\\20routes")!.password).toBe("long enough now");
      // A Guest without the permission: 403 and nothing changes.
      await rt.db.updateTable("users").set({ state_id: states.guest }).where("id", "=", u.id).execute();
      expect((await b.post("/services/openfire/set_password", { csrf, password: "another one!" })).status).toBe(403);
      expect(openfire.users.get("hale\\20routes")!.password).toBe("long enough now");
      expect((await b.post("/services/xenforo/activate", { csrf })).status).toBe(403);
      expect(xenforo.byName("Hale_Routes")).toBeUndefined();
    });
  });
});
