/**
 * Issue 12 item 8: the audit log reads as sentences with names and links, details on demand,
 * filters (actor included) and paging; a refused page view is one row, not one per loader.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, systemActor, writeAudit, writeAuditForUsers } from "~/modules/audit/audit.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { auditCount, grant, signedIn } from "../support/sessions";

describe.each(dialects)("audit log page on $dialect", ({ dialect, skip }) => {
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

  it.skipIf(skip)("entries are sentences with the actor and target by name and linked, unknown actions humanised, details on demand", async () => {
    const auditor = await makeUser(rt.db, { username: "auditor", is_staff: true });
    await grant(rt.db, auditor.id, "audit.view_auditentry");
    const actorUser = await makeUser(rt.db, { username: "gm_alice" });
    const group = await makeGroup(rt.db, "Logistics Wing");
    await writeAudit(rt.db, { userId: actorUser.id, label: "gm_alice", ip: "203.0.113.9", requestId: "req-0123456789" }, { action: "group.created", targetType: "group", targetId: group.id, after: { name: "Logistics Wing", hidden: true } });
    await writeAudit(rt.db, systemActor("cleanup"), { action: "widget.frobbed_twice", targetType: "widget", targetId: 7 });
    await writeAudit(rt.db, systemActor("cleanup"), { action: "user.delete", targetType: "user", targetId: 999_999 });
    const { browser } = await signedIn(rt, server.origin, auditor);
    const response = await browser.get("/audit");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`<a [^>]*href="/admin/users/${actorUser.id}">gm_alice</a> created the group <a [^>]*href="/admin/groups/${group.id}">Logistics Wing</a>`));
    expect(html).toContain("widget frobbed twice");
    expect(html).toContain("user #999999 (deleted)");
    // Details: the change, pretty-printed, and where it came from.
    expect(html).toMatch(/<details[^>]*>.*&quot;name&quot;: &quot;Logistics Wing&quot;/s);
    expect(html).toContain("From 203.0.113.9, request req-0123");
    // No raw JSON in the sentence column any more.
    expect(html).not.toContain("+ {&quot;name&quot;");
  });

  it.skipIf(skip)("filters by actor and action, and pages back through older entries", async () => {
    const auditor = await rt.db.selectFrom("users").selectAll().where("username", "=", "auditor").executeTakeFirstOrThrow();
    for (let i = 0; i < 60; i++) await writeAudit(rt.db, systemActor("pager"), { action: "state.change", targetType: "state", targetId: 1, reason: `step ${i}` });
    const { browser } = await signedIn(rt, server.origin, auditor);
    const first = await (await browser.get("/audit?actor=system%3Apager")).text();
    expect((first.match(/data-testid="audit-entry-/g) ?? []).length).toBe(50);
    expect(first).not.toContain("gm_alice");
    const older = /href="(\/audit\?actor=system%3Apager&amp;before=\d+)"/.exec(first);
    expect(older).not.toBeNull();
    const second = await (await browser.get(older![1].replaceAll("&amp;", "&"))).text();
    expect((second.match(/data-testid="audit-entry-/g) ?? []).length).toBe(10);
    expect(second).not.toContain('data-testid="audit-older"');
    expect(second).toContain('data-testid="audit-newest"');
    const byAction = await (await browser.get("/audit?action=group.created")).text();
    expect((byAction.match(/data-testid="audit-entry-/g) ?? []).length).toBe(1);
    // Nonsense in the cursor is ignored, not a 500.
    expect((await browser.get("/audit?before=abc&before=1e99")).status).toBe(200);
  });

  it.skipIf(skip)("an entry about many users is one entry: counted on the page, found from each of them, in their history", async () => {
    const auditor = await rt.db.selectFrom("users").selectAll().where("username", "=", "auditor").executeTakeFirstOrThrow();
    const root = await makeUser(rt.db, { username: "history_root", is_staff: true, is_superuser: true });
    const [a, b, c, outsider] = [await makeUser(rt.db), await makeUser(rt.db), await makeUser(rt.db), await makeUser(rt.db)];
    const bulk = systemActor("bulk");
    const change = { action: "user.state_changed", before: { state: "Guest" }, after: { state: "Member" } };
    // 999998 is nobody: left out of the entry and its count.
    await writeAuditForUsers(rt.db, bulk, change, [a.id, b.id, c.id, 999_998]);
    await writeAuditForUsers(rt.db, bulk, change, [999_997, 999_996]);
    // Repeats are one id: an ordinary entry naming the user.
    await writeAuditForUsers(rt.db, bulk, { ...change, action: "user.state_checked" }, [a.id, a.id]);
    const written = await rt.db.selectFrom("audit_log").selectAll().where("actor", "=", "system:bulk").orderBy("id").execute();
    expect(written.map((e) => [e.user_count, e.target_type, e.target_id])).toEqual([
      [3, "user", null],
      [null, "user", String(a.id)],
    ]);
    // Asked about two of their users at once, each entry comes once; the limit counts entries.
    await writeAuditForUsers(rt.db, systemActor("bulk2"), change, [a.id, b.id]);
    const later = await rt.db.selectFrom("audit_log").select("id").where("actor", "=", "system:bulk2").executeTakeFirstOrThrow();
    const both = await listAudit(rt.db, { action: "user.state_changed", targetType: "user", targetIds: [String(a.id), String(b.id)], limit: 2 });
    expect(both.map((e) => e.id)).toEqual([later.id, written[0].id]);
    expect((await rt.db.selectFrom("audit_log_users").select("user_id").where("audit_id", "=", written[0].id).orderBy("user_id").execute()).map((m) => m.user_id)).toEqual([a.id, b.id, c.id]);

    const { browser } = await signedIn(rt, server.origin, auditor);
    const entry = `data-testid="audit-entry-${written[0].id}"`;
    const forB = await (await browser.get(`/audit?targetType=user&targetId=${b.id}`)).text();
    expect(forB).toContain(entry);
    expect(forB).toMatch(/system:bulk<\/span> changed the state of <span[^>]*>3 users<\/span>/);
    expect(await (await browser.get(`/audit?targetType=user&targetId=${outsider.id}`)).text()).not.toContain(entry);
    expect(await (await browser.get(`/audit?targetType=group&targetId=${b.id}`)).text()).not.toContain(entry);
    await rt.db.updateTable("users").set({ language: "de" }).where("id", "=", auditor.id).execute();
    expect(await (await browser.get(`/audit?targetId=${c.id}`)).text()).toContain("3 Benutzer");
    await rt.db.updateTable("users").set({ language: null }).where("id", "=", auditor.id).execute();

    const admin = await signedIn(rt, server.origin, root);
    const history = await (await admin.browser.get(`/admin/users/${a.id}/history`)).text();
    expect(history).toContain("user.state_changed");
    expect(await (await admin.browser.get(`/admin/users/${outsider.id}/history`)).text()).not.toContain("user.state_changed");
  });

  it.skipIf(skip)("a refused page view writes one authz.denied row, though its layout and its loader both refuse", async () => {
    const member = await makeUser(rt.db, { username: "curious_member" });
    const { browser } = await signedIn(rt, server.origin, member);
    const before = await auditCount(rt.db, { action: "authz.denied", actor: member.id });
    const response = await browser.get("/admin/users");
    expect(response.status).toBe(403);
    expect(await auditCount(rt.db, { action: "authz.denied", actor: member.id })).toBe(before + 1);
  });
});
