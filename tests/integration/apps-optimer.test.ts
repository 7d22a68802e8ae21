/** Fleet operations over HTTP on both dialects: the form's rules, upcoming and past, op types, changes audited, switched off. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateOp, type OpFormValues } from "~/apps/optimer/ops.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { startTestServer } from "../support/http";
import { html, pilot } from "../support/pilots";
import { auditCount } from "../support/sessions";

const VIEW = "auth.optimer_view";
const MANAGE = "auth.optimer_management";

const op = (values: Partial<OpFormValues> = {}): [string, string][] =>
  Object.entries({ operation_name: "Home defence", type_id: "", doctrine: "Ferox", system: "1DQ1-A", location: "Keepstar", start: "2099-01-02T19:30", duration: "2h", fc: "Brannoc", description: "Bring cap boosters", ...values });

describe("operation form rules", () => {
  const base: OpFormValues = { operation_name: "n", type_id: "", doctrine: "d", system: "s", location: "", start: "2026-12-24T18:30", duration: "1h", fc: "f", description: "" };
  it("reads the start as EVE time (UTC) and accepts a known type or none", () => {
    expect(validateOp(base, []).input?.start.toISOString()).toBe("2026-12-24T18:30:00.000Z");
    expect(validateOp({ ...base, type_id: "7" }, [7]).input?.type_id).toBe(7);
  });
  it("refuses missing fields, a bad time, an unknown type and over-long text", () => {
    const { input, errors } = validateOp({ ...base, operation_name: "", fc: "", start: "tomorrow", type_id: "8", duration: "x".repeat(26) }, [7]);
    expect(input).toBeNull();
    expect(errors).toEqual({ operation_name: "optimer.errors.required", fc: "optimer.errors.required", start: "optimer.errors.time", type_id: "optimer.errors.type", duration: "optimer.errors.tooLong" });
  });
});

describe.each(dialects)("fleet operations on $dialect", ({ dialect, skip }) => {
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

  it.skipIf(skip)("a manager posts operations with a type; viewers see upcoming and past apart, in EVE time", async () => {
    await rt.db.insertInto("optimer_types").values({ type: "Stratop" }).execute();
    const stratop = (await rt.db.selectFrom("optimer_types").select("id").where("type", "=", "Stratop").executeTakeFirstOrThrow()).id;
    const fc = await pilot(rt, server.origin, { permissions: [VIEW, MANAGE] });
    expect((await fc.post("/optimer/add", op({ type_id: String(stratop) }))).status).toBe(302);
    expect((await fc.post("/optimer/add", op({ operation_name: "Last week's roam", start: "2020-03-04T05:06" }))).status).toBe(302);
    const saved = await rt.db.selectFrom("optimer_timers").selectAll().where("operation_name", "=", "Home defence").executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ type_id: stratop, start: new Date("2099-01-02T19:30:00Z"), location: "Keepstar", user_id: fc.user.id, character_name: fc.character!.character_name });
    expect(await auditCount(rt.db, { action: "optimer.op_created", actor: fc.user.id })).toBe(2);

    const viewer = await pilot(rt, server.origin, { permissions: [VIEW] });
    const page = await html(viewer.browser.get("/optimer"));
    expect(page).toContain("Stratop");
    expect(page).toContain("2099-01-02 19:30 EVE");
    expect(page.indexOf("Last week&#x27;s roam")).toBeGreaterThan(page.indexOf('data-testid="ops-past"'));
    expect(page.indexOf("Home defence")).toBeLessThan(page.indexOf('data-testid="ops-past"'));
    expect(page).not.toContain('href="/optimer/add"');
    expect((await viewer.browser.get("/optimer/add")).status).toBe(403);
    expect((await viewer.post(`/optimer/edit/${saved.id}`, [["intent", "delete"]])).status).toBe(403);
    expect((await (await pilot(rt, server.origin, {})).browser.get("/optimer")).status).toBe(403);
  });

  it.skipIf(skip)("bad input is a 400 with the values and errors beside the fields, and saves nothing", async () => {
    const fc = await pilot(rt, server.origin, { permissions: [VIEW, MANAGE] });
    const count = async () => Number((await rt.db.selectFrom("optimer_timers").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    const response = await fc.post("/optimer/add", op({ operation_name: "Kept name", start: "2026-13-01T00:00", type_id: "424242" }));
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('value="Kept name"');
    expect(body).toContain("Enter a date and time as YYYY-MM-DD HH:MM.");
    expect(body).toContain("Choose one of the listed operation types.");
    expect(await count()).toBe(before);
  });

  it.skipIf(skip)("a manager edits and deletes an operation, both audited", async () => {
    const fc = await pilot(rt, server.origin, { permissions: [VIEW, MANAGE] });
    await fc.post("/optimer/add", op({ operation_name: "Movable" }));
    const row = await rt.db.selectFrom("optimer_timers").selectAll().where("operation_name", "=", "Movable").executeTakeFirstOrThrow();
    expect(await html(fc.browser.get(`/optimer/edit/${row.id}`))).toContain('value="2099-01-02T19:30"');
    expect((await fc.post(`/optimer/edit/${row.id}`, op({ operation_name: "Moved", start: "2099-02-03T04:05" }))).status).toBe(302);
    expect(await rt.db.selectFrom("optimer_timers").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow()).toMatchObject({ operation_name: "Moved", start: new Date("2099-02-03T04:05:00Z") });
    expect((await fc.post(`/optimer/edit/${row.id}`, [["intent", "delete"]])).status).toBe(302);
    expect(await rt.db.selectFrom("optimer_timers").select("id").where("id", "=", row.id).executeTakeFirst()).toBeUndefined();
    expect(await auditCount(rt.db, { action: "optimer.op_changed", id: String(row.id) })).toBe(1);
    expect(await auditCount(rt.db, { action: "optimer.op_deleted", id: String(row.id) })).toBe(1);
    expect((await fc.browser.get(`/optimer/edit/${row.id}`)).status).toBe(404);
  });

  it.skipIf(skip)("switched off (APPS_DISABLED=optimer) its pages are 404 and it leaves the menu and dashboard", async () => {
    const viewer = await pilot(rt, server.origin, { permissions: [VIEW] });
    const dashboard = await html(viewer.browser.get("/dashboard"));
    expect(dashboard).toContain('href="/optimer"');
    expect(dashboard).toContain("widget-optimer-upcoming");
    rt.settings.APPS_DISABLED = "optimer";
    try {
      expect((await viewer.browser.get("/optimer")).status).toBe(404);
      const off = await html(viewer.browser.get("/dashboard"));
      expect(off).not.toContain('href="/optimer"');
      expect(off).not.toContain("widget-optimer-upcoming");
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });
});
