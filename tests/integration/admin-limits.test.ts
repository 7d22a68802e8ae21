/**
 * Admin limits on both dialects (issue 8): staff cannot lock out or delete a superuser (one by one or
 * in bulk) nor grant themselves a group's permissions; list filters and ids are parsed strictly;
 * editing a group's states removes members who no longer qualify.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBulkProgress, runBulkAction, startBulkAction } from "~/modules/admin/bulk.server";
import type { AdminCtx } from "~/modules/admin/registry.server";
import { adminResource } from "~/modules/admin/resources/index.server";
import { systemActor } from "~/modules/audit/audit.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { startTestServer } from "../support/http";
import { auditCount, grant, signedIn } from "../support/sessions";

describe.each(dialects)("admin limits on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  async function staffWith(...keys: string[]) {
    const user = await makeUser(rt.db, { is_staff: true });
    await grant(rt.db, user.id, ...keys);
    return { user, ...(await signedIn(rt, server.origin, user)) };
  }
  const userRow = (id: number) => rt.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  const sessionsOf = async (id: number) => (await rt.db.selectFrom("sessions").select("id").where("user_id", "=", id).execute()).length;
  const denials = (actor: number) => auditCount(rt.db, { action: "authz.denied", actor });

  it.skipIf(skip)("staff with change/delete on users cannot change, deactivate or delete a superuser, one by one or in bulk", async () => {
    const staff = await staffWith("auth.view_user", "auth.change_user", "auth.delete_user");
    const boss = await makeUser(rt.db, { is_staff: true, is_superuser: true, email: "boss@example.com" });
    const bossSession = await signedIn(rt, server.origin, boss);
    const plain = await makeUser(rt.db);
    const attempts: [string, () => Promise<Response>][] = [
      ["change the email", () => staff.post(`/admin/users/${boss.id}`, [["_fields", "email"], ["email", "attacker@example.com"]])],
      ["deactivate", () => staff.post(`/admin/users/${boss.id}`, [["_fields", "is_active"]])],
      ["delete", () => staff.post(`/admin/users/${boss.id}/delete`, [["confirm", "yes"]])],
      ["bulk deactivate", () => staff.post("/admin/users", [["bulk", "deactivate"], ["ids", String(plain.id)], ["ids", String(boss.id)]])],
      ["bulk delete", () => staff.post("/admin/users", [["bulk", "delete_selected"], ["ids", String(plain.id)], ["ids", String(boss.id)]])],
    ];
    const jobsBefore = (await rt.db.selectFrom("admin_job_progress" as any).select("job_key").execute()).length;
    for (const [what, attempt] of attempts) {
      const before = await denials(staff.user.id);
      const response = await attempt();
      expect(response.status, what).toBe(403);
      expect(await denials(staff.user.id), `${what} audited`).toBe(before + 1);
    }
    const after = await userRow(boss.id);
    expect(after).toMatchObject({ email: "boss@example.com", is_active: true, is_superuser: true });
    expect(await sessionsOf(boss.id)).toBeGreaterThan(0);
    expect((await bossSession.browser.get("/dashboard")).status).toBe(200);
    // Nothing of the bulk requests happened, not even to the other selected user.
    expect(await userRow(plain.id)).toMatchObject({ is_active: true });
    expect((await rt.db.selectFrom("admin_job_progress" as any).select("job_key").execute()).length).toBe(jobsBefore);

    // The same staff user still manages ordinary users.
    expect((await staff.post(`/admin/users/${plain.id}`, [["_fields", "email"], ["email", "plain@example.com"]])).status).toBe(302);
    // A superuser manages superusers.
    const root = await signedIn(rt, server.origin, await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    expect((await root.post(`/admin/users/${boss.id}`, [["_fields", "email"], ["email", "new-boss@example.com"]])).status).toBe(302);
    expect((await userRow(boss.id))?.email).toBe("new-boss@example.com");
  });

  it.skipIf(skip)("a bulk job started by staff skips a target promoted to superuser meanwhile", async () => {
    const staffUser = await makeUser(rt.db, { is_staff: true });
    const target = await makeUser(rt.db);
    const resource = adminResource("users")!;
    const ctx = { db: rt.db, user: { ...staffUser, sessionId: "x", permissions: new Set(["auth.change_user"]) }, actor: { userId: staffUser.id, label: staffUser.username } } as unknown as AdminCtx;
    const bystander = await makeUser(rt.db);
    const jobKey = await startBulkAction(ctx, resource, resource.bulkActions!.find((a) => a.name === "deactivate")!, [String(target.id)]);
    // The request is in the history of each object it names, and of no other.
    expect(await auditCount(rt.db, { action: "admin.bulk.deactivate.requested", type: "user", id: String(target.id) })).toBe(1);
    expect(await auditCount(rt.db, { action: "admin.bulk.deactivate.requested", type: "user", id: String(bystander.id) })).toBe(0);
    await rt.db.updateTable("users").set({ is_superuser: true }).where("id", "=", target.id).execute();
    await runBulkAction(rt.db, jobKey);
    expect(await getBulkProgress(rt.db, jobKey)).toMatchObject({ status: "done", failed: 1 });
    expect((await userRow(target.id))?.is_active).toBe(true);
  });

  it.skipIf(skip)("staff cannot grant themselves (or anyone) a group's permissions they do not hold through membership edits", async () => {
    const staff = await staffWith("auth.view_user", "auth.change_user", "auth.add_user");
    const powerful = await makeGroup(rt.db);
    await rt.db.insertInto("group_permissions").values({ group_id: powerful.id, permission_id: await permissionId(rt.db, "auth.delete_user") }).execute();
    const harmless = await makeGroup(rt.db);
    await rt.db.insertInto("group_permissions").values({ group_id: harmless.id, permission_id: await permissionId(rt.db, "auth.view_user") }).execute();
    const friend = await makeUser(rt.db);
    for (const [what, path, pairs] of [
      ["self", `/admin/users/${staff.user.id}`, [["_fields", "groupIds"], ["groupIds", String(powerful.id)]]],
      ["another user", `/admin/users/${friend.id}`, [["_fields", "groupIds"], ["groupIds", String(powerful.id)]]],
      ["a new user", "/admin/users/new", [["_fields", "username"], ["username", `sock_${dialect}`], ["_fields", "groupIds"], ["groupIds", String(powerful.id)]]],
    ] as [string, string, [string, string][]][]) {
      const before = await denials(staff.user.id);
      expect((await staff.post(path, pairs)).status, what).toBe(403);
      expect(await denials(staff.user.id), `${what} audited`).toBe(before + 1);
    }
    expect(await rt.db.selectFrom("user_groups").selectAll().where("group_id", "=", powerful.id).execute()).toHaveLength(0);
    expect(await rt.db.selectFrom("users").select("id").where("username", "=", `sock_${dialect}`).execute()).toHaveLength(0);
    // A group whose permissions the staff user holds is fine.
    expect((await staff.post(`/admin/users/${friend.id}`, [["_fields", "groupIds"], ["groupIds", String(harmless.id)]])).status).toBe(302);
    expect(await rt.db.selectFrom("user_groups").select("user_id").where("group_id", "=", harmless.id).execute()).toEqual([{ user_id: friend.id }]);
  });

  it.skipIf(skip)("list filters, ids and numbers are parsed strictly: 400 (or 404 for a path id), never a 500", async () => {
    const root = await signedIn(rt, server.origin, await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    const state = (await rt.db.selectFrom("states").select("id").executeTakeFirstOrThrow()).id;
    for (const query of ["state=abc", "state=1e3", "state=0x10", "state=%201", "state=1.0", "state=-1", "state=1e%2B23", "state=100000000000000000000000", "group=99999999999", "corporation=1e3", "is_active=yes", "is_staff=2"]) {
      const response = await root.browser.get(`/admin/users?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toContain('data-testid="error-400"');
      expect((await root.browser.get(`/admin/users/export?${query}`)).status, `export ${query}`).toBe(400);
    }
    for (const query of [`state=${state}`, "group=2147483647", "corporation=98000000001", "is_active=1", "is_superuser=0"]) expect((await root.browser.get(`/admin/users?${query}`)).status, query).toBe(200);
    // A crafted cursor is ignored (first page), not sent to SQL.
    for (const cursor of [Buffer.from(JSON.stringify([1e23, "1"])).toString("base64url"), Buffer.from(JSON.stringify(["x", "99999999999"])).toString("base64url"), "!!!"]) {
      expect((await root.browser.get(`/admin/users?sort=id&after=${cursor}`)).status, cursor).toBe(200);
      expect((await root.browser.get(`/admin/corporations?sort=member_count&after=${cursor}`)).status, cursor).toBe(200);
    }
    for (const id of ["99999999999", "1e3", "0x10"]) expect((await root.browser.get(`/admin/users/${id}`)).status, id).toBe(404);
    expect((await root.browser.get("/admin/corporations/98000000001")).status).toBe(404);
    // Form numbers: "1e3" is not 1000.
    await rt.db.insertInto("states").values({ name: `Strict ${dialect}`, priority: 4242, public: false }).execute();
    const strict = (await rt.db.selectFrom("states").select("id").where("name", "=", `Strict ${dialect}`).executeTakeFirstOrThrow()).id;
    for (const priority of ["1e3", "0x10", " 12", "12.0", "99999999999999999999"]) {
      expect((await root.post(`/admin/states/${strict}`, [["_fields", "priority"], ["priority", priority]])).status, priority).toBe(400);
    }
    expect((await rt.db.selectFrom("states").select("priority").where("id", "=", strict).executeTakeFirstOrThrow()).priority).toBe(4242);
    for (const groupIds of ["1e3", "99999999999", "-1"]) expect((await root.post(`/admin/users/${(await makeUser(rt.db)).id}`, [["_fields", "groupIds"], ["groupIds", groupIds]])).status, groupIds).toBe(400);
  });

  it.skipIf(skip)("editing a group's states in the admin removes the members whose state it no longer allows (audited)", async () => {
    const root = await signedIn(rt, server.origin, await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    for (const [name, priority] of [[`Alpha ${dialect}`, 7001], [`Beta ${dialect}`, 7002]] as const) await rt.db.insertInto("states").values({ name, priority, public: false }).execute();
    const alpha = (await rt.db.selectFrom("states").select("id").where("name", "=", `Alpha ${dialect}`).executeTakeFirstOrThrow()).id;
    const beta = (await rt.db.selectFrom("states").select("id").where("name", "=", `Beta ${dialect}`).executeTakeFirstOrThrow()).id;
    const [a, b] = [await makeUser(rt.db), await makeUser(rt.db)];
    await rt.db.updateTable("users").set({ state_id: alpha }).where("id", "=", a.id).execute();
    await rt.db.updateTable("users").set({ state_id: beta }).where("id", "=", b.id).execute();
    const group = await makeGroup(rt.db);
    await rt.db.insertInto("user_groups").values([{ user_id: a.id, group_id: group.id }, { user_id: b.id, group_id: group.id }]).execute();
    const response = await root.post(`/admin/groups/${group.id}`, [["_fields", "stateIds"], ["stateIds", String(alpha)]]);
    expect(response.status).toBe(302);
    expect((await rt.db.selectFrom("group_states").select("state_id").where("group_id", "=", group.id).execute()).map((r) => r.state_id)).toEqual([alpha]);
    expect((await rt.db.selectFrom("user_groups").select("user_id").where("group_id", "=", group.id).execute()).map((r) => r.user_id)).toEqual([a.id]);
    expect(await auditCount(rt.db, { action: "group.member_removed", id: String(b.id) })).toBe(1);
    expect(await auditCount(rt.db, { action: "group.change", id: String(group.id) })).toBe(1);
    // Unchanged states remove no one (a member added by hand stays).
    await rt.db.insertInto("user_groups").values({ user_id: b.id, group_id: group.id }).execute();
    expect((await root.post(`/admin/groups/${group.id}`, [["_fields", "description"], ["description", "x"]])).status).toBe(302);
    expect(await rt.db.selectFrom("user_groups").select("user_id").where("group_id", "=", group.id).execute()).toHaveLength(2);
    void systemActor;
  });
});
