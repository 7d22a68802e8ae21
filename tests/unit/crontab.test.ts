import { describe, expect, it } from "vitest";
import { buildCrontab, builtInCrontab, CrontabError } from "../../jobs/crontab";
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
