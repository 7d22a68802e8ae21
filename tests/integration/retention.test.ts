/** The retention job on both dialects: what has expired goes, what has not stays (docs/data-inventory.md). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRetention } from "~/modules/ops/retention.server";
import { allTasks } from "../../jobs/task-list";
import { builtInCrontab } from "../../jobs/crontab";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";

const DAY = 86_400_000;

describe.each(dialects)("retention on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it("is scheduled daily as a known task", () => {
    const entry = builtInCrontab.find((e) => e.identifier === "apply_retention");
    expect(entry?.task).toBe("core.apply_retention");
    expect(Object.keys(allTasks())).toContain("core.apply_retention");
  });

  it.skipIf(skip)("clears old audit IPs (keeping the rows), stale login failures, expired SSO states and old outbox emails", async () => {
    const now = new Date("2030-06-01T12:00:00Z");
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const audit = (action: string, days: number) => ({ created_at: ago(days), actor_user_id: null, actor: "test", action, target_type: "test", target_id: null, before_data: null, after_data: null, reason: null, request_id: null, ip: "203.0.113.7" });
    await rt.db.insertInto("audit_log").values([audit("retention.old", 91), audit("retention.recent", 89)]).execute();
    await rt.db
      .insertInto("login_failures")
      .values([
        { key: "user:stale", failures: 3, last_failure_at: new Date(now.getTime() - 13 * 3_600_000), locked_until: null },
        { key: "user:fresh", failures: 3, last_failure_at: new Date(now.getTime() - 3_600_000), locked_until: null },
        { key: "user:locked", failures: 99, last_failure_at: new Date(now.getTime() - 13 * 3_600_000), locked_until: new Date(now.getTime() + 3_600_000) },
      ])
      .execute();
    await rt.db
      .insertInto("sso_states")
      .values([
        { state_hash: "expired", purpose: "login", next_path: "/", user_id: null, created_at: ago(1), expires_at: new Date(now.getTime() - 1000) },
        { state_hash: "live", purpose: "login", next_path: "/", user_id: null, created_at: now, expires_at: new Date(now.getTime() + 600_000) },
      ])
      .execute();
    await rt.db
      .insertInto("email_outbox")
      .values([
        { to_address: "old@example.com", subject: "s", text_body: "t", html_body: "h", created_at: ago(8) },
        { to_address: "new@example.com", subject: "s", text_body: "t", html_body: "h", created_at: ago(6) },
      ])
      .execute();

    const result = await applyRetention(rt.db, { AUDIT_IP_RETENTION_DAYS: 90, EMAIL_OUTBOX_RETENTION_DAYS: 7, LOGIN_FAILURE_RESET_HOURS: 12 }, now);
    expect(result).toEqual({ auditIpsCleared: 1, loginFailures: 1, ssoStates: 1, outboxEmails: 1 });
    const audits = await rt.db.selectFrom("audit_log").select(["action", "ip"]).where("action", "like", "retention.%").orderBy("action").execute();
    expect(audits).toEqual([
      { action: "retention.old", ip: null },
      { action: "retention.recent", ip: "203.0.113.7" },
    ]);
    expect((await rt.db.selectFrom("login_failures").select("key").orderBy("key").execute()).map((r) => r.key)).toEqual(["user:fresh", "user:locked"]);
    expect((await rt.db.selectFrom("sso_states").select("state_hash").execute()).map((r) => r.state_hash)).toEqual(["live"]);
    expect((await rt.db.selectFrom("email_outbox").select("to_address").execute()).map((r) => r.to_address)).toEqual(["new@example.com"]);
    // Idempotent: a second run finds nothing more.
    expect(await applyRetention(rt.db, { AUDIT_IP_RETENTION_DAYS: 90, EMAIL_OUTBOX_RETENTION_DAYS: 7, LOGIN_FAILURE_RESET_HOURS: 12 }, now)).toEqual({ auditIpsCleared: 0, loginFailures: 0, ssoStates: 0, outboxEmails: 0 });
  });
});
