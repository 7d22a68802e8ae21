/** The permissions audit (the original's permissions_tool) on both dialects: counts, sources, access. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { getEffectivePermissions } from "~/modules/auth/permissions.server";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { upsertCharacter, upsertCorporation } from "~/modules/eve/entities.server";
import { findPermission, permissionHolders, permissionOverview } from "~/modules/permissions-audit/audit.server";
import { saveStateDefinition, type StateDefinition } from "~/modules/states/states.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const actor = systemActor("test");
const CORP = 98200001;
const OTHER_CORP = 98200002;
const AUDITED = "auth.timer_view";

describe.each(dialects)("permissions audit on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let pid: number;
  let memberStateId: number;
  let n = 0;
  const users: Record<string, { id: number; username: string; is_active: boolean; is_staff: boolean; is_superuser: boolean }> = {};

  /** A user (username prefixed so that the order is known) whose main is in `corp`. */
  async function user(key: string, corp: number | null, fields: { is_superuser?: boolean } = {}) {
    const u = await makeUser(rt.db, { username: `${key}_${dialect}`, ...fields });
    if (corp !== null) {
      const characterId = 93000000 + ++n;
      const character = await upsertCharacter(rt.db, {
        character_id: characterId,
        character_name: `${key} Pilot`,
        corporation_id: corp,
        corporation_name: corp === CORP ? "Audit Corp" : "Other Corp",
        corporation_ticker: corp === CORP ? "AUDIT" : "OTHER",
        alliance_id: null,
        alliance_name: null,
        alliance_ticker: null,
        faction_id: null,
        faction_name: null,
      });
      await rt.db.updateTable("users").set({ main_character_id: character.id }).where("id", "=", u.id).execute();
    }
    users[key] = u;
    return u;
  }

  const def = (extra: Partial<StateDefinition>): StateDefinition => ({ name: "Member", priority: 100, public: false, permissionIds: [], characterIds: [], corporationIds: [], allianceIds: [], factionIds: [], ...extra });

  async function cookieFor(key: string) {
    const token = await createSession(rt.db, rt.settings, users[key], {});
    const browser = new Browser(server.origin);
    browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
    return browser;
  }

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    pid = await permissionId(rt.db, AUDITED);
    for (const [id, name] of [
      [CORP, "Audit Corp"],
      [OTHER_CORP, "Other Corp"],
    ] as const) {
      await upsertCorporation(rt.db, { corporation_id: id, corporation_name: name, corporation_ticker: name.slice(0, 5).toUpperCase(), member_count: 5, ceo_id: null, alliance_id: null, faction_id: null });
    }
    // a_direct: directly, and through the Member state (main in CORP).
    await user("a_direct", CORP);
    // b_groups: through two groups; c_group: through one; d_state: through the state only.
    await user("b_groups", OTHER_CORP);
    await user("c_group", null);
    await user("d_state", CORP);
    await user("e_auditor", OTHER_CORP);
    await user("f_outsider", OTHER_CORP);
    await user("g_root", null, { is_superuser: true });
    await rt.db.insertInto("user_permissions").values({ user_id: users.a_direct.id, permission_id: pid }).execute();
    await rt.db.insertInto("user_permissions").values({ user_id: users.e_auditor.id, permission_id: await permissionId(rt.db, "permissions_tool.audit_permissions") }).execute();
    const g1 = await makeGroup(rt.db, `Timers ${dialect}`);
    const g2 = await makeGroup(rt.db, `Fleet ${dialect}`);
    const empty = await makeGroup(rt.db, `Empty ${dialect}`);
    await rt.db
      .insertInto("group_permissions")
      .values([g1, g2, empty].map((g) => ({ group_id: g.id, permission_id: pid })))
      .execute();
    await rt.db
      .insertInto("user_groups")
      .values([
        { user_id: users.b_groups.id, group_id: g1.id },
        { user_id: users.b_groups.id, group_id: g2.id },
        { user_id: users.c_group.id, group_id: g1.id },
      ])
      .execute();
    memberStateId = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
    await saveStateDefinition(rt.db, memberStateId, def({ corporationIds: [CORP], permissionIds: [pid] }), actor);
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  it.skipIf(skip)("counts every source in the overview, set-based over all permissions", async () => {
    const rows = await permissionOverview(rt.db);
    expect(rows.length).toBe(Number((await rt.db.selectFrom("permissions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n));
    const audited = rows.find((r) => r.key === AUDITED)!;
    // users: a; groups: Timers, Fleet, Empty; via groups: b, c; states: Member; via states: a, d; in all: a, b, c, d.
    expect(audited).toMatchObject({ users: 1, groups: 3, groupUsers: 2, states: 1, stateUsers: 2, total: 4 });
    expect(rows.find((r) => r.key === "permissions_tool.audit_permissions")).toMatchObject({ users: 1, groups: 0, groupUsers: 0, states: 0, stateUsers: 0, total: 1 });
    expect(rows.find((r) => r.key === "auth.srp_management")).toMatchObject({ users: 0, groups: 0, groupUsers: 0, states: 0, stateUsers: 0, total: 0 });
  });

  it.skipIf(skip)("searches by key or description, literally, and can hide unused permissions", async () => {
    expect((await permissionOverview(rt.db, { search: "AUTH.TIMER_V" })).map((r) => r.key)).toEqual([AUDITED]);
    expect((await permissionOverview(rt.db, { search: "can audit permissions" })).map((r) => r.key)).toEqual(["permissions_tool.audit_permissions"]);
    // LIKE wildcards in the search match only themselves.
    expect(await permissionOverview(rt.db, { search: "%" })).toEqual([]);
    // "_" is literal too: "timer_" does not match "timers" in the descriptions.
    expect((await permissionOverview(rt.db, { search: "timer_" })).map((r) => r.key)).toEqual(["auth.optimer_management", "auth.optimer_view", "auth.timer_management", "auth.timer_view"]);
    const used = await permissionOverview(rt.db, { onlyUsed: true });
    expect(used.map((r) => r.key).sort()).toEqual([AUDITED, "permissions_tool.audit_permissions"]);
  });

  it.skipIf(skip)("lists each holder with every source and their main character; superusers as a note", async () => {
    const permission = (await findPermission(rt.db, AUDITED))!;
    const result = await permissionHolders(rt.db, permission);
    expect(result.total).toBe(4);
    expect(result.holders.map((h) => [h.username.replace(`_${dialect}`, ""), h.mainCharacter, h.sources])).toEqual([
      ["a_direct", "a_direct Pilot", [{ type: "user" }, { type: "state", name: "Member" }]],
      [
        "b_groups",
        "b_groups Pilot",
        [
          { type: "group", name: `Fleet ${dialect}` },
          { type: "group", name: `Timers ${dialect}` },
        ],
      ],
      ["c_group", null, [{ type: "group", name: `Timers ${dialect}` }]],
      ["d_state", "d_state Pilot", [{ type: "state", name: "Member" }]],
    ]);
    expect(result.groups.map((g) => [g.name, g.members])).toEqual([
      [`Empty ${dialect}`, 0],
      [`Fleet ${dialect}`, 1],
      [`Timers ${dialect}`, 2],
    ]);
    expect(result.states).toEqual([{ id: memberStateId, name: "Member", members: 2 }]);
    expect(result.superusers.map((s) => s.username)).toEqual([`g_root_${dialect}`]);
    const page = await permissionHolders(rt.db, permission, { limit: 2, offset: 2 });
    expect(page.total).toBe(4);
    expect(page.holders.map((h) => h.username)).toEqual([`c_group_${dialect}`, `d_state_${dialect}`]);
    expect(await findPermission(rt.db, "auth.no_such_thing")).toBeUndefined();
    expect(await findPermission(rt.db, "nodot")).toBeUndefined();
  });

  it.skipIf(skip)("state and group grants are effective permissions, and stop being so when the state changes", async () => {
    const effective = async (key: string) => getEffectivePermissions(rt.db, (await rt.db.selectFrom("users").selectAll().where("id", "=", users[key].id).executeTakeFirstOrThrow()));
    expect((await effective("d_state")).has(AUDITED)).toBe(true);
    expect((await effective("c_group")).has(AUDITED)).toBe(true);
    expect((await effective("b_groups")).has(AUDITED)).toBe(true);
    expect((await effective("f_outsider")).has(AUDITED)).toBe(false);
    expect((await effective("g_root")).has(AUDITED)).toBe(true);
    // The state moves to the other corporation: d loses it, the outsider gains it.
    await saveStateDefinition(rt.db, memberStateId, def({ corporationIds: [OTHER_CORP], permissionIds: [pid] }), actor);
    try {
      expect((await effective("d_state")).has(AUDITED)).toBe(false);
      expect((await effective("f_outsider")).has(AUDITED)).toBe(true);
      const audited = (await permissionOverview(rt.db, { search: AUDITED }))[0];
      // Member now: b, e, f (OTHER_CORP); a keeps its direct grant, c its group.
      expect(audited).toMatchObject({ users: 1, stateUsers: 3, total: 5 });
    } finally {
      await saveStateDefinition(rt.db, memberStateId, def({ corporationIds: [CORP], permissionIds: [pid] }), actor);
    }
  });

  it.skipIf(skip)("serves both pages to a holder of permissions_tool.audit_permissions, without JavaScript", async () => {
    const browser = await cookieFor("e_auditor");
    const dashboard = await (await browser.get("/dashboard")).text();
    expect(dashboard).toContain('href="/permissions"');
    const overview = await browser.get("/permissions?q=timer_view");
    expect(overview.status).toBe(200);
    const html = await overview.text();
    expect(html).toContain('data-testid="permission-auth.timer_view"');
    expect(html).not.toContain('data-testid="permission-auth.srp_management"');
    expect(html).toContain(`g_root_${dialect}`);
    const detail = await browser.get(`/permissions/${AUDITED}`);
    expect(detail.status).toBe(200);
    const page = await detail.text();
    for (const key of ["a_direct", "b_groups", "c_group", "d_state"]) expect(page).toContain(`data-testid="holder-${key}_${dialect}"`);
    expect(page).not.toContain(`holder-f_outsider_${dialect}`);
    expect(page).toContain("State Member");
    expect(page).toContain(`Group Timers ${dialect}`);
    expect(page).toContain("Directly");
    expect(page).toContain("d_state Pilot");
  });

  it.skipIf(skip)("an unknown permission is 404; without the permission it is 403 (audited); anonymous goes to login", async () => {
    const auditor = await cookieFor("e_auditor");
    expect((await auditor.get("/permissions/auth.no_such_thing")).status).toBe(404);
    expect((await auditor.get("/permissions/garbage")).status).toBe(404);
    // Past the last page of holders: back to the last page.
    const past = await auditor.get(`/permissions/${AUDITED}?page=7`);
    expect(past.status).toBe(302);
    expect(past.headers.get("location")).toBe(`/permissions/${AUDITED}`);
    const outsider = await cookieFor("f_outsider");
    expect(await (await outsider.get("/dashboard")).text()).not.toContain('href="/permissions"');
    expect((await outsider.get("/permissions")).status).toBe(403);
    expect((await outsider.get(`/permissions/${AUDITED}`)).status).toBe(403);
    const denied = await listAudit(rt.db, { action: "authz.denied" });
    expect(denied.map((d) => d.target_id)).toContain("/permissions");
    const anonymous = await new Browser(server.origin).get("/permissions");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?next=/);
  });
});
