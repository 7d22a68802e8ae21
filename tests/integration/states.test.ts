/** State resolution (behaviour reference §3.1) on both dialects: rules, triggers, set-based cost. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAudit, systemActor } from "~/modules/audit/audit.server";
import { getEffectivePermissions } from "~/modules/auth/permissions.server";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { upsertAlliance, upsertCharacter, upsertCorporation, upsertFaction } from "~/modules/eve/entities.server";
import { mainCharacterChanged } from "~/modules/eve/ownership.server";
import { computeStateChanges, reevaluateStates } from "~/modules/states/evaluate.server";
import { deleteState, getStateDefinition, previewStateDefinition, saveStateDefinition, setUserActive, StateRuleError, type StateDefinition } from "~/modules/states/states.server";
import { createDb } from "../../db/index.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const actor = systemActor("test");
const CORP_A = 98100001;
const CORP_B = 98100002;
const ALLIANCE = 99100001;
const FACTION = 500002;

describe.each(dialects)("states on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let states: Record<string, number>;
  let n = 0;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    await upsertFaction(rt.db, { faction_id: FACTION, name: "Minmatar Republic" });
    await upsertAlliance(rt.db, { alliance_id: ALLIANCE, alliance_name: "Test Alliance", alliance_ticker: "TEST", executor_corp_id: CORP_A });
    await upsertCorporation(rt.db, { corporation_id: CORP_A, corporation_name: "Alpha Corp", corporation_ticker: "ALPHA", member_count: 10, ceo_id: null, alliance_id: ALLIANCE, faction_id: null });
    await upsertCorporation(rt.db, { corporation_id: CORP_B, corporation_name: "Beta Corp", corporation_ticker: "BETA", member_count: 10, ceo_id: null, alliance_id: null, faction_id: null });
  });
  afterAll(async () => rt?.stop());
  beforeEach(async () => {
    if (skip) return;
    await rt.db.deleteFrom("user_groups").execute();
    await rt.db.deleteFrom("users").execute();
    await rt.db.deleteFrom("states").where("name", "not in", ["Member", "Blue", "Guest"]).execute();
    for (const table of ["state_member_characters", "state_member_corporations", "state_member_alliances", "state_member_factions", "state_permissions"] as const) await rt.db.deleteFrom(table).execute();
    await rt.db.updateTable("states").set({ public: false }).where("name", "!=", "Guest").execute();
    states = Object.fromEntries((await rt.db.selectFrom("states").select(["id", "name"]).execute()).map((s) => [s.name, s.id]));
  });

  /** An active user whose main is in `corp` (and its alliance), optionally in a faction. */
  async function member(corp: number, options: { faction?: number; active?: boolean } = {}) {
    const id = 91000000 + ++n;
    const character = await upsertCharacter(rt.db, {
      character_id: id,
      character_name: `Pilot ${id}`,
      corporation_id: corp,
      corporation_name: corp === CORP_A ? "Alpha Corp" : "Beta Corp",
      corporation_ticker: corp === CORP_A ? "ALPHA" : "BETA",
      alliance_id: corp === CORP_A ? ALLIANCE : null,
      alliance_name: corp === CORP_A ? "Test Alliance" : null,
      alliance_ticker: corp === CORP_A ? "TEST" : null,
      faction_id: options.faction ?? null,
      faction_name: options.faction ? "Minmatar Republic" : null,
    });
    const user = await makeUser(rt.db, { is_active: options.active ?? true });
    await rt.db.updateTable("users").set({ main_character_id: character.id }).where("id", "=", user.id).execute();
    return { ...user, characterId: id, characterPk: character.id };
  }
  const stateOf = async (userId: number) => (await rt.db.selectFrom("users").select("state_id").where("id", "=", userId).executeTakeFirstOrThrow()).state_id;
  const def = (name: string, priority: number, extra: Partial<StateDefinition> = {}): StateDefinition => ({ name, priority, public: false, permissionIds: [], characterIds: [], corporationIds: [], allianceIds: [], factionIds: [], ...extra });

  it.skipIf(skip)("membership by corporation, alliance, faction or character; highest priority wins; otherwise Guest", async () => {
    const a = await member(CORP_A);
    const b = await member(CORP_B);
    const f = await member(CORP_B, { faction: FACTION });
    const nobody = await makeUser(rt.db);
    await saveStateDefinition(rt.db, states.Blue, def("Blue", 50, { allianceIds: [ALLIANCE], factionIds: [FACTION] }), actor);
    expect(await stateOf(a.id)).toBe(states.Blue);
    expect(await stateOf(f.id)).toBe(states.Blue);
    expect(await stateOf(b.id)).toBe(states.Guest);
    expect(await stateOf(nobody.id)).toBe(states.Guest);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A], characterIds: [b.characterId] }), actor);
    expect(await stateOf(a.id)).toBe(states.Member);
    expect(await stateOf(b.id)).toBe(states.Member);
    expect(await stateOf(f.id)).toBe(states.Blue);
  });

  it.skipIf(skip)("a public state is available to every main; no main stays Guest", async () => {
    const b = await member(CORP_B);
    const nobody = await makeUser(rt.db);
    await saveStateDefinition(rt.db, states.Blue, def("Blue", 50, { public: true }), actor);
    expect(await stateOf(b.id)).toBe(states.Blue);
    expect(await stateOf(nobody.id)).toBe(states.Guest);
    await saveStateDefinition(rt.db, states.Blue, def("Blue", 50, { public: false }), actor);
    expect(await stateOf(b.id)).toBe(states.Guest);
  });

  it.skipIf(skip)("deactivation → Guest (sessions end) → reactivation restores the state", async () => {
    const a = await member(CORP_A);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    await createSession(rt.db, rt.settings, a, {});
    await setUserActive(rt.db, a.id, false, actor);
    expect(await stateOf(a.id)).toBe(states.Guest);
    expect(await rt.db.selectFrom("sessions").selectAll().where("user_id", "=", a.id).execute()).toHaveLength(0);
    // Inactive users stay Guest through any re-evaluation.
    await reevaluateStates(rt.db, { actor, reason: "test" });
    expect(await stateOf(a.id)).toBe(states.Guest);
    await setUserActive(rt.db, a.id, true, actor);
    expect(await stateOf(a.id)).toBe(states.Member);
  });

  it.skipIf(skip)("deleting a state moves its holders to the best other state; Guest cannot be deleted or renamed", async () => {
    const a = await member(CORP_A);
    await saveStateDefinition(rt.db, states.Blue, def("Blue", 50, { allianceIds: [ALLIANCE] }), actor);
    const corp = await saveStateDefinition(rt.db, null, def("Corp", 200, { corporationIds: [CORP_A] }), actor);
    expect(await stateOf(a.id)).toBe(corp.id);
    expect(await deleteState(rt.db, corp.id, actor)).toEqual({ moved: 1 });
    expect(await stateOf(a.id)).toBe(states.Blue);
    await expect(deleteState(rt.db, states.Guest, actor)).rejects.toThrow("states.errors.guestDelete");
    await expect(saveStateDefinition(rt.db, states.Guest, def("Visitors", 0, { public: true }), actor)).rejects.toThrow("states.errors.guestRename");
    expect(await listAudit(rt.db, { action: "state.delete" })).toHaveLength(1);
  });

  it.skipIf(skip)("bad definitions are refused with the reason, changing nothing", async () => {
    await expect(saveStateDefinition(rt.db, null, def("Member", 10), actor)).rejects.toThrow("states.errors.nameTaken");
    await expect(saveStateDefinition(rt.db, null, def("Other", 100), actor)).rejects.toThrow("states.errors.priorityTaken");
    await expect(saveStateDefinition(rt.db, null, def("Other", 10, { corporationIds: [12345] }), actor)).rejects.toThrow(/unknown\.eve_corporations:12345/);
    await expect(saveStateDefinition(rt.db, 999999, def("Other", 10), actor)).rejects.toBeInstanceOf(StateRuleError);
    expect(await rt.db.selectFrom("states").select("name").where("name", "=", "Other").execute()).toHaveLength(0);
  });

  it.skipIf(skip)("the dry run reports exactly what saving then applies, and changes nothing itself", async () => {
    const members = await Promise.all([member(CORP_A), member(CORP_A), member(CORP_B)]);
    const definition = def("Member", 100, { corporationIds: [CORP_A] });
    const preview = await previewStateDefinition(rt.db, states.Member, definition);
    expect(preview.gaining).toBe(2);
    expect(preview.losing).toBe(0);
    expect(preview.sampleGaining.sort()).toEqual([members[0].username, members[1].username].sort());
    expect((await getStateDefinition(rt.db, states.Member))!.corporationIds).toEqual([]);
    expect(await stateOf(members[0].id)).toBeNull();
    const saved = await saveStateDefinition(rt.db, states.Member, definition, actor);
    expect(saved.gaining).toBe(preview.gaining);
    const next = def("Member", 100, { corporationIds: [CORP_B] });
    const second = await previewStateDefinition(rt.db, states.Member, next);
    expect([second.gaining, second.losing]).toEqual([1, 2]);
  });

  it.skipIf(skip)("state changes notify the member, are audited, and remove them from groups limited to other states", async () => {
    const a = await member(CORP_A);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    const memberOnly = await makeGroup(rt.db);
    const open = await makeGroup(rt.db);
    await rt.db.insertInto("group_states").values({ group_id: memberOnly.id, state_id: states.Member }).execute();
    await rt.db.insertInto("user_groups").values([{ user_id: a.id, group_id: memberOnly.id }, { user_id: a.id, group_id: open.id }]).execute();
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, {}), actor);
    expect(await stateOf(a.id)).toBe(states.Guest);
    const groups = (await rt.db.selectFrom("user_groups").select("group_id").where("user_id", "=", a.id).execute()).map((g) => g.group_id);
    expect(groups).toEqual([open.id]);
    const notes = await rt.db.selectFrom("notifications").select(["title", "level"]).where("user_id", "=", a.id).orderBy("id").execute();
    expect(notes.map((x) => x.title)).toEqual(["State changed to: Guest"]);
    const audit = await listAudit(rt.db, { action: "user.state_changed", targetId: String(a.id) });
    expect(audit[0]).toMatchObject({ before: { state: "Member" }, after: { state: "Guest" } });
    expect(await listAudit(rt.db, { action: "group.member_removed", targetId: String(a.id) })).toHaveLength(1);
  });

  it.skipIf(skip)("an edit that moves several members writes one audit entry per (from, to) pair, found from each member", async () => {
    const alphas = [await member(CORP_A), await member(CORP_A), await member(CORP_A)];
    const beta = await member(CORP_B);
    const since = (await rt.db.selectFrom("audit_log").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst())?.id ?? 0;
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_B] }), actor);
    const entries = await rt.db.selectFrom("audit_log").selectAll().where("action", "=", "user.state_changed").where("id", ">", since).orderBy("id").execute();
    // New accounts have no state yet. The first save: the three gain Member (one entry), beta Guest
    // (an ordinary entry naming them); the second: the three go to Guest, beta to Member.
    const shape = (e: (typeof entries)[number]) => [JSON.parse(e.before_data!).state, JSON.parse(e.after_data!).state, e.user_count, e.target_id];
    expect(entries.map(shape).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      ["Guest", "Member", null, String(beta.id)],
      ["Member", "Guest", 3, null],
      [null, "Guest", null, String(beta.id)],
      [null, "Member", 3, null],
    ]);
    const gained = entries.find((e) => e.user_count === 3 && JSON.parse(e.after_data!).state === "Member")!;
    const lost = entries.find((e) => e.user_count === 3 && JSON.parse(e.after_data!).state === "Guest")!;
    const listed = await rt.db.selectFrom("audit_log_users").select(["user_id", "audit_id"]).where("audit_id", ">", since).orderBy("audit_id").orderBy("user_id").execute();
    expect(listed).toEqual([...alphas.map((u) => ({ user_id: u.id, audit_id: gained.id })), ...alphas.map((u) => ({ user_id: u.id, audit_id: lost.id }))]);
    const history = await listAudit(rt.db, { action: "user.state_changed", targetId: String(alphas[1].id) });
    expect(history.map((e) => [e.id, e.after.state])).toEqual([
      [lost.id, "Guest"],
      [gained.id, "Member"],
    ]);
    expect((await listAudit(rt.db, { targetType: "user", targetId: String(beta.id) })).map((e) => e.after.state)).toEqual(["Member", "Guest"]);
    // An entry about many is not about a group or a state that shares a member's id.
    expect(await listAudit(rt.db, { targetType: "group", targetId: String(alphas[0].id) })).toEqual([]);
  });

  it.skipIf(skip)("members whose new state a group does not allow leave it: one audit entry per group, found from each", async () => {
    const alphas = [await member(CORP_A), await member(CORP_A), await member(CORP_A)];
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    await saveStateDefinition(rt.db, states.Blue, def("Blue", 50, { corporationIds: [CORP_A] }), actor);
    const membersOnly = await makeGroup(rt.db);
    const membersAndBlues = await makeGroup(rt.db);
    await rt.db.insertInto("group_states").values([{ group_id: membersOnly.id, state_id: states.Member }, { group_id: membersAndBlues.id, state_id: states.Member }, { group_id: membersAndBlues.id, state_id: states.Blue }]).execute();
    await rt.db.insertInto("user_groups").values(alphas.flatMap((u) => [{ user_id: u.id, group_id: membersOnly.id }, { user_id: u.id, group_id: membersAndBlues.id }])).execute();
    const since = (await rt.db.selectFrom("audit_log").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst())?.id ?? 0;
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, {}), actor);
    for (const u of alphas) expect(await stateOf(u.id)).toBe(states.Blue);
    const membersOf = async (groupId: number) => (await rt.db.selectFrom("user_groups").select("user_id").where("group_id", "=", groupId).orderBy("user_id").execute()).map((r) => r.user_id);
    expect(await membersOf(membersOnly.id)).toEqual([]);
    expect(await membersOf(membersAndBlues.id)).toEqual(alphas.map((u) => u.id));
    const removed = await rt.db.selectFrom("audit_log").selectAll().where("action", "=", "group.member_removed").where("id", ">", since).execute();
    expect(removed.map((e) => [e.user_count, JSON.parse(e.before_data!)])).toEqual([[3, { group: membersOnly.name }]]);
    for (const u of alphas) expect((await listAudit(rt.db, { action: "group.member_removed", targetId: String(u.id) })).map((e) => e.id)).toEqual([removed[0].id]);
  });

  it.skipIf(skip)("a main's affiliation change reaches the state through mainCharacterChanged", async () => {
    const a = await member(CORP_B);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    expect(await stateOf(a.id)).toBe(states.Guest);
    await rt.db.updateTable("eve_characters").set({ corporation_id: CORP_A }).where("id", "=", a.characterPk).execute();
    await mainCharacterChanged(rt.db, [a.id], actor, "corporation changed");
    expect(await stateOf(a.id)).toBe(states.Member);
  });

  /** A private and a public group with `userIds` in both; returns their ids. */
  async function privateAndPublic(userIds: number[]) {
    const privateGroup = await makeGroup(rt.db);
    const publicGroup = await makeGroup(rt.db);
    await rt.db.insertInto("group_settings").values([
      { group_id: privateGroup.id, internal: false, hidden: false, open: false, public: false, restricted: false, description: "" },
      { group_id: publicGroup.id, internal: false, hidden: false, open: false, public: true, restricted: false, description: "" },
    ]).execute();
    await rt.db.insertInto("user_groups").values(userIds.flatMap((user_id) => [{ user_id, group_id: privateGroup.id }, { user_id, group_id: publicGroup.id }])).execute();
    return { privateGroup: privateGroup.id, publicGroup: publicGroup.id };
  }
  const groupsOf = async (userId: number) => (await rt.db.selectFrom("user_groups").select("group_id").where("user_id", "=", userId).orderBy("group_id").execute()).map((g) => g.group_id);

  it.skipIf(skip)("losing groupmanagement.request_groups through the state removes the member from non-public groups", async () => {
    const a = await member(CORP_A);
    const requestGroups = await permissionId(rt.db, "groupmanagement.request_groups");
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A], permissionIds: [requestGroups] }), actor);
    const { publicGroup } = await privateAndPublic([a.id]);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A], permissionIds: [] }), actor);
    expect(await stateOf(a.id)).toBe(states.Member);
    expect(await groupsOf(a.id)).toEqual([publicGroup]);
  });

  it.skipIf(skip)("leaving a state that grants groupmanagement.request_groups leaves non-public groups, unless another grant remains", async () => {
    const requestGroups = await permissionId(rt.db, "groupmanagement.request_groups");
    const leaver = await member(CORP_A);
    const granted = await member(CORP_A);
    const toBlue = await member(CORP_A);
    await saveStateDefinition(rt.db, states.Blue, def("Blue", 50, { allianceIds: [ALLIANCE], permissionIds: [requestGroups] }), actor);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A], permissionIds: [requestGroups] }), actor);
    const { privateGroup, publicGroup } = await privateAndPublic([leaver.id, granted.id, toBlue.id]);
    await rt.db.insertInto("user_permissions").values({ user_id: granted.id, permission_id: requestGroups }).execute();
    // leaver and granted move to Beta Corp: Member → Guest.
    for (const who of [leaver, granted]) await rt.db.updateTable("eve_characters").set({ corporation_id: CORP_B, alliance_id: null }).where("id", "=", who.characterPk).execute();
    await mainCharacterChanged(rt.db, [leaver.id, granted.id], actor, "corporation changed");
    // Member no longer lists Alpha Corp: toBlue, still in the alliance, goes Member → Blue, which grants it too.
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [], permissionIds: [requestGroups] }), actor);
    expect([await stateOf(leaver.id), await stateOf(granted.id), await stateOf(toBlue.id)]).toEqual([states.Guest, states.Guest, states.Blue]);
    expect(await groupsOf(leaver.id)).toEqual([publicGroup]);
    expect(await groupsOf(granted.id)).toEqual([privateGroup, publicGroup].sort((x, y) => x - y));
    expect(await groupsOf(toBlue.id)).toEqual([privateGroup, publicGroup].sort((x, y) => x - y));
  });

  it.skipIf(skip)("an edit that drops groupmanagement.request_groups and moves members out at once: the leavers leave non-public groups too", async () => {
    const requestGroups = await permissionId(rt.db, "groupmanagement.request_groups");
    const stays = await member(CORP_A);
    const leaves = await member(CORP_B);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A, CORP_B], permissionIds: [requestGroups] }), actor);
    const { publicGroup } = await privateAndPublic([stays.id, leaves.id]);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A], permissionIds: [] }), actor);
    expect([await stateOf(stays.id), await stateOf(leaves.id)]).toEqual([states.Member, states.Guest]);
    expect(await groupsOf(stays.id)).toEqual([publicGroup]);
    expect(await groupsOf(leaves.id)).toEqual([publicGroup]);
  });

  it.skipIf(skip)("state permissions are part of the effective permissions", async () => {
    const a = await member(CORP_A);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A], permissionIds: [await permissionId(rt.db, "auth.timer_view")] }), actor);
    const user = await rt.db.selectFrom("users").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
    expect([...(await getEffectivePermissions(rt.db, user))]).toEqual(["auth.timer_view"]);
  });

  it.skipIf(skip)("the re-check returns only the members whose state changes; a user without a state always changes", async () => {
    const stays = await member(CORP_A);
    const moves = await member(CORP_B);
    const fresh = await member(CORP_A);
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    await rt.db.updateTable("users").set({ state_id: null }).where("id", "=", fresh.id).execute();
    await rt.db.updateTable("eve_characters").set({ corporation_id: CORP_A }).where("id", "=", moves.characterPk).execute();
    const changes = await computeStateChanges(rt.db, [stays.id, moves.id, fresh.id]);
    expect(changes.map((c) => [c.userId, c.from, c.to]).sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual([
      [moves.id, states.Guest, states.Member],
      [fresh.id, null, states.Member],
    ]);
  });

  it.skipIf(skip)("re-evaluating every user is a fixed number of statements, whatever the number of users", async () => {
    const queries: string[] = [];
    const countFor = async (users: number) => {
      await rt.db.deleteFrom("users").execute();
      for (let i = 0; i < users; i++) await member(i % 2 ? CORP_A : CORP_B);
      const db = createLoggedDb(rt.url, queries);
      queries.length = 0;
      const changes = await computeStateChanges(db);
      await db.destroy();
      return { queries: queries.length, changes: changes.length };
    };
    await saveStateDefinition(rt.db, states.Member, def("Member", 100, { corporationIds: [CORP_A] }), actor);
    const small = await countFor(10);
    const large = await countFor(60);
    expect(small.changes).toBe(10);
    expect(large.changes).toBe(60);
    expect(large.queries).toBe(small.queries);
    expect(large.queries).toBeLessThanOrEqual(2);
  });
});

