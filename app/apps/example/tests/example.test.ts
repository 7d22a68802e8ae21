/**
 * The example app's own tests, written as a third party would: the app's functions and its job over
 * a real database, with the test helpers in tests/support (docs/extending.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTask, TaskPayloadError } from "../../../../jobs/task-list";
import { createTestRuntime, dialects, type TestRuntime } from "../../../../tests/support/db";
import { makeUser } from "../../../../tests/support/factories";
import { greetingFor, sendGreeting } from "../greeting.server";

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
});
