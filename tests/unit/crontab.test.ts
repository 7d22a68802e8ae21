import { describe, expect, it } from "vitest";
import { buildCrontab, builtInCrontab, CrontabError, scheduleFor } from "../../jobs/crontab";
import { parseSettings } from "../../app/config.server";
import { allTasks } from "../../jobs/task-list";

const known = Object.keys(allTasks());

describe("crontab", () => {
  it("schedules every built-in entry, each naming a real task", () => {
    const items = buildCrontab("", "", known);
    expect(items.map((i) => i.identifier)).toEqual(builtInCrontab.map((e) => e.identifier));
    for (const entry of builtInCrontab) expect(known).toContain(entry.task);
  });

  it("lets operators move or switch off a schedule", () => {
    const items = buildCrontab("cleanup_expired_sessions=0 3 * * *; relay_outbox=off", "", known);
    expect(items).toHaveLength(builtInCrontab.length - 1);
    expect(items[0]).toMatchObject({ identifier: "cleanup_expired_sessions", match: "0 3 * * *" });
  });

  it("adds extra entries with payloads", () => {
    const items = buildCrontab("", '*/5 * * * * authentication.cleanup_expired_sessions {"x":1}', known);
    expect(items.at(-1)).toMatchObject({ task: "authentication.cleanup_expired_sessions", match: "*/5 * * * *", payload: { x: 1 } });
  });

  it("rejects bad overrides and extras with a message naming the setting", () => {
    expect(() => buildCrontab("nope=off", "", known)).toThrow(CrontabError);
    expect(() => buildCrontab("nope=off", "", known)).toThrow(/^CRONTAB_OVERRIDES: unknown schedule "nope"/);
    expect(() => buildCrontab("relay_outbox=every minute", "", known)).toThrow(/not a five-field cron pattern/);
    expect(() => buildCrontab("", "* * * * * no.such_task", known)).toThrow(/^CRONTAB_EXTRA: unknown task/);
    expect(() => buildCrontab("", "* * * * * core.relay_outbox {bad", known)).toThrow(/not valid JSON/);
    expect(() => buildCrontab("", "61 * * * * core.relay_outbox", known)).toThrow(CrontabError);
  });
});

describe("EVE_AFFILIATION_UPDATE_MINUTES", () => {
  const schedule = (raw: string) => {
    const settings = parseSettings({ NODE_ENV: "test", SECRET_KEY: "x".repeat(64), EVE_AFFILIATION_UPDATE_MINUTES: raw });
    return scheduleFor(settings).find((e) => e.identifier === "run_model_update")!.pattern;
  };

  it("sets the cadence of the affiliation refresh (10 minutes by default)", () => {
    expect(schedule("")).toBe("*/10 * * * *");
    expect(schedule("15")).toBe("*/15 * * * *");
    expect(schedule("360")).toBe("0 */6 * * *");
    expect(schedule("1440")).toBe("0 0 * * *");
  });

  it("refuses a cadence cron cannot keep evenly", () => {
    for (const bad of ["7", "45", "90", "0", "2000"]) expect(() => schedule(bad)).toThrow(/EVE_AFFILIATION_UPDATE_MINUTES/);
  });

  it("gives way to CRONTAB_OVERRIDES", () => {
    const settings = parseSettings({ NODE_ENV: "test", SECRET_KEY: "x".repeat(64), EVE_AFFILIATION_UPDATE_MINUTES: "30" });
    const items = buildCrontab("run_model_update=0 */6 * * *", "", known, scheduleFor(settings));
    expect(items.find((i) => i.identifier === "run_model_update")!.match).toBe("0 */6 * * *");
    expect(buildCrontab("", "", known, scheduleFor(settings)).find((i) => i.identifier === "run_model_update")!.match).toBe("*/30 * * * *");
  });
});