function createLoggedDb(url: string, log: string[]) {
  const db = createDb(url, { poolSize: 2 });
  return db.withPlugin({
    transformQuery(args) {
      log.push(args.node.kind);
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  });
}

describe.each(dialects)("state editor over HTTP on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
    await upsertAlliance(rt.db, { alliance_id: ALLIANCE, alliance_name: "Test Alliance", alliance_ticker: "TEST", executor_corp_id: CORP_A });
    await upsertCorporation(rt.db, { corporation_id: CORP_A, corporation_name: "Alpha Corp", corporation_ticker: "ALPHA", member_count: 10, ceo_id: null, alliance_id: ALLIANCE, faction_id: null });
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  async function browserFor(user: { id: number; is_staff: boolean; is_superuser: boolean }) {
    const token = await createSession(rt.db, rt.settings, user, {});
    const browser = new Browser(server.origin);
    browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
    return browser;
  }

  it.skipIf(skip)("preview shows who gains the state and saves nothing; save applies it; rights are checked on the server", async () => {
    const character = await upsertCharacter(rt.db, { character_id: 92000001, character_name: "Editor Test", corporation_id: CORP_A, corporation_name: "Alpha Corp", corporation_ticker: "ALPHA", alliance_id: ALLIANCE, alliance_name: "Test Alliance", alliance_ticker: "TEST", faction_id: null, faction_name: null });
    const pilot = await makeUser(rt.db, { username: "pilot_editor" });
    await rt.db.updateTable("users").set({ main_character_id: character.id }).where("id", "=", pilot.id).execute();
    const member = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;

    const nobody = await browserFor(await makeUser(rt.db));
    expect((await nobody.get("/states")).status).toBe(403);

    const admin = await browserFor(await makeUser(rt.db, { is_superuser: true, is_staff: true }));
    const csrf = await admin.csrfFrom(`/states/${member}`);
    const preview = await admin.post(`/states/${member}`, { csrf, intent: "preview", name: "Member", priority: "100", corporationIds: String(CORP_A) });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('data-testid="state-preview"');
    expect(html).toContain("pilot_editor");
    expect((await rt.db.selectFrom("users").select("state_id").where("id", "=", pilot.id).executeTakeFirstOrThrow()).state_id).toBeNull();

    const bad = await admin.post(`/states/${member}`, { csrf, intent: "save", name: "Member", priority: "high" });
    expect(bad.status).toBe(400);

    const saved = await admin.post(`/states/${member}`, { csrf, intent: "save", name: "Member", priority: "100", corporationIds: String(CORP_A) });
    expect(saved.status).toBe(302);
    expect((await rt.db.selectFrom("users").select("state_id").where("id", "=", pilot.id).executeTakeFirstOrThrow()).state_id).toBe(member);

    // A non-superuser editor cannot grant permissions through a state, even with a crafted form.
    const editor = await makeUser(rt.db, { is_staff: true });
    for (const key of ["authentication.view_state", "authentication.change_state"]) {
      await rt.db.insertInto("user_permissions").values({ user_id: editor.id, permission_id: await permissionId(rt.db, key) }).execute();
    }
    const staff = await browserFor(editor);
    const staffCsrf = await staff.csrfFrom(`/states/${member}`);
    const crafted = await staff.post(`/states/${member}`, { csrf: staffCsrf, intent: "save", name: "Member", priority: "100", corporationIds: String(CORP_A), permissionIds: String(await permissionId(rt.db, "auth.group_management")) });
    expect(crafted.status).toBe(302);
    expect((await getStateDefinition(rt.db, member))!.permissionIds).toEqual([]);
    expect((await staff.post(`/states/${member}`, { csrf: staffCsrf, intent: "delete", confirm: "on" })).status).toBe(403);
  });
});
