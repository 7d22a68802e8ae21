import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, listAudit, systemActor } from "~/modules/audit/audit.server";
import { getEffectivePermissions } from "~/modules/auth/permissions.server";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { createGroup, ensureGroupSettings, GroupError, isReservedGroupName, type NewGroup, reserveGroupName } from "~/modules/groups/admin.server";
import { removeMember, removeUsersWithoutRequestGroupsPermission } from "~/modules/groups/membership.server";
import {
  canManageGroup,
  canManageGroups,
  groupAuditLog,
  groupForUser,
  groupMembers,
  groupsForListing,
  type GroupsUser,
  joinableGroupsForUser,
  managedGroup,
  managedGroups,
  pendingRequestsCount,
  pendingRequestsFor,
  showLeaveTab,
} from "~/modules/groups/queries.server";
import { decideRequest, requestApprovers, requestJoin, requestLeave } from "~/modules/groups/requests.server";
import { visibleMenu } from "~/modules/menu/registry.server";
import type { User } from "../../db/schema";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const SYSTEM = systemActor("test");
const QUIET = { notifyLeaders: false, autoLeave: false };

describe.each(dialects)("group management on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let states: Record<"Member" | "Blue" | "Guest", number>;
  let n = 0;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    const rows = await rt.db.selectFrom("states").select(["id", "name"]).execute();
    states = Object.fromEntries(rows.map((r) => [r.name, r.id])) as typeof states;
  });
  afterAll(async () => {
    await rt?.stop();
  });

  const actorOf = (user: Pick<User, "id" | "username">): Actor => ({ userId: user.id, label: user.username });

  /** A user with a main character (for names), a state and optionally some permissions. */
  async function user(options: { state?: keyof typeof states | null; perms?: string[]; main?: string } = {}) {
    const u = await makeUser(rt.db, { username: `u${++n}_${dialect}` });
    if (options.main) {
      const characterId = 95_000_000 + n;
      await rt.db
        .insertInto("eve_characters")
        .values({ character_id: characterId, character_name: options.main, corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
        .execute();
      const c = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
      await rt.db.updateTable("users").set({ main_character_id: c.id }).where("id", "=", u.id).execute();
    }
    const state = options.state === undefined ? "Member" : options.state;
    if (state) await rt.db.updateTable("users").set({ state_id: states[state] }).where("id", "=", u.id).execute();
    for (const perm of options.perms ?? []) await rt.db.insertInto("user_permissions").values({ user_id: u.id, permission_id: await permissionId(rt.db, perm) }).execute();
    return u;
  }

  /** What the routes hand the domain: the user with their effective permissions. */
  async function subject(u: User): Promise<GroupsUser> {
    const fresh = await rt.db.selectFrom("users").selectAll().where("id", "=", u.id).executeTakeFirstOrThrow();
    return { id: fresh.id, username: fresh.username, permissions: await getEffectivePermissions(rt.db, fresh) };
  }

  async function group(fields: Partial<NewGroup> = {}) {
    return createGroup(rt.db, { name: `Group ${++n} ${dialect}`, internal: false, hidden: false, ...fields }, SYSTEM);
  }

  const requester = () => user({ perms: ["groupmanagement.request_groups"] });
  const isMember = async (userId: number, groupId: number) =>
    Boolean(await rt.db.selectFrom("user_groups").select("user_id").where("user_id", "=", userId).where("group_id", "=", groupId).executeTakeFirst());
  const requests = (groupId: number) => rt.db.selectFrom("group_requests").selectAll().where("group_id", "=", groupId).execute();
  const logs = (groupId: number) => rt.db.selectFrom("group_request_logs").selectAll().where("group_id", "=", groupId).orderBy("id").execute();
  const notifications = (userId: number) => rt.db.selectFrom("notifications").selectAll().where("user_id", "=", userId).orderBy("id").execute();
  const auditCount = async () => (await rt.db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;
  const addMember = (userId: number, groupId: number) => rt.db.insertInto("user_groups").values({ user_id: userId, group_id: groupId }).execute();

  describe("groups and their settings", () => {
    it.skipIf(skip)("creates a group with settings, leaders, leader groups and states in one audited step", async () => {
      const leader = await user();
      const leaders = await makeGroup(rt.db);
      const g = await group({ description: "Fleet commanders", open: true, leaderUserIds: [leader.id], leaderGroupIds: [leaders.id], stateIds: [states.Member] });
      expect(await rt.db.selectFrom("group_settings").selectAll().where("group_id", "=", g.id).executeTakeFirst()).toMatchObject({ internal: false, hidden: false, open: true, public: false, restricted: false, description: "Fleet commanders" });
      expect(await rt.db.selectFrom("group_leaders").select("user_id").where("group_id", "=", g.id).execute()).toEqual([{ user_id: leader.id }]);
      expect(await rt.db.selectFrom("group_leader_groups").select("leader_group_id").where("group_id", "=", g.id).execute()).toEqual([{ leader_group_id: leaders.id }]);
      expect(await rt.db.selectFrom("group_states").select("state_id").where("group_id", "=", g.id).execute()).toEqual([{ state_id: states.Member }]);
      expect((await listAudit(rt.db, { action: "group.created", targetId: String(g.id) }))[0].after).toMatchObject({ name: g.name, open: true });
    });

    it.skipIf(skip)("defaults to internal and hidden, and ensureGroupSettings gives every group a settings row", async () => {
      const g = await createGroup(rt.db, { name: `Defaults ${dialect}` }, SYSTEM);
      expect(await rt.db.selectFrom("group_settings").selectAll().where("group_id", "=", g.id).executeTakeFirst()).toMatchObject({ internal: true, hidden: true, open: false, public: false });
      const bare = await makeGroup(rt.db);
      expect(await ensureGroupSettings(rt.db, [bare.id])).toBe(1);
      expect(await rt.db.selectFrom("group_settings").selectAll().where("group_id", "=", bare.id).executeTakeFirst()).toMatchObject({ internal: true, hidden: true, open: false, public: false, restricted: false, description: "" });
      // Without ids: every group still without settings (one statement), then nothing left to do.
      const another = await makeGroup(rt.db);
      expect(await ensureGroupSettings(rt.db)).toBeGreaterThanOrEqual(1);
      expect(await rt.db.selectFrom("group_settings").select("internal").where("group_id", "=", another.id).executeTakeFirst()).toEqual({ internal: true });
      expect(await ensureGroupSettings(rt.db)).toBe(0);
    });

    it.skipIf(skip)("refuses reserved names case-insensitively and duplicate names; nothing is written", async () => {
      expect(await reserveGroupName(rt.db, { name: `Discord Admins ${dialect}`, reason: "Discord role" }, SYSTEM)).toBe(`discord admins ${dialect}`);
      expect(await isReservedGroupName(rt.db, `DISCORD admins ${dialect}`)).toBe(true);
      expect(await isReservedGroupName(rt.db, `Discord Admin ${dialect}`)).toBe(false);
      const groupsBefore = await rt.db.selectFrom("auth_groups").select("id").execute();
      const auditBefore = await auditCount();
      for (const name of [`discord ADMINS ${dialect}`, `  Discord Admins ${dialect} `]) {
        const error = await createGroup(rt.db, { name }, SYSTEM).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GroupError);
        expect((error as GroupError).key).toBe("groups.errors.reservedName");
      }
      const existing = await group();
      await expect(createGroup(rt.db, { name: existing.name.toUpperCase() }, SYSTEM)).rejects.toMatchObject({ key: "groups.errors.nameTaken" });
      await expect(reserveGroupName(rt.db, { name: existing.name.toLowerCase(), reason: "" }, SYSTEM)).rejects.toMatchObject({ key: "groups.errors.nameTaken" });
      await expect(reserveGroupName(rt.db, { name: `DISCORD ADMINS ${dialect}`, reason: "" }, SYSTEM)).rejects.toMatchObject({ key: "groups.errors.alreadyReserved" });
      await expect(createGroup(rt.db, { name: `Bad leader ${dialect}`, leaderUserIds: [99_999_999] }, SYSTEM)).rejects.toMatchObject({ key: "groups.errors.unknownLeader" });
      await expect(createGroup(rt.db, { name: " " }, SYSTEM)).rejects.toMatchObject({ key: "groups.errors.nameRequired" });
      expect((await rt.db.selectFrom("auth_groups").select("id").execute()).length).toBe(groupsBefore.length + 1);
      expect(await auditCount()).toBe(Number(auditBefore) + 1);
    });
  });

  describe("joinable groups", () => {
    it.skipIf(skip)("exclude internal groups and groups limited to other states; without request_groups only public ones; /groups drops hidden ones", async () => {
      const internal = await group({ internal: true });
      const hidden = await group({ hidden: true });
      const plain = await group();
      const publicGroup = await group({ public: true });
      const memberOnly = await group({ stateIds: [states.Member] });
      const blueOrMember = await group({ stateIds: [states.Blue, states.Member] });
      const bare = await makeGroup(rt.db); // no settings row: the defaults (internal)
      const mine = [internal, hidden, plain, publicGroup, memberOnly, blueOrMember, bare].map((g) => g.id);
      const ids = async (u: User, includeHidden = true) => (await joinableGroupsForUser(rt.db, await subject(u), { includeHidden })).map((g) => g.id).filter((id) => mine.includes(id)).sort((a, b) => a - b);
      const sorted = (...gs: { id: number }[]) => gs.map((g) => g.id).sort((a, b) => a - b);

      const memberUser = await user({ state: "Member", perms: ["groupmanagement.request_groups"] });
      expect(await ids(memberUser)).toEqual(sorted(hidden, plain, publicGroup, memberOnly, blueOrMember));
      expect(await ids(memberUser, false)).toEqual(sorted(plain, publicGroup, memberOnly, blueOrMember));
      const listed = (await groupsForListing(rt.db, await subject(memberUser))).map((g) => g.id);
      expect(listed).not.toContain(hidden.id);
      // A hidden group is reachable through its own page; an internal one is not.
      expect(await groupForUser(rt.db, await subject(memberUser), hidden.id)).toMatchObject({ id: hidden.id, hidden: true, member: false, pending: null });
      expect(await groupForUser(rt.db, await subject(memberUser), internal.id)).toBeNull();
      // Membership and pending requests (read in one statement) reach each listed group.
      await addMember(memberUser.id, memberOnly.id);
      await rt.db.insertInto("group_requests").values([
        { user_id: memberUser.id, group_id: memberOnly.id, leave_request: true, created_at: new Date() },
        { user_id: memberUser.id, group_id: plain.id, leave_request: false, created_at: new Date() },
      ]).execute();
      const flags = new Map((await groupsForListing(rt.db, await subject(memberUser))).map((g) => [g.id, { member: g.member, pending: g.pending }]));
      expect(flags.get(memberOnly.id)).toEqual({ member: true, pending: "leave" });
      expect(flags.get(plain.id)).toEqual({ member: false, pending: "join" });
      expect(flags.get(publicGroup.id)).toEqual({ member: false, pending: null });
      await rt.db.deleteFrom("group_requests").where("user_id", "=", memberUser.id).execute();
      await rt.db.deleteFrom("user_groups").where("user_id", "=", memberUser.id).execute();

      const guest = await user({ state: "Guest", perms: ["groupmanagement.request_groups"] });
      expect(await ids(guest)).toEqual(sorted(hidden, plain, publicGroup));
      const noState = await user({ state: null, perms: ["groupmanagement.request_groups"] });
      expect(await ids(noState)).toEqual(sorted(hidden, plain, publicGroup));
      const blue = await user({ state: "Blue", perms: ["groupmanagement.request_groups"] });
      expect(await ids(blue)).toEqual(sorted(hidden, plain, publicGroup, blueOrMember));

      const noPermission = await user({ state: "Member" });
      expect(await ids(noPermission)).toEqual(sorted(publicGroup));
      expect(await groupForUser(rt.db, await subject(noPermission), plain.id)).toBeNull();
    });

    it.skipIf(skip)("show each group's leaders: users by main (else username) in username order, then leader groups by name; for every kind of member and on a group's own page", async () => {
      const withMain = await user({ main: `Zed Leader ${n}` });
      const withoutMain = await user();
      const alsoWithMain = await user({ main: `Alpha Leader ${n}` });
      const leaderGroups = [await group(), await group(), await group()];
      const led = await group({ leaderUserIds: [withMain.id, withoutMain.id, alsoWithMain.id], leaderGroupIds: leaderGroups.map((g) => g.id).reverse() });
      const hiddenLed = await group({ hidden: true, leaderUserIds: [withMain.id] });
      const unled = await group({ public: true });
      const publicLed = await group({ public: true, leaderGroupIds: [leaderGroups[1]!.id] });
      const memberOnlyLed = await group({ stateIds: [states.Member], leaderUserIds: [withoutMain.id] });

      const shown = new Map([withMain, withoutMain, alsoWithMain].map((u) => [u.id, u.username]));
      const mains = await rt.db.selectFrom("users as u").innerJoin("eve_characters as c", "c.id", "u.main_character_id").select(["u.id", "c.character_name"]).where("u.id", "in", [...shown.keys()]).execute();
      for (const m of mains) shown.set(m.id, m.character_name);
      const byUsername = [withMain, withoutMain, alsoWithMain].sort((a, b) => (a.username < b.username ? -1 : 1)).map((u) => shown.get(u.id));
      const groupNames = leaderGroups.map((g) => g.name).sort();
      expect([shown.get(withMain.id), shown.get(withoutMain.id), shown.get(alsoWithMain.id)]).toEqual([expect.stringMatching(/^Zed Leader/), withoutMain.username, expect.stringMatching(/^Alpha Leader/)]);

      const listing = async (u: User) => new Map((await groupsForListing(rt.db, await subject(u))).map((g) => [g.id, { leaders: g.leaders, leaderGroups: g.leaderGroups }]));
      const withPermission = await listing(await user({ state: "Member", perms: ["groupmanagement.request_groups"] }));
      expect(withPermission.get(led.id)).toEqual({ leaders: byUsername, leaderGroups: groupNames });
      expect(withPermission.get(publicLed.id)).toEqual({ leaders: [], leaderGroups: [leaderGroups[1]!.name] });
      expect(withPermission.get(unled.id)).toEqual({ leaders: [], leaderGroups: [] });
      expect(withPermission.get(memberOnlyLed.id)).toEqual({ leaders: [withoutMain.username], leaderGroups: [] });
      expect(withPermission.has(hiddenLed.id)).toBe(false);

      const publicOnly = await listing(await user({ state: "Member" }));
      expect(publicOnly.has(led.id)).toBe(false);
      expect(publicOnly.get(publicLed.id)).toEqual({ leaders: [], leaderGroups: [leaderGroups[1]!.name] });
      const stateless = await listing(await user({ state: null, perms: ["groupmanagement.request_groups"] }));
      expect(stateless.get(led.id)).toEqual({ leaders: byUsername, leaderGroups: groupNames });
      expect(stateless.has(memberOnlyLed.id)).toBe(false);

      const viewer = await subject(await user({ state: "Member", perms: ["groupmanagement.request_groups"] }));
      expect(await groupForUser(rt.db, viewer, hiddenLed.id)).toMatchObject({ leaders: [shown.get(withMain.id)], leaderGroups: [] });
      expect(await groupForUser(rt.db, viewer, led.id)).toMatchObject({ leaders: byUsername, leaderGroups: groupNames });
    });
  });

  describe("join requests", () => {
    it.skipIf(skip)("refuse internal groups, groups of other states, members, non-public groups without permission, forged ids — writing nothing", async () => {
      const u = await requester();
      const s = await subject(u);
      const internal = await group({ internal: true, open: true });
      const blueOnly = await group({ stateIds: [states.Blue], open: true });
      const joined = await group();
      await addMember(u.id, joined.id);
      const noPermission = await user();
      const closed = await group({ open: true });
      const before = await auditCount();
      expect(await requestJoin(rt.db, s, internal.id, actorOf(u), QUIET)).toEqual({ kind: "cannotJoin", group: internal.name });
      expect(await requestJoin(rt.db, s, blueOnly.id, actorOf(u), QUIET)).toMatchObject({ kind: "cannotJoin" });
      expect(await requestJoin(rt.db, s, joined.id, actorOf(u), QUIET)).toMatchObject({ kind: "alreadyMember" });
      expect(await requestJoin(rt.db, s, 99_999_999, actorOf(u), QUIET)).toEqual({ kind: "notFound", group: "" });
      expect(await requestJoin(rt.db, await subject(noPermission), closed.id, actorOf(noPermission), QUIET)).toMatchObject({ kind: "cannotJoin" });
      for (const g of [internal, blueOnly, joined, closed]) {
        expect(await requests(g.id)).toEqual([]);
        expect(await logs(g.id)).toEqual([]);
      }
      expect(await isMember(u.id, internal.id)).toBe(false);
      expect(await isMember(noPermission.id, closed.id)).toBe(false);
      expect(await auditCount()).toBe(before);
    });

    it.skipIf(skip)("checks state before membership (the original's order)", async () => {
      const u = await requester();
      const blueOnly = await group({ stateIds: [states.Blue] });
      await addMember(u.id, blueOnly.id);
      expect((await requestJoin(rt.db, await subject(u), blueOnly.id, actorOf(u), QUIET)).kind).toBe("cannotJoin");
    });

    it.skipIf(skip)("public groups can be requested without groupmanagement.request_groups", async () => {
      const u = await user({ state: "Guest" });
      const g = await group({ public: true });
      expect(await requestJoin(rt.db, await subject(u), g.id, actorOf(u), QUIET)).toEqual({ kind: "requested", group: g.name });
      expect(await requests(g.id)).toMatchObject([{ user_id: u.id, leave_request: false }]);
    });

    it.skipIf(skip)("open groups are joined at once and logged with the user as actor", async () => {
      const u = await requester();
      const g = await group({ open: true });
      expect((await requestJoin(rt.db, await subject(u), g.id, actorOf(u), QUIET)).kind).toBe("joined");
      expect(await isMember(u.id, g.id)).toBe(true);
      expect(await requests(g.id)).toEqual([]);
      expect(await logs(g.id)).toMatchObject([{ request_type: "join", action: true, requestor_id: u.id, request_actor_id: u.id, request_info: `${u.username}:${g.name}` }]);
      expect((await listAudit(rt.db, { action: "group.member_added", targetId: String(g.id) }))[0]).toMatchObject({ actor_user_id: u.id });
    });

    it.skipIf(skip)("a second request, also a simultaneous one, is refused and leaves one request", async () => {
      const u = await requester();
      const s = await subject(u);
      const g = await group();
      expect((await requestJoin(rt.db, s, g.id, actorOf(u), QUIET)).kind).toBe("requested");
      expect((await requestJoin(rt.db, s, g.id, actorOf(u), QUIET)).kind).toBe("alreadyPending");
      expect(await requests(g.id)).toHaveLength(1);

      const v = await requester();
      const sv = await subject(v);
      const g2 = await group();
      const outcomes = await Promise.all([1, 2, 3].map(() => requestJoin(rt.db, sv, g2.id, actorOf(v), QUIET)));
      expect(outcomes.map((o) => o.kind).sort()).toEqual(["alreadyPending", "alreadyPending", "requested"]);
      expect(await requests(g2.id)).toHaveLength(1);
      expect(await listAudit(rt.db, { action: "group.request_created", targetId: String(g2.id) })).toHaveLength(1);
    });

    it.skipIf(skip)("notifies the direct leaders and the members of leader groups only with GROUPMANAGEMENT_REQUESTS_NOTIFICATION", async () => {
      const direct = await user();
      const viaGroup = await user();
      const leaderGroup = await makeGroup(rt.db);
      await addMember(viaGroup.id, leaderGroup.id);
      const g = await group({ leaderUserIds: [direct.id], leaderGroupIds: [leaderGroup.id] });
      expect(await requestApprovers(rt.db, g.id)).toEqual([direct.id, viaGroup.id].sort((a, b) => a - b));

      const quiet = await requester();
      await requestJoin(rt.db, await subject(quiet), g.id, actorOf(quiet), { notifyLeaders: false });
      expect(await notifications(direct.id)).toEqual([]);

      const loud = await requester();
      await requestJoin(rt.db, await subject(loud), g.id, actorOf(loud), { notifyLeaders: true });
      for (const leader of [direct, viaGroup]) {
        expect(await notifications(leader.id)).toMatchObject([{ level: "info", title: `Group Management: Join request for ${g.name}`, message: `${loud.username} wants to join ${g.name}.` }]);
      }
      await addMember(loud.id, g.id);
      await rt.db.deleteFrom("group_requests").where("user_id", "=", loud.id).execute();
      await requestLeave(rt.db, await subject(loud), g.id, actorOf(loud), { notifyLeaders: true, autoLeave: false });
      expect((await notifications(direct.id)).at(-1)).toMatchObject({ title: `Group Management: Leave request for ${g.name}` });
      expect(await notifications(loud.id)).toEqual([]);
    });
  });

  describe("leave requests", () => {
    it.skipIf(skip)("refuse internal groups and groups the user is not in — writing nothing", async () => {
      const u = await requester();
      const s = await subject(u);
      const internal = await group({ internal: true });
      await addMember(u.id, internal.id);
      const other = await group();
      const bare = await makeGroup(rt.db);
      await addMember(u.id, bare.id);
      const before = await auditCount();
      expect((await requestLeave(rt.db, s, internal.id, actorOf(u), QUIET)).kind).toBe("cannotLeave");
      expect((await requestLeave(rt.db, s, bare.id, actorOf(u), QUIET)).kind).toBe("cannotLeave");
      expect((await requestLeave(rt.db, s, other.id, actorOf(u), QUIET)).kind).toBe("notMember");
      expect((await requestLeave(rt.db, s, 99_999_999, actorOf(u), QUIET)).kind).toBe("notFound");
      expect(await isMember(u.id, internal.id)).toBe(true);
      expect(await requests(other.id)).toEqual([]);
      expect(await logs(internal.id)).toEqual([]);
      expect(await auditCount()).toBe(before);
    });

    it.skipIf(skip)("open groups are left at once and logged", async () => {
      const u = await requester();
      const g = await group({ open: true });
      await addMember(u.id, g.id);
      expect((await requestLeave(rt.db, await subject(u), g.id, actorOf(u), QUIET)).kind).toBe("left");
      expect(await isMember(u.id, g.id)).toBe(false);
      expect(await logs(g.id)).toMatchObject([{ request_type: "leave", action: true, request_actor_id: u.id }]);
    });

    it.skipIf(skip)("create a leave request, refuse a second one, and leave at once with GROUPMANAGEMENT_AUTO_LEAVE", async () => {
      const u = await requester();
      const s = await subject(u);
      const g = await group();
      await addMember(u.id, g.id);
      expect((await requestLeave(rt.db, s, g.id, actorOf(u), QUIET)).kind).toBe("requested");
      expect(await requests(g.id)).toMatchObject([{ user_id: u.id, leave_request: true }]);
      // A pending request wins over auto-leave (the original's order).
      expect((await requestLeave(rt.db, s, g.id, actorOf(u), { autoLeave: true })).kind).toBe("alreadyPending");
      expect(await isMember(u.id, g.id)).toBe(true);

      const v = await requester();
      const g2 = await group();
      await addMember(v.id, g2.id);
      expect((await requestLeave(rt.db, await subject(v), g2.id, actorOf(v), { autoLeave: true })).kind).toBe("left");
      expect(await isMember(v.id, g2.id)).toBe(false);
      expect(await requests(g2.id)).toEqual([]);
      expect(await logs(g2.id)).toMatchObject([{ request_type: "leave", action: true, request_actor_id: v.id }]);
    });

    it.skipIf(skip)("the leave tab is hidden only with auto-leave on and no leave request anywhere", async () => {
      expect(await showLeaveTab(rt.db, false)).toBe(true);
      await rt.db.deleteFrom("group_requests").where("leave_request", "=", true).execute();
      expect(await showLeaveTab(rt.db, true)).toBe(false);
      const u = await requester();
      const g = await group();
      await addMember(u.id, g.id);
      await requestLeave(rt.db, await subject(u), g.id, actorOf(u), QUIET);
      expect(await showLeaveTab(rt.db, true)).toBe(true);
    });
  });

  describe("managers", () => {
    it.skipIf(skip)("are users with auth.group_management or leaders, directly or through a leader group; leaders see only their groups' requests", async () => {
      const manager = await user({ perms: ["auth.group_management"] });
      const direct = await user();
      const viaGroup = await user();
      const nobody = await user();
      const leaderGroup = await makeGroup(rt.db);
      await addMember(viaGroup.id, leaderGroup.id);
      const led = await group({ leaderUserIds: [direct.id] });
      const ledByGroup = await group({ leaderGroupIds: [leaderGroup.id] });
      const other = await group();
      for (const g of [led, ledByGroup, other]) {
        const r = await requester();
        expect((await requestJoin(rt.db, await subject(r), g.id, actorOf(r), QUIET)).kind).toBe("requested");
      }
      expect(await canManageGroups(rt.db, await subject(manager))).toBe(true);
      expect(await canManageGroups(rt.db, await subject(direct))).toBe(true);
      expect(await canManageGroups(rt.db, await subject(viaGroup))).toBe(true);
      expect(await canManageGroups(rt.db, await subject(nobody))).toBe(false);
      expect(await canManageGroup(rt.db, await subject(direct), led.id)).toBe(true);
      expect(await canManageGroup(rt.db, await subject(direct), other.id)).toBe(false);
      expect(await canManageGroup(rt.db, await subject(viaGroup), ledByGroup.id)).toBe(true);
      expect(await canManageGroup(rt.db, await subject(viaGroup), led.id)).toBe(false);
      expect(await canManageGroup(rt.db, await subject(manager), other.id)).toBe(true);

      const all = await rt.db.selectFrom("group_requests").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      expect(await pendingRequestsCount(rt.db, await subject(manager))).toBe(Number(all.n));
      expect(await pendingRequestsCount(rt.db, await subject(direct))).toBe(1);
      expect(await pendingRequestsCount(rt.db, await subject(viaGroup))).toBe(1);
      expect(await pendingRequestsCount(rt.db, await subject(nobody))).toBe(0);
      expect((await pendingRequestsFor(rt.db, await subject(direct))).join.map((r) => r.groupId)).toEqual([led.id]);

      // The menu: "Group Management" only for managers, with the number of requests they can act on.
      const menu = async (u: User) => visibleMenu({ id: u.id, permissions: new Set((await subject(u)).permissions), is_staff: false, is_superuser: false });
      expect((await menu(direct)).find((m) => m.id === "group-management")).toMatchObject({ badge: 1, to: "/group/management" });
      expect((await menu(nobody)).find((m) => m.id === "group-management")).toBeUndefined();
      expect((await menu(nobody)).find((m) => m.id === "groups")).toMatchObject({ to: "/groups", badge: 0 });

      // Membership overview: non-internal groups only; leaders see their own.
      const internalLed = await group({ internal: true, leaderUserIds: [direct.id] });
      expect((await managedGroups(rt.db, await subject(direct))).map((g) => g.id)).toEqual([led.id]);
      const all2 = (await managedGroups(rt.db, await subject(manager))).map((g) => g.id);
      expect(all2).toEqual(expect.arrayContaining([led.id, ledByGroup.id, other.id]));
      expect(all2).not.toContain(internalLed.id);
      expect(await managedGroup(rt.db, await subject(direct), internalLed.id)).toEqual({ kind: "forbidden" });
      expect(await managedGroup(rt.db, await subject(direct), other.id)).toEqual({ kind: "forbidden" });
      expect(await managedGroup(rt.db, await subject(direct), 99_999_999)).toEqual({ kind: "notFound" });
    });
  });

  describe("accepting and rejecting", () => {
    async function pending(fields: Partial<NewGroup> = {}, leave = false) {
      const leader = await user({ main: `Leader ${++n}` });
      const g = await group({ leaderUserIds: [leader.id], ...fields });
      const mainName = `Requester ${++n}`;
      const r = await user({ perms: ["groupmanagement.request_groups"], main: mainName });
      if (leave) {
        await addMember(r.id, g.id);
        expect((await requestLeave(rt.db, await subject(r), g.id, actorOf(r), QUIET)).kind).toBe("requested");
      } else {
        expect((await requestJoin(rt.db, await subject(r), g.id, actorOf(r), QUIET)).kind).toBe("requested");
      }
      const [request] = await requests(g.id);
      return { leader, g, r, request, mainName };
    }

    it.skipIf(skip)("a leader accepts a join request: member added, request gone, logged, audited, requester notified", async () => {
      const { leader, g, r, request, mainName } = await pending();
      const outcome = await decideRequest(rt.db, await subject(leader), request.id, true, actorOf(leader), QUIET);
      expect(outcome).toEqual({ kind: "done", leave: false, accepted: true, groupId: g.id, groupName: g.name, requester: mainName });
      expect(await isMember(r.id, g.id)).toBe(true);
      expect(await requests(g.id)).toEqual([]);
      expect(await logs(g.id)).toMatchObject([{ request_type: "join", action: true, requestor_id: r.id, request_actor_id: leader.id, request_info: `${r.username}:${g.name}` }]);
      expect((await listAudit(rt.db, { action: "group.member_added", targetId: String(g.id) }))[0]).toMatchObject({ actor_user_id: leader.id, after: { user_id: r.id } });
      expect(await notifications(r.id)).toMatchObject([{ level: "success", title: "Group Application Accepted", message: `Your application to ${g.name} has been accepted.` }]);
    });

    it.skipIf(skip)("a rejected join request adds nobody and is logged as rejected", async () => {
      const { leader, g, r, request } = await pending();
      expect(await decideRequest(rt.db, await subject(leader), request.id, false, actorOf(leader), QUIET)).toMatchObject({ kind: "done", accepted: false, leave: false });
      expect(await isMember(r.id, g.id)).toBe(false);
      expect(await requests(g.id)).toEqual([]);
      expect(await logs(g.id)).toMatchObject([{ request_type: "join", action: false }]);
      expect(await notifications(r.id)).toMatchObject([{ level: "danger", title: "Group Application Rejected" }]);
    });

    it.skipIf(skip)("leave requests: accepted removes the member, rejected keeps them", async () => {
      const a = await pending({}, true);
      expect(await decideRequest(rt.db, await subject(a.leader), a.request.id, true, actorOf(a.leader), QUIET)).toMatchObject({ kind: "done", leave: true, accepted: true });
      expect(await isMember(a.r.id, a.g.id)).toBe(false);
      expect(await logs(a.g.id)).toMatchObject([{ request_type: "leave", action: true }]);
      expect(await notifications(a.r.id)).toMatchObject([{ level: "success", title: "Group Leave Request Accepted", message: `Your request to leave ${a.g.name} has been accepted.` }]);
      const b = await pending({}, true);
      expect(await decideRequest(rt.db, await subject(b.leader), b.request.id, false, actorOf(b.leader), QUIET)).toMatchObject({ kind: "done", leave: true, accepted: false });
      expect(await isMember(b.r.id, b.g.id)).toBe(true);
      expect(await notifications(b.r.id)).toMatchObject([{ level: "danger", title: "Group Leave Request Rejected" }]);
    });

    it.skipIf(skip)("a leader of another group, or a plain member, cannot decide; forged ids are not found — nothing written", async () => {
      const { g, r, request } = await pending();
      const otherLeader = await user();
      await group({ leaderUserIds: [otherLeader.id] });
      const plain = await user();
      const before = await auditCount();
      for (const who of [otherLeader, plain]) {
        expect(await decideRequest(rt.db, await subject(who), request.id, true, actorOf(who), QUIET)).toEqual({ kind: "forbidden" });
        expect(await decideRequest(rt.db, await subject(who), request.id, false, actorOf(who), QUIET)).toEqual({ kind: "forbidden" });
      }
      expect(await decideRequest(rt.db, await subject(otherLeader), 99_999_999, true, actorOf(otherLeader), QUIET)).toEqual({ kind: "notFound" });
      expect(await requests(g.id)).toHaveLength(1);
      expect(await isMember(r.id, g.id)).toBe(false);
      expect(await logs(g.id)).toEqual([]);
      expect(await notifications(r.id)).toEqual([]);
      expect(await auditCount()).toBe(before);
    });

    it.skipIf(skip)("members of a leader group and holders of auth.group_management can decide", async () => {
      const viaGroup = await user();
      const leaderGroup = await makeGroup(rt.db);
      await addMember(viaGroup.id, leaderGroup.id);
      const { request, r, g } = await pending({ leaderGroupIds: [leaderGroup.id] });
      expect((await decideRequest(rt.db, await subject(viaGroup), request.id, true, actorOf(viaGroup), QUIET)).kind).toBe("done");
      expect(await isMember(r.id, g.id)).toBe(true);
      const manager = await user({ perms: ["auth.group_management"] });
      const second = await pending();
      expect((await decideRequest(rt.db, await subject(manager), second.request.id, false, actorOf(manager), QUIET)).kind).toBe("done");
    });

    it.skipIf(skip)("accepting a join needs the group to be joinable for the requester's current state", async () => {
      const { leader, g, r, request } = await pending({ stateIds: [states.Member] });
      await rt.db.updateTable("users").set({ state_id: states.Guest }).where("id", "=", r.id).execute();
      expect(await decideRequest(rt.db, await subject(leader), request.id, true, actorOf(leader), QUIET)).toEqual({ kind: "forbidden" });
      expect(await isMember(r.id, g.id)).toBe(false);
      expect(await requests(g.id)).toHaveLength(1);
      // Rejecting still works.
      expect((await decideRequest(rt.db, await subject(leader), request.id, false, actorOf(leader), QUIET)).kind).toBe("done");
    });

    it.skipIf(skip)("two simultaneous accepts of the same request: exactly one wins", async () => {
      const { leader, g, r, request } = await pending();
      const manager = await user({ perms: ["auth.group_management"] });
      const deciders = [await subject(leader), await subject(manager), await subject(leader), await subject(manager)];
      const outcomes = await Promise.all(deciders.map((d) => decideRequest(rt.db, d, request.id, true, { userId: d.id, label: d.username }, QUIET)));
      expect(outcomes.filter((o) => o.kind === "done")).toHaveLength(1);
      // The others found the request gone, or lost the race on its delete: nothing written either way.
      for (const o of outcomes.filter((o) => o.kind !== "done")) expect(["alreadyHandled", "notFound"]).toContain(o.kind);
      expect(await isMember(r.id, g.id)).toBe(true);
      expect(await logs(g.id)).toHaveLength(1);
      expect(await notifications(r.id)).toHaveLength(1);
      expect(await listAudit(rt.db, { action: "group.member_added", targetId: String(g.id) })).toHaveLength(1);

      // Accept racing reject: one outcome only.
      const second = await pending();
      const [leaderSubject, managerSubject] = [await subject(second.leader), await subject(manager)];
      const results = await Promise.all([
        decideRequest(rt.db, leaderSubject, second.request.id, true, actorOf(second.leader), QUIET),
        decideRequest(rt.db, managerSubject, second.request.id, false, actorOf(manager), QUIET),
      ]);
      expect(results.filter((o) => o.kind === "done")).toHaveLength(1);
      expect(await logs(second.g.id)).toHaveLength(1);
      expect(await isMember(second.r.id, second.g.id)).toBe((results.find((o) => o.kind === "done") as { accepted: boolean }).accepted);
    });

    it.skipIf(skip)("the decision whose delete of the request finds it gone (the race's loser) changes nothing", async () => {
      const { leader, g, r, request } = await pending();
      const s = await subject(leader);
      // A competing decision deletes the row and holds its transaction open until ours waits on the row.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let deleted!: () => void;
      const rowDeleted = new Promise<void>((resolve) => (deleted = resolve));
      const competitor = rt.db.transaction().execute(async (trx) => {
        await trx.deleteFrom("group_requests").where("id", "=", request.id).execute();
        deleted();
        await held;
      });
      await rowDeleted;
      const ours = decideRequest(rt.db, s, request.id, true, actorOf(leader), QUIET);
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await competitor;
      expect(await ours).toEqual({ kind: "alreadyHandled" });
      expect(await isMember(r.id, g.id)).toBe(false);
      expect(await logs(g.id)).toEqual([]);
      expect(await notifications(r.id)).toEqual([]);
    });
  });

  describe("membership and audit log", () => {
    it.skipIf(skip)("lists members by main character with the leader flag; a leader removes one; the log shows every step newest first", async () => {
      const leader = await user({ main: "Zed Leader" });
      const g = await group({ leaderUserIds: [leader.id] });
      const anna = await user({ main: "anna Alpha", perms: ["groupmanagement.request_groups"] });
      const bob = await user({ main: "Bob Beta" });
      const noMain = await user();
      for (const u of [leader, bob, noMain]) await addMember(u.id, g.id);
      await requestJoin(rt.db, await subject(anna), g.id, actorOf(anna), QUIET);
      const [request] = await requests(g.id);
      await decideRequest(rt.db, await subject(leader), request.id, true, actorOf(leader), QUIET);

      const members = await groupMembers(rt.db, g.id);
      expect(members.map((m) => [m.mainCharacter, m.isLeader])).toEqual([
        ["anna Alpha", false],
        ["Bob Beta", false],
        ["Zed Leader", true],
        [null, false],
      ]);

      const s = await subject(leader);
      expect(await removeMember(rt.db, s, g.id, bob.id, actorOf(leader))).toEqual({ kind: "removed", username: bob.username, groupName: g.name });
      expect(await isMember(bob.id, g.id)).toBe(false);
      expect(await removeMember(rt.db, s, g.id, bob.id, actorOf(leader))).toEqual({ kind: "notMember" });
      expect(await removeMember(rt.db, s, g.id, 99_999_999, actorOf(leader))).toEqual({ kind: "notMember" });
      expect(await removeMember(rt.db, s, 99_999_999, noMain.id, actorOf(leader))).toEqual({ kind: "notFound" });
      const outsider = await user();
      expect(await removeMember(rt.db, await subject(outsider), g.id, noMain.id, actorOf(outsider))).toEqual({ kind: "forbidden" });
      const internal = await group({ internal: true, leaderUserIds: [leader.id] });
      await addMember(noMain.id, internal.id);
      expect(await removeMember(rt.db, s, internal.id, noMain.id, actorOf(leader))).toEqual({ kind: "forbidden" });
      expect(await isMember(noMain.id, internal.id)).toBe(true);
      expect(await isMember(noMain.id, g.id)).toBe(true);

      const log = await groupAuditLog(rt.db, g.id);
      expect(log.map((e) => ({ requestor: e.requestor, main: e.mainCharacter, type: e.type, action: e.action, actor: e.actor }))).toEqual([
        { requestor: bob.username, main: "Bob Beta", type: "removed", action: true, actor: leader.username },
        { requestor: anna.username, main: "anna Alpha", type: "join", action: true, actor: leader.username },
      ]);
      expect(log[0].date).toBeInstanceOf(Date);
    });
  });

  describe("losing groupmanagement.request_groups", () => {
    it.skipIf(skip)("removes the users from every non-public group and drops their requests for them; public groups stay", async () => {
      const publicGroup = await group({ public: true });
      const plain = await group();
      const internal = await group({ internal: true });
      const bare = await makeGroup(rt.db);
      const wanted = await group();
      const a = await requester();
      const b = await requester();
      const bystander = await requester();
      for (const u of [a, b, bystander]) for (const g of [publicGroup, plain, internal, bare]) await addMember(u.id, g.id);
      await requestJoin(rt.db, await subject(a), wanted.id, actorOf(a), QUIET);
      await requestJoin(rt.db, await subject(bystander), wanted.id, actorOf(bystander), QUIET);

      const removed = await rt.db.transaction().execute((trx) => removeUsersWithoutRequestGroupsPermission(trx, [a.id, b.id, a.id], SYSTEM));
      expect(removed).toHaveLength(6);
      for (const u of [a, b]) {
        expect(await isMember(u.id, publicGroup.id)).toBe(true);
        for (const g of [plain, internal, bare]) expect(await isMember(u.id, g.id)).toBe(false);
      }
      for (const g of [publicGroup, plain, internal, bare]) expect(await isMember(bystander.id, g.id)).toBe(true);
      expect((await requests(wanted.id)).map((r) => r.user_id)).toEqual([bystander.id]);
      const audit = await listAudit(rt.db, { action: "group.members_removed", targetId: String(plain.id) });
      expect(audit[0]).toMatchObject({ actor: "system:test", before: { user_ids: [a.id, b.id].sort((x, y) => x - y) }, reason: "lost groupmanagement.request_groups" });
      expect(await removeUsersWithoutRequestGroupsPermission(rt.db, [], SYSTEM)).toEqual([]);
    });
  });

  describe("over HTTP", () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      if (skip) return;
      server = await startTestServer(rt);
    });
    afterAll(async () => {
      await server?.close();
    });

    async function browserFor(u: User) {
      const token = await createSession(rt.db, rt.settings, u, {});
      const browser = new Browser(server.origin);
      browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
      return browser;
    }

    it.skipIf(skip)("a member requests a group and its leader approves it, without JavaScript (plain form posts)", async () => {
      const leader = await user({ main: "Brannoc Ydris" });
      const g = await group({ public: true, description: "Fleet Commanders", leaderUserIds: [leader.id] });
      const hidden = await group({ hidden: true, public: true });
      const m = await user({ state: "Guest", main: "Carys O'Daire" });
      const mb = await browserFor(m);

      const list = await (await mb.get("/groups")).text();
      expect(list).toContain(`data-testid="join-${g.id}"`);
      expect(list).not.toContain(`data-testid="group-row-${hidden.id}"`);
      expect((await mb.get(`/groups/${hidden.id}`)).status).toBe(200);

      // The row's own button, pressed as a browser without JavaScript does (Remix sends the same fields).
      const joined = await mb.press("/groups", `data-testid="group-row-${g.id}"`, `join-${g.id}`);
      expect(joined.status).toBe(302);
      expect(joined.headers.get("location")).toBe("/groups");
      expect(await (await mb.get("/groups")).text()).toContain(`data-testid="pending-${g.id}"`);
      const csrf = await mb.csrfFrom("/groups");
      const again = await mb.post("/groups", { csrf, intent: `join:${g.id}` });
      expect(again.status).toBe(302);
      expect(await requests(g.id)).toHaveLength(1);

      const lb = await browserFor(leader);
      const dashboard = await (await lb.get("/dashboard")).text();
      expect(dashboard).toContain('href="/group/management"');
      expect(dashboard).toContain('data-testid="badge-group-management">1<');
      const [request] = await requests(g.id);
      const management = await (await lb.get("/group/management")).text();
      expect(management).toContain(`data-testid="accept-${request.id}"`);
      const leaderCsrf = await lb.csrfFrom("/group/management");
      const accepted = await lb.post("/group/management", { csrf: leaderCsrf, intent: "accept", request: String(request.id) });
      expect(accepted.status).toBe(302);
      expect(await isMember(m.id, g.id)).toBe(true);
      // A second click finds no request any more.
      const late = await lb.post("/group/management", { csrf: leaderCsrf, intent: "accept", request: String(request.id) });
      expect(late.status).toBe(404);

      expect(await (await mb.get("/dashboard")).text()).toContain(g.name);
      // A group's own page has its own form around the same button.
      const left = await mb.press(`/groups/${g.id}`, "<main", `leave-${g.id}`);
      expect(left.status).toBe(302);
      expect(left.headers.get("location")).toBe(`/groups/${g.id}`);
      expect(await requests(g.id)).toMatchObject([{ leave_request: true, user_id: m.id }]);
      const audit = await (await lb.get(`/group/management/membership/${g.id}/audit-log`)).text();
      expect(audit).toContain(m.username);
      expect(audit).toContain("Carys O&#x27;Daire");
      const members = await (await lb.get(`/group/management/membership/${g.id}`)).text();
      expect(members).toContain(`data-testid="member-${m.id}"`);
    });

    it.skipIf(skip)("forged ids are 404, a non-leader approving is 403, bad input is 400 — nothing written", async () => {
      const leader = await user();
      const g = await group({ leaderUserIds: [leader.id] });
      const r = await requester();
      await requestJoin(rt.db, await subject(r), g.id, actorOf(r), QUIET);
      const [request] = await requests(g.id);
      const otherLeader = await user();
      const otherGroup = await group({ leaderUserIds: [otherLeader.id] });
      const plain = await user();

      const pb = await browserFor(plain);
      const csrf = await pb.csrfFrom("/groups");
      expect((await pb.get("/groups/99999999")).status).toBe(404);
      expect((await pb.get("/groups/abc")).status).toBe(404);
      expect((await pb.post("/groups", { csrf, intent: "join:99999999" })).status).toBe(404);
      for (const intent of ["join:x", "join", `dance:${g.id}`, `join:${g.id}:1`, `join: ${g.id}`]) expect((await pb.post("/groups", { csrf, intent })).status).toBe(400);
      // On a group's own page the button names that group: another id is a bad request.
      expect((await pb.post(`/groups/${g.id}`, { csrf, intent: `join:${otherGroup.id}` })).status).toBe(400);
      // A plain member is no manager at all.
      expect((await pb.get("/group/management")).status).toBe(403);
      expect((await pb.post("/group/management", { csrf, intent: "accept", request: String(request.id) })).status).toBe(403);

      const ob = await browserFor(otherLeader);
      const ocsrf = await ob.csrfFrom("/group/management");
      expect(await (await ob.get("/group/management")).text()).not.toContain(`data-testid="accept-${request.id}"`);
      expect((await ob.post("/group/management", { csrf: ocsrf, intent: "accept", request: String(request.id) })).status).toBe(403);
      expect((await ob.post("/group/management", { csrf: ocsrf, intent: "reject", request: String(request.id) })).status).toBe(403);
      expect((await ob.post("/group/management", { csrf: ocsrf, intent: "accept", request: "99999999" })).status).toBe(404);
      expect((await ob.post("/group/management", { csrf: ocsrf, intent: "accept", request: "-1" })).status).toBe(400);
      expect((await ob.get(`/group/management/membership/${g.id}`)).status).toBe(403);
      expect((await ob.get(`/group/management/membership/${g.id}/audit-log`)).status).toBe(403);
      expect((await ob.get(`/group/management/membership/99999999`)).status).toBe(404);
      expect((await ob.post(`/group/management/membership/${g.id}`, { csrf: ocsrf, intent: "remove", user: String(leader.id) })).status).toBe(403);
      expect((await ob.get(`/group/management/membership/${otherGroup.id}`)).status).toBe(200);
      // Creating groups needs auth.add_group and auth.change_group.
      expect((await ob.post("/group/management", { csrf: ocsrf, intent: "create", name: "Sneaky" })).status).toBe(403);
      expect(await rt.db.selectFrom("auth_groups").select("id").where("name", "=", "Sneaky").executeTakeFirst()).toBeUndefined();

      expect(await requests(g.id)).toHaveLength(1);
      expect(await requests(otherGroup.id)).toHaveLength(0);
      expect(await logs(g.id)).toEqual([]);
      expect(await isMember(r.id, g.id)).toBe(false);
      expect((await listAudit(rt.db, { action: "authz.denied" })).some((e) => e.actor === otherLeader.username)).toBe(true);
    });

    it.skipIf(skip)("a superuser creates a group through the form; a reserved name is refused with a message", async () => {
      const admin = await makeUser(rt.db, { username: `admin_${dialect}`, is_superuser: true, is_staff: true });
      const leader = await user();
      await reserveGroupName(rt.db, { name: `Reserved ${dialect}`, reason: "test" }, SYSTEM);
      const ab = await browserFor(admin);
      const csrf = await ab.csrfFrom("/group/management");
      const refused = await ab.post("/group/management", { csrf, intent: "create", name: `RESERVED ${dialect}`, description: "" });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("This group name is reserved and cannot be used.");
      const unknownLeader = await ab.post("/group/management", { csrf, intent: "create", name: `Form group ${dialect}`, leaders: "no_such_user" });
      expect(unknownLeader.status).toBe(400);
      expect(await rt.db.selectFrom("auth_groups").select("id").where("name", "=", `Form group ${dialect}`).executeTakeFirst()).toBeUndefined();

      const created = await ab.post("/group/management", { csrf, intent: "create", name: `Form group ${dialect}`, description: "Made by form", public: "on", leaders: leader.username, states: String(states.Member) });
      expect(created.status).toBe(302);
      const g = await rt.db.selectFrom("auth_groups as g").innerJoin("group_settings as s", "s.group_id", "g.id").selectAll().where("g.name", "=", `Form group ${dialect}`).executeTakeFirstOrThrow();
      expect(g).toMatchObject({ internal: false, hidden: false, open: false, public: true, restricted: false, description: "Made by form" });
      expect(await rt.db.selectFrom("group_leaders").select("user_id").where("group_id", "=", g.id).execute()).toEqual([{ user_id: leader.id }]);
      expect(await rt.db.selectFrom("group_states").select("state_id").where("group_id", "=", g.id).execute()).toEqual([{ state_id: states.Member }]);
    });

    it.skipIf(skip)("the create form re-renders the states as ticked after an error (the shared picker, not a bare multiple select)", async () => {
      const admin = await makeUser(rt.db, { username: `admin2_${dialect}`, is_superuser: true, is_staff: true });
      const ab = await browserFor(admin);
      const csrf = await ab.csrfFrom("/group/management");
      const refused = await ab.post("/group/management", { csrf, intent: "create", name: `Ticked ${dialect}`, leaders: "no_such_user", states: String(states.Member) });
      expect(refused.status).toBe(400);
      const html = await refused.text();
      expect(html).not.toMatch(/<select[^>]*multiple/);
      const boxes = [...html.matchAll(/<input type="checkbox" name="states"[^>]*>/g)].map(([tag]) => ({ value: Number(/value="(\d+)"/.exec(tag)![1]), checked: tag.includes('checked=""') }));
      expect(boxes.filter((b) => b.checked).map((b) => b.value)).toEqual([states.Member]);
      expect(boxes.map((b) => b.value)).toContain(states.Guest);
      expect(await rt.db.selectFrom("auth_groups").select("id").where("name", "=", `Ticked ${dialect}`).executeTakeFirst()).toBeUndefined();
    });
  });
});
