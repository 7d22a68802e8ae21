/**
 * The example app's own tests, written as a third party would: the app's functions and its job over
 * a real database, with the test helpers in tests/support (docs/extending.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTask, TaskPayloadError } from "../../../../jobs/task-list";
import { createTestRuntime, dialects, type TestRuntime } from "../../../../tests/support/db";
import { makeUser } from "../../../../tests/support/factories";
import { createGreeting, currentGreeting, DEFAULT_GREETING, deleteGreeting, greetingFor, sendGreeting, updateGreeting } from "../greeting.server";
import { systemActor } from "../../plugin-api.server";

describe.each(dialects)("example app on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("greets a user with their character count, and nobody who does not exist", async () => {
    const user = await makeUser(rt.db, { username: "pilot" });
    expect(await greetingFor(rt, user.id)).toEqual({ username: "pilot", characters: 0 });
    expect(await greetingFor(rt, 999_999)).toBeNull();
  });

  it.skipIf(skip)("its job sends one notification, and refuses a bad payload", async () => {
    const user = await makeUser(rt.db, { username: "listener" });
    expect(await sendGreeting(user.id, rt)).toEqual({ sent: true });
    const rows = await rt.db.selectFrom("notifications").select(["title", "level"]).where("user_id", "=", user.id).execute();
    expect(rows).toEqual([{ title: "Hello listener", level: "info" }]);
    expect(await sendGreeting(999_999, rt)).toEqual({ sent: false });
    await expect(runTask("example.send_greeting", { userId: "1" })).rejects.toThrow(TaskPayloadError);
  });

  it.skipIf(skip)("its admin resource's greetings: the newest is sent; each change is audited", async () => {
    const actor = systemActor("example-test");
    expect(await currentGreeting(rt.db)).toBe(DEFAULT_GREETING);
    const first = await createGreeting(rt.db, "First", actor, new Date("2026-01-01T00:00:00Z"));
    const second = await createGreeting(rt.db, "Second", actor, new Date("2026-02-01T00:00:00Z"));
    expect(await currentGreeting(rt.db)).toBe("Second");
    await updateGreeting(rt.db, second, "Second, edited", { text: "Second" }, actor);
    expect(await currentGreeting(rt.db)).toBe("Second, edited");
    await deleteGreeting(rt.db, second, { text: "Second, edited" }, actor);
    expect(await currentGreeting(rt.db)).toBe("First");
    await deleteGreeting(rt.db, first, { text: "First" }, actor);
    const audit = await rt.db.selectFrom("audit_log").select("action").where("target_type", "=", "example_greeting").orderBy("id").execute();
    expect(audit.map((r) => r.action)).toEqual(["example_greeting.created", "example_greeting.created", "example_greeting.changed", "example_greeting.deleted", "example_greeting.deleted"]);
  });
});
