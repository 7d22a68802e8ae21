/** Announcements: targeting (everyone, states, groups), time windows and dismissal, on both dialects; the dashboard and dismiss form over HTTP. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getMetrics } from "~/modules/ops/metrics.server";
import { systemActor } from "../../plugin-api.server";
import { activeAnnouncementsFor, createAnnouncement, deleteAnnouncement, dismissAnnouncement, type AnnouncementInput } from "../announcements.server";
import { createTestRuntime, dialects, type TestRuntime } from "../../../../tests/support/db";
import { makeGroup, makeUser } from "../../../../tests/support/factories";
import { startTestServer } from "../../../../tests/support/http";
import { signedIn } from "../../../../tests/support/sessions";

const HOUR = 3_600_000;

describe.each(dialects)("announcements on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let ids: Record<string, number>;
  let users: Record<"member" | "grouped" | "other", { id: number; is_staff: boolean; is_superuser: boolean }>;
  const now = new Date();

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    const state = await rt.db.selectFrom("states").select("id").executeTakeFirstOrThrow();
    const group = await makeGroup(rt.db);
    users = { member: await makeUser(rt.db), grouped: await makeUser(rt.db), other: await makeUser(rt.db) };
    await rt.db.updateTable("users").set({ state_id: state.id }).where("id", "=", users.member.id).execute();
    await rt.db.updateTable("users").set({ state_id: null }).where("id", "in", [users.grouped.id, users.other.id]).execute();
    await rt.db.insertInto("user_groups").values({ user_id: users.grouped.id, group_id: group.id }).execute();
    const base: AnnouncementInput = { title: "", message: "m", level: "info", startsAt: new Date(now.getTime() - HOUR), endsAt: null, stateIds: [], groupIds: [] };
    const post = (title: string, extra: Partial<AnnouncementInput>) => createAnnouncement(rt.db, { ...base, title, ...extra }, systemActor("test"), now);
    ids = {
      everyone: await post("everyone", {}),
      state: await post("state", { stateIds: [state.id] }),
      group: await post("group", { groupIds: [group.id] }),
      either: await post("either", { stateIds: [state.id], groupIds: [group.id] }),
      future: await post("future", { startsAt: new Date(now.getTime() + HOUR) }),
      expired: await post("expired", { startsAt: new Date(now.getTime() - 3 * HOUR), endsAt: new Date(now.getTime() - HOUR) }),
      open: await post("open window", { endsAt: new Date(now.getTime() + HOUR) }),
    };
  });
  afterAll(async () => rt?.stop());

  const titles = async (userId: number, at = now) => (await activeAnnouncementsFor(rt.db, userId, at)).map((a) => a.title).sort();

  it.skipIf(skip)("each member sees the untargeted ones and those aimed at their state or groups, inside the window", async () => {
    expect(await titles(users.member.id)).toEqual(["either", "everyone", "open window", "state"]);
    expect(await titles(users.grouped.id)).toEqual(["either", "everyone", "group", "open window"]);
    expect(await titles(users.other.id)).toEqual(["everyone", "open window"]);
    // Two hours later the future one has started and the open window has closed.
    expect(await titles(users.other.id, new Date(now.getTime() + 2 * HOUR))).toEqual(["everyone", "future"]);
  });

  it.skipIf(skip)("a dismissal hides it from that member only, once and for good", async () => {
    expect(await dismissAnnouncement(rt.db, users.other.id, ids.everyone)).toBe(true);
    expect(await dismissAnnouncement(rt.db, users.other.id, ids.everyone)).toBe(true);
    expect(await dismissAnnouncement(rt.db, users.other.id, 999_999)).toBe(false);
    expect(await titles(users.other.id)).toEqual(["open window"]);
    expect(await titles(users.member.id)).toContain("everyone");
  });

  it.skipIf(skip || dialect !== "postgres")("the dashboard shows them above its panels; the dismiss form works without JavaScript", async () => {
    const server = await startTestServer(rt);
    try {
      const member = await signedIn(rt, server.origin, users.member);
      const html = await (await member.browser.get("/dashboard")).text();
      expect(html.indexOf('data-testid="announcements"')).toBeGreaterThan(-1);
      expect(html.indexOf('data-testid="announcements"')).toBeLessThan(html.indexOf('data-testid="dashboard-characters"') === -1 ? html.indexOf("characters-heading") : html.indexOf('data-testid="dashboard-characters"'));
      const response = await member.post(`/announcements/${ids.state}/dismiss`, []);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/dashboard");
      expect(await titles(users.member.id)).not.toContain("state");
      expect((await member.post("/announcements/999999/dismiss", [])).status).toBe(404);
      expect((await member.post("/announcements/abc/dismiss", [])).status).toBe(404);
      const anonymous = await fetch(`${server.origin}/announcements/${ids.everyone}/dismiss`, { method: "POST", redirect: "manual" });
      expect(anonymous.status).toBeGreaterThanOrEqual(300);
      expect(await titles(users.member.id)).toContain("everyone");
    } finally {
      await server.close();
    }
  });
});

describe.each(dialects)("announcement windows kept in memory on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  afterAll(async () => {
    vi.useRealTimers();
    await rt?.stop();
  });
  /** Statements this process has sent to the auth database. */
  const sent = async () => (await getMetrics().dbStatements.get()).values.reduce((sum, v) => sum + v.value, 0);
  const titles = async (userId: number, at?: Date) => (await activeAnnouncementsFor(rt.db, userId, at)).map((a) => a.title).sort();

  it.skipIf(skip)("while none can show, the member's statement is not sent; this process's own posts and removals show at once, another's within ten seconds", async () => {
    rt = await createTestRuntime(dialect);
    const member = await makeUser(rt.db);
    const post = (title: string, startsAt: Date, endsAt: Date | null = null) =>
      createAnnouncement(rt.db, { title, message: "m", level: "info", startsAt, endsAt, stateIds: [], groupIds: [] }, systemActor("test"));
    expect(await titles(member.id)).toEqual([]);
    let before = await sent();
    expect(await titles(member.id)).toEqual([]);
    expect(await sent()).toBe(before);

    // One that has ended and one still to come: none can show now, but the later one in two hours.
    const ended = await post("ended", new Date(Date.now() - 3 * HOUR), new Date(Date.now() - HOUR));
    const future = await post("future", new Date(Date.now() + HOUR));
    expect(await titles(member.id)).toEqual([]);
    before = await sent();
    expect(await titles(member.id)).toEqual([]);
    expect(await sent()).toBe(before);
    expect(await titles(member.id, new Date(Date.now() + 2 * HOUR))).toEqual(["future"]);

    const live = await post("live", new Date(Date.now() - HOUR));
    expect(await titles(member.id)).toEqual(["live"]);
    for (const id of [live, future, ended]) await deleteAnnouncement(rt.db, id, {}, systemActor("test"));
    expect(await titles(member.id)).toEqual([]);

    // Posted by another process (a row this one did not write): seen once its reading is ten seconds old.
    await rt.db.insertInto("announcements").values({ title: "elsewhere", message: "m", level: "info", starts_at: new Date(Date.now() - HOUR), ends_at: null, created_at: new Date(), created_by: null }).execute();
    expect(await titles(member.id)).toEqual([]);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10_001 });
    expect(await titles(member.id)).toEqual(["elsewhere"]);
  });
});
