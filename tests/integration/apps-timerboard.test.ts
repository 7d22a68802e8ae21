/** Structure timers over HTTP on both dialects: who sees what, the form's rules, changes audited, switched off. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateTimer, type TimerFormValues } from "~/apps/timerboard/timers.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { startTestServer } from "../support/http";
import { CORP_A, CORP_B, html, pilot } from "../support/pilots";
import { auditCount } from "../support/sessions";

const VIEW = "auth.timer_view";
const MANAGE = "auth.timer_management";

const form = (values: Partial<TimerFormValues> & Record<string, string | boolean>): [string, string][] =>
  Object.entries({ details: "Fortizar reinforced", system: "1DQ1-A", planet_moon: "VI - Moon 1", structure: "Fortizar", timer_type: "ARMOR", objective: "Hostile", ...values }).flatMap(([k, v]) =>
    v === false ? [] : [[k, v === true ? "on" : String(v)]],
  );

describe("timer form rules", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const base: TimerFormValues = { details: "d", system: "s", planet_moon: "", structure: "POCO", timer_type: "SHIELD", objective: "Friendly", eve_time: "", days_left: "", hours_left: "", minutes_left: "", important: false, corp_timer: false };
  it("counts the time from now when days, hours or minutes remain (as the original's form)", () => {
    expect(validateTimer({ ...base, days_left: "1", hours_left: "2", minutes_left: "3" }, now, null).input?.eve_time.toISOString()).toBe("2026-12-01T14:03:00.000Z");
  });
  it("reads an absolute time as EVE time (UTC)", () => {
    expect(validateTimer({ ...base, eve_time: "2026-12-24T18:30" }, now, null).input?.eve_time.toISOString()).toBe("2026-12-24T18:30:00.000Z");
  });
  it("refuses out-of-range parts, impossible dates, unknown choices, a missing time and a corp timer without a main", () => {
    const { input, errors } = validateTimer({ ...base, details: "", hours_left: "24", structure: "Death Star", timer_type: "SOON", objective: "Angry", corp_timer: true }, now, null);
    expect(input).toBeNull();
    expect(errors).toEqual({ details: "timerboard.errors.required", hours_left: "timerboard.errors.range", structure: "timerboard.errors.choice", timer_type: "timerboard.errors.choice", objective: "timerboard.errors.choice", corp_timer: "timerboard.errors.corpNeedsMain" });
    expect(validateTimer({ ...base, eve_time: "2026-02-30T10:00" }, now, null).errors).toEqual({ eve_time: "timerboard.errors.time" });
    expect(validateTimer(base, now, null).errors).toEqual({ eve_time: "timerboard.errors.timeNeeded" });
  });
});

describe.each(dialects)("structure timers on $dialect", ({ dialect, skip }) => {
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

  it.skipIf(skip)("a manager adds timers; corp-only ones are seen by the same corporation alone; past and current are split", async () => {
    const manager = await pilot(rt, server.origin, { corp: CORP_A, permissions: [VIEW, MANAGE] });
    const sameCorp = await pilot(rt, server.origin, { corp: CORP_A, permissions: [VIEW] });
    const otherCorp = await pilot(rt, server.origin, { corp: CORP_B, permissions: [VIEW, MANAGE] });
    const noMain = await pilot(rt, server.origin, { corp: null, permissions: [VIEW] });

    const added = await manager.post("/timers/add", form({ details: "Public armor", hours_left: "5" }));
    expect(added.status).toBe(302);
    expect(await manager.post("/timers/add", form({ details: "Corp final", system: "Jita", timer_type: "FINAL", days_left: "2", corp_timer: true, important: true }))).toHaveProperty("status", 302);
    expect(await manager.post("/timers/add", form({ details: "Old shield", timer_type: "SHIELD", eve_time: "2020-01-01T00:00" }))).toHaveProperty("status", 302);
    const corpTimer = await rt.db.selectFrom("timerboard_timers").selectAll().where("details", "=", "Corp final").executeTakeFirstOrThrow();
    expect(corpTimer).toMatchObject({ corp_timer: true, important: true, corporation_id: CORP_A.corporation_id, character_name: manager.character!.character_name, user_id: manager.user.id });
    expect(await auditCount(rt.db, { action: "timerboard.timer_created", actor: manager.user.id })).toBe(3);

    const mine = await html(sameCorp.browser.get("/timers"));
    expect(mine).toContain("Public armor");
    expect(mine).toContain("Corp final");
    // Past timers are listed apart, below the current ones.
    expect(mine.indexOf("Old shield")).toBeGreaterThan(mine.indexOf('data-testid="timers-past"'));
    expect(mine.indexOf("Corp final")).toBeLessThan(mine.indexOf('data-testid="timers-past"'));
    // Without JavaScript the EVE time and the countdown as of rendering are plain text.
    expect(mine).toMatch(/2020-01-01 00:00 EVE/);
    expect(mine).toMatch(/in 1d 23:59:\d\d|in 2d 00:00:00/);
    for (const other of [otherCorp, noMain]) {
      const theirs = await html(other.browser.get("/timers"));
      expect(theirs).toContain("Public armor");
      expect(theirs).not.toContain("Corp final");
    }
    // Another corporation's manager cannot reach the corp timer by its id either.
    expect((await otherCorp.browser.get(`/timers/edit/${corpTimer.id}`)).status).toBe(404);
    expect((await otherCorp.post(`/timers/edit/${corpTimer.id}`, [["intent", "delete"]])).status).toBe(404);
    expect(await rt.db.selectFrom("timerboard_timers").select("id").where("id", "=", corpTimer.id).executeTakeFirst()).toBeTruthy();
  });

  it.skipIf(skip)("viewers cannot manage; bad input is a 400 with the values and errors beside the fields, and saves nothing", async () => {
    const viewer = await pilot(rt, server.origin, { permissions: [VIEW] });
    expect((await viewer.browser.get("/timers/add")).status).toBe(403);
    expect((await viewer.post("/timers/add", form({ hours_left: "1" }))).status).toBe(403);
    const outsider = await pilot(rt, server.origin, {});
    expect((await outsider.browser.get("/timers")).status).toBe(403);

    const manager = await pilot(rt, server.origin, { corp: null, permissions: [VIEW, MANAGE] });
    const before = await rt.db.selectFrom("timerboard_timers").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const refused = await manager.post("/timers/add", form({ details: "Kept text", minutes_left: "60", corp_timer: true }));
    expect(refused.status).toBe(400);
    const page = await manager.browser.get("/timers/add");
    expect(page.status).toBe(200);
    // A no-JS form post re-renders with what was typed.
    const body = await (await fetch(`${server.origin}/timers/add`, { method: "POST", headers: { cookie: manager.browser.cookieHeader(), origin: server.origin, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams([["csrf", manager.csrf], ...form({ details: "Kept text", minutes_left: "60", corp_timer: true })]).toString() })).text();
    expect(body).toContain('value="Kept text"');
    expect(body).toContain("Enter a whole number in range");
    expect(body).toContain("A corporation-only timer needs a main character");
    const after = await rt.db.selectFrom("timerboard_timers").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it.skipIf(skip)("a manager edits and deletes a timer, both audited", async () => {
    const manager = await pilot(rt, server.origin, { corp: CORP_B, permissions: [VIEW, MANAGE] });
    await manager.post("/timers/add", form({ details: "To edit", days_left: "1" }));
    const timer = await rt.db.selectFrom("timerboard_timers").selectAll().where("details", "=", "To edit").executeTakeFirstOrThrow();
    expect(await html(manager.browser.get(`/timers/edit/${timer.id}`))).toContain(`value="${timer.eve_time.toISOString().slice(0, 16)}"`);
    expect((await manager.post(`/timers/edit/${timer.id}`, form({ details: "Edited", objective: "Friendly", eve_time: "2030-05-06T07:08" }))).status).toBe(302);
    expect(await rt.db.selectFrom("timerboard_timers").selectAll().where("id", "=", timer.id).executeTakeFirstOrThrow()).toMatchObject({ details: "Edited", objective: "Friendly", eve_time: new Date("2030-05-06T07:08:00Z") });
    expect((await manager.post(`/timers/edit/${timer.id}`, [["intent", "delete"]])).status).toBe(302);
    expect(await rt.db.selectFrom("timerboard_timers").select("id").where("id", "=", timer.id).executeTakeFirst()).toBeUndefined();
    expect(await auditCount(rt.db, { action: "timerboard.timer_changed", id: String(timer.id) })).toBe(1);
    expect(await auditCount(rt.db, { action: "timerboard.timer_deleted", id: String(timer.id) })).toBe(1);
  });

  it.skipIf(skip)("switched off (APPS_DISABLED=timerboard) its pages are 404 and it leaves the menu and dashboard", async () => {
    const viewer = await pilot(rt, server.origin, { permissions: [VIEW] });
    const dashboard = await html(viewer.browser.get("/dashboard"));
    expect(dashboard).toContain('href="/timers"');
    expect(dashboard).toContain("widget-timerboard-upcoming");
    rt.settings.APPS_DISABLED = "timerboard";
    try {
      expect((await viewer.browser.get("/timers")).status).toBe(404);
      const off = await html(viewer.browser.get("/dashboard"));
      expect(off).not.toContain('href="/timers"');
      expect(off).not.toContain("widget-timerboard-upcoming");
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });
});
