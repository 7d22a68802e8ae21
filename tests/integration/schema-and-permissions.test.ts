import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEffectivePermissions, syncPermissionCatalogue } from "~/modules/auth/permissions.server";
import { createSession, resolveRequestUser } from "~/modules/auth/sessions.server";
import { permissionCatalogue } from "~/modules/permission-registry";
import { migrateToLatest } from "../../db/index.server";
import { dialects, createTestRuntime, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";

describe.each(dialects)("schema and permissions on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect);
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("migrations are applied once and re-running them changes nothing", async () => {
    const before = await rt.db.selectFrom("kysely_migration" as never).selectAll().execute();
    await migrateToLatest(rt.db);
    const after = await rt.db.selectFrom("kysely_migration" as never).selectAll().execute();
    expect(after).toHaveLength(before.length);
    expect(before.length).toBeGreaterThan(0);
  });

  it.skipIf(skip)("the catalogue holds every declared permission with the original's codenames", async () => {
    const rows = await rt.db.selectFrom("permissions").select(["app_label", "codename"]).execute();
    const keys = new Set(rows.map((r) => `${r.app_label}.${r.codename}`));
    for (const p of permissionCatalogue()) expect(keys).toContain(`${p.appLabel}.${p.codename}`);
    expect(keys).toContain("auth.group_management");
    expect(keys).toContain("auth.timer_view");
    expect(await syncPermissionCatalogue(rt.db)).toEqual({ inserted: 0 });
  });

  it.skipIf(skip)("sync adds a newly declared permission and keeps existing grants", async () => {
    const user = await makeUser(rt.db);
    await rt.db.insertInto("user_permissions").values({ user_id: user.id, permission_id: await permissionId(rt.db, "auth.member") }).execute();
    const result = await syncPermissionCatalogue(rt.db, [...permissionCatalogue(), { appLabel: "testapp", codename: "do_things", name: "Can do things" }]);
    expect(result.inserted).toBe(1);
    const perms = await getEffectivePermissions(rt.db, user);
    expect([...perms].sort()).toEqual(["auth.member"]);
  });

  it.skipIf(skip)("booleans and timestamps round-trip as booleans and UTC dates", async () => {
    const user = await makeUser(rt.db, { is_staff: true });
    expect(user.is_staff).toBe(true);
    expect(user.is_superuser).toBe(false);
    expect(user.date_joined).toBeInstanceOf(Date);
    expect(Math.abs(user.date_joined.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it.skipIf(skip)("effective permissions are the user's own plus their groups'", async () => {
    const user = await makeUser(rt.db);
    const other = await makeUser(rt.db);
    const group = await makeGroup(rt.db);
    const otherGroup = await makeGroup(rt.db);
    await rt.db.insertInto("user_permissions").values({ user_id: user.id, permission_id: await permissionId(rt.db, "auth.timer_view") }).execute();
    await rt.db.insertInto("group_permissions").values({ group_id: group.id, permission_id: await permissionId(rt.db, "auth.optimer_view") }).execute();
    await rt.db.insertInto("group_permissions").values({ group_id: otherGroup.id, permission_id: await permissionId(rt.db, "auth.srp_management") }).execute();
    await rt.db.insertInto("user_groups").values([{ user_id: user.id, group_id: group.id }, { user_id: other.id, group_id: otherGroup.id }]).execute();
    expect([...(await getEffectivePermissions(rt.db, user))].sort()).toEqual(["auth.optimer_view", "auth.timer_view"]);
    expect([...(await getEffectivePermissions(rt.db, other))]).toEqual(["auth.srp_management"]);
  });

  it.skipIf(skip)("superusers hold every permission; inactive users hold none", async () => {
    const su = await makeUser(rt.db, { is_superuser: true });
    const all = await rt.db.selectFrom("permissions").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect((await getEffectivePermissions(rt.db, su)).size).toBe(Number(all.n));
    const inactiveSu = await makeUser(rt.db, { is_superuser: true, is_active: false });
    expect((await getEffectivePermissions(rt.db, inactiveSu)).size).toBe(0);
    const inactive = await makeUser(rt.db, { is_active: false });
    await rt.db.insertInto("user_permissions").values({ user_id: inactive.id, permission_id: await permissionId(rt.db, "auth.member") }).execute();
    expect((await getEffectivePermissions(rt.db, inactive)).size).toBe(0);
  });

  it.skipIf(skip)("a session's permissions, read with the session in one statement, are the user's effective permissions", async () => {
    const all = await rt.db.selectFrom("permissions").select(["id", "app_label", "codename"]).orderBy("id").execute();
    const user = await makeUser(rt.db);
    const group = await makeGroup(rt.db);
    const state = await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow();
    // Many keys (every third permission through a group), one of their own, two through the state.
    await rt.db.insertInto("group_permissions").values(all.filter((_, i) => i % 3 === 0).map((p) => ({ group_id: group.id, permission_id: p.id }))).execute();
    await rt.db.insertInto("user_groups").values({ user_id: user.id, group_id: group.id }).execute();
    await rt.db.insertInto("user_permissions").values({ user_id: user.id, permission_id: all[1]!.id }).execute();
    await rt.db.insertInto("state_permissions").values([all[2]!, all[4]!].map((p) => ({ state_id: state.id, permission_id: p.id }))).execute();
    await rt.db.updateTable("users").set({ state_id: state.id }).where("id", "=", user.id).execute();
    const none = await makeUser(rt.db);
    const su = await makeUser(rt.db, { is_superuser: true });
    for (const subject of [user, none, su]) {
      const fresh = await rt.db.selectFrom("users").selectAll().where("id", "=", subject.id).executeTakeFirstOrThrow();
      const token = await createSession(rt.db, rt.settings, fresh, { ip: "127.0.0.1", userAgent: "test" });
      const resolved = await resolveRequestUser(rt.db, rt.settings, token);
      expect([...resolved!.user.permissions].sort(), fresh.username).toEqual([...(await getEffectivePermissions(rt.db, fresh))].sort());
    }
    const expected = new Set([...all.filter((_, i) => i % 3 === 0), all[1]!, all[2]!, all[4]!].map((p) => `${p.app_label}.${p.codename}`));
    const token = await createSession(rt.db, rt.settings, user, { ip: "127.0.0.1", userAgent: "test" });
    expect((await resolveRequestUser(rt.db, rt.settings, token))!.user.permissions).toEqual(expected);

    // A second group granting keys the first grants too: each key once.
    const second = await makeGroup(rt.db);
    await rt.db.insertInto("group_permissions").values([all[0]!, all[3]!].map((p) => ({ group_id: second.id, permission_id: p.id }))).execute();
    await rt.db.insertInto("user_groups").values({ user_id: user.id, group_id: second.id }).execute();
    expected.add(`${all[3]!.app_label}.${all[3]!.codename}`);
    expect((await resolveRequestUser(rt.db, rt.settings, token))!.user.permissions).toEqual(expected);

    // A permission added after this process read the catalogue (an app installed by another process): named all the same.
    await rt.db.insertInto("permissions").values({ app_label: "later", codename: "added_since", name: "Added since" }).execute();
    await rt.db.insertInto("user_permissions").values({ user_id: user.id, permission_id: await permissionId(rt.db, "later.added_since") }).execute();
    expected.add("later.added_since");
    expect((await resolveRequestUser(rt.db, rt.settings, token))!.user.permissions).toEqual(expected);
  });

  it.skipIf(skip)("deleting a user removes their memberships and grants (cascade)", async () => {
    const user = await makeUser(rt.db);
    const group = await makeGroup(rt.db);
    await rt.db.insertInto("user_groups").values({ user_id: user.id, group_id: group.id }).execute();
    await rt.db.deleteFrom("users").where("id", "=", user.id).execute();
    const left = await rt.db.selectFrom("user_groups").selectAll().where("user_id", "=", user.id).execute();
    expect(left).toHaveLength(0);
    await sql`select 1`.execute(rt.db);
  });
});
