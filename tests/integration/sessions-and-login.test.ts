import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "~/modules/audit/audit.server";
import { sha256 } from "~/modules/auth/crypto.server";
import { createSession, deleteExpiredSessions, deleteUserSessions, resolveSession } from "~/modules/auth/sessions.server";
import { recordFailure } from "~/modules/auth/login-throttle.server";
import { completeSetup, countSuperusers, createSuperuser, DuplicateUsernameError, isValidSetupToken, issueSetupToken, passwordLogin } from "~/modules/auth/users.server";
import { systemActor } from "~/modules/audit/audit.server";
import { runTask } from "../../jobs/task-list";
import { dialects, createTestRuntime, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";

const MINUTE = 60_000;
const PASSWORD = "correct horse battery staple";

describe.each(dialects)("sessions, password login and first-run setup on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect, { settings: { LOGIN_FAILURE_THRESHOLD: "3", LOGIN_FAILURE_WAIT_SECONDS: "60", LOGIN_FAILURE_MAX_WAIT_SECONDS: "120" } });
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("stores only a hash of the session token and resolves the user from the token", async () => {
    const user = await makeUser(rt.db);
    const token = await createSession(rt.db, rt.settings, user, { ip: "127.0.0.1", userAgent: "vitest" });
    const rows = await rt.db.selectFrom("sessions").selectAll().where("user_id", "=", user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(sha256(token));
    expect(rows[0].id).not.toContain(token);
    const resolved = await resolveSession(rt.db, rt.settings, token);
    expect(resolved?.user.username).toBe(user.username);
    expect(await resolveSession(rt.db, rt.settings, token + "x")).toBeNull();
  });

  it.skipIf(skip)("ends idle sessions, and staff sessions sooner than members'", async () => {
    const member = await makeUser(rt.db);
    const staff = await makeUser(rt.db, { is_staff: true });
    const start = new Date();
    const memberToken = await createSession(rt.db, rt.settings, member, {}, start);
    const staffToken = await createSession(rt.db, rt.settings, staff, {}, start);
    const later = new Date(start.getTime() + (rt.settings.STAFF_SESSION_IDLE_MINUTES + 1) * MINUTE);
    expect(await resolveSession(rt.db, rt.settings, staffToken, later)).toBeNull();
    expect(await resolveSession(rt.db, rt.settings, memberToken, later)).not.toBeNull();
    // The expired session row is gone, not just ignored.
    expect(await rt.db.selectFrom("sessions").select("id").where("id", "=", sha256(staffToken)).executeTakeFirst()).toBeUndefined();
  });

  it.skipIf(skip)("ends sessions at the absolute lifetime even when active", async () => {
    const member = await makeUser(rt.db);
    const start = new Date();
    const token = await createSession(rt.db, rt.settings, member, {}, start);
    // Keep it busy every few days until past the absolute limit.
    let now = start;
    const step = 3 * 24 * 60 * MINUTE;
    while (now.getTime() + step < start.getTime() + rt.settings.SESSION_MAX_AGE_HOURS * 60 * MINUTE) {
      now = new Date(now.getTime() + step);
      expect(await resolveSession(rt.db, rt.settings, token, now)).not.toBeNull();
    }
    expect(await resolveSession(rt.db, rt.settings, token, new Date(start.getTime() + rt.settings.SESSION_MAX_AGE_HOURS * 60 * MINUTE + 1))).toBeNull();
  });

  it.skipIf(skip)("a member promoted to staff gets the staff lifetimes at once", async () => {
    const member = await makeUser(rt.db);
    const start = new Date();
    const token = await createSession(rt.db, rt.settings, member, {}, start);
    const later = new Date(start.getTime() + (rt.settings.STAFF_SESSION_MAX_AGE_HOURS + 1) * 60 * MINUTE);
    // Busy all along, so only the absolute lifetime can end it.
    await rt.db.updateTable("sessions").set({ last_seen_at: new Date(later.getTime() - MINUTE) }).where("id", "=", sha256(token)).execute();
    expect(await resolveSession(rt.db, rt.settings, token, later)).not.toBeNull();
    await rt.db.updateTable("users").set({ is_staff: true }).where("id", "=", member.id).execute();
    expect(await resolveSession(rt.db, rt.settings, token, later)).toBeNull();
    // And the staff idle timeout applies to a session that was idle for longer than staff may be.
    const other = await makeUser(rt.db);
    const t2 = await createSession(rt.db, rt.settings, other, {}, start);
    await rt.db.updateTable("users").set({ is_superuser: true }).where("id", "=", other.id).execute();
    expect(await resolveSession(rt.db, rt.settings, t2, new Date(start.getTime() + (rt.settings.STAFF_SESSION_IDLE_MINUTES + 1) * MINUTE))).toBeNull();
  });

  it.skipIf(skip)("a background read does not extend the idle timeout", async () => {
    const member = await makeUser(rt.db);
    const start = new Date();
    const token = await createSession(rt.db, rt.settings, member, {}, start);
    const idle = rt.settings.SESSION_IDLE_MINUTES * MINUTE;
    let now = start;
    for (let i = 0; i < 3; i++) {
      now = new Date(now.getTime() + idle / 2);
      if (now.getTime() < start.getTime() + idle) expect(await resolveSession(rt.db, rt.settings, token, now, { activity: false })).not.toBeNull();
    }
    expect(await resolveSession(rt.db, rt.settings, token, new Date(start.getTime() + idle + 1), { activity: false })).toBeNull();
  });

  it.skipIf(skip)("deactivating a user and 'log out everywhere' end every session", async () => {
    const user = await makeUser(rt.db);
    const a = await createSession(rt.db, rt.settings, user, {});
    const b = await createSession(rt.db, rt.settings, user, {});
    await rt.db.updateTable("users").set({ is_active: false }).where("id", "=", user.id).execute();
    expect(await resolveSession(rt.db, rt.settings, a)).toBeNull();
    await rt.db.updateTable("users").set({ is_active: true }).where("id", "=", user.id).execute();
    expect(await resolveSession(rt.db, rt.settings, b)).not.toBeNull();
    expect(await deleteUserSessions(rt.db, user.id)).toBe(1);
    expect(await resolveSession(rt.db, rt.settings, b)).toBeNull();
  });

  it.skipIf(skip)("the cleanup task deletes expired sessions and keeps live ones", async () => {
    const user = await makeUser(rt.db);
    const live = await createSession(rt.db, rt.settings, user, {});
    await createSession(rt.db, rt.settings, user, {}, new Date(Date.now() - 40 * 24 * 60 * MINUTE));
    const result = (await runTask("authentication.cleanup_expired_sessions", {})) as { sessions: number };
    expect(result.sessions).toBeGreaterThanOrEqual(1);
    const left = await rt.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(left.map((r) => r.id)).toEqual([sha256(live)]);
  });

  it.skipIf(skip)("password login: superusers only, same answer for every failure, audited", async () => {
    const su = await createSuperuser(rt.db, { username: "admin_pw", email: "a@example.com", password: PASSWORD }, systemActor("test"));
    await makeUser(rt.db, { username: "member_pw", password: PASSWORD });
    await makeUser(rt.db, { username: "inactive_su", password: PASSWORD, is_superuser: true, is_active: false });
    const client = { ip: "10.9.8.7", requestId: "req-1" };
    expect(await passwordLogin(rt.db, rt.settings, { username: "admin_pw", password: PASSWORD }, client)).toMatchObject({ ok: true, user: { id: su.id } });
    expect(await passwordLogin(rt.db, rt.settings, { username: "member_pw", password: PASSWORD }, { ...client, ip: "10.0.0.1" })).toEqual({ ok: false });
    expect(await passwordLogin(rt.db, rt.settings, { username: "inactive_su", password: PASSWORD }, { ...client, ip: "10.0.0.2" })).toEqual({ ok: false });
    expect(await passwordLogin(rt.db, rt.settings, { username: "nobody", password: PASSWORD }, { ...client, ip: "10.0.0.3" })).toEqual({ ok: false });
    const failures = await listAudit(rt.db, { action: "login.failure" });
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.map((f) => f.ip)).toContain("10.0.0.1");
    const success = await listAudit(rt.db, { action: "login.success", targetId: String(su.id) });
    expect(success[0]).toMatchObject({ ip: "10.9.8.7", request_id: "req-1", actor: "admin_pw" });
  });

  it.skipIf(skip)("locks a username after repeated failures, even for the right password, with the same answer", async () => {
    await createSuperuser(rt.db, { username: "admin_lock", password: PASSWORD }, systemActor("test"));
    for (let i = 0; i < 3; i++) {
      expect(await passwordLogin(rt.db, rt.settings, { username: "admin_lock", password: "wrong password!" }, { ip: `10.1.0.${i}` })).toEqual({ ok: false });
    }
    // From a fresh address: the username itself is locked.
    expect(await passwordLogin(rt.db, rt.settings, { username: "admin_lock", password: PASSWORD }, { ip: "10.1.1.1" })).toEqual({ ok: false });
    const row = await rt.db.selectFrom("login_failures").selectAll().where("key", "=", "user:admin_lock").executeTakeFirstOrThrow();
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now());
    expect(row.locked_until!.getTime()).toBeLessThanOrEqual(Date.now() + 120_000 + 5_000);
    // Once the wait is over the right password works again.
    await rt.db.updateTable("login_failures").set({ locked_until: new Date(Date.now() - 1000) }).where("key", "=", "user:admin_lock").execute();
    expect((await passwordLogin(rt.db, rt.settings, { username: "admin_lock", password: PASSWORD }, { ip: "10.1.1.2" })).ok).toBe(true);
  });

  it.skipIf(skip)("counts and audits every failure when many arrive at once (atomic upsert)", async () => {
    await createSuperuser(rt.db, { username: "admin_race", password: PASSWORD }, systemActor("test"));
    for (let batch = 0; batch < 2; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => passwordLogin(rt.db, rt.settings, { username: "admin_race", password: "wrong password!" }, { ip: `10.3.${batch}.${i}`, requestId: `race-${batch}-${i}` })),
      );
      expect(results.every((r) => !r.ok)).toBe(true);
    }
    const row = await rt.db.selectFrom("login_failures").selectAll().where("key", "=", "user:admin_race").executeTakeFirstOrThrow();
    expect(row.failures).toBe(40);
    // 40 failures over a threshold of 3: the wait is capped at the maximum (120 s in this suite).
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    expect(row.locked_until!.getTime()).toBeLessThanOrEqual(Date.now() + 125_000);
    const audited = (await listAudit(rt.db, { action: "login.failure" })).filter((a) => String(a.request_id).startsWith("race-"));
    expect(audited).toHaveLength(40);
  });

  it.skipIf(skip)("restarts the count after the reset period and locks only from the threshold on", async () => {
    const keys = ["user:reset_case"];
    const start = new Date(Date.now() - 13 * 3_600_000);
    for (let i = 0; i < 3; i++) await recordFailure(rt.db, rt.settings, keys, new Date(start.getTime() + i));
    let row = await rt.db.selectFrom("login_failures").selectAll().where("key", "=", keys[0]).executeTakeFirstOrThrow();
    expect(row.failures).toBe(3);
    expect(row.locked_until!.getTime()).toBe(start.getTime() + 2 + 60_000);
    await recordFailure(rt.db, rt.settings, keys);
    row = await rt.db.selectFrom("login_failures").selectAll().where("key", "=", keys[0]).executeTakeFirstOrThrow();
    expect(row.failures).toBe(1);
    expect(row.locked_until).toBeNull();
  });

  it.skipIf(skip)("locks an address that tries many usernames", async () => {
    await createSuperuser(rt.db, { username: "admin_ip", password: PASSWORD }, systemActor("test"));
    for (let i = 0; i < 3; i++) await passwordLogin(rt.db, rt.settings, { username: `guess${i}`, password: "nope nope nope" }, { ip: "10.2.0.1" });
    expect(await passwordLogin(rt.db, rt.settings, { username: "admin_ip", password: PASSWORD }, { ip: "10.2.0.1" })).toEqual({ ok: false });
    expect((await passwordLogin(rt.db, rt.settings, { username: "admin_ip", password: PASSWORD }, { ip: "10.2.0.2" })).ok).toBe(true);
  });

  it.skipIf(skip)("createSuperuser rejects a duplicate username and bad input, writing nothing", async () => {
    await createSuperuser(rt.db, { username: "dup", password: PASSWORD }, systemActor("test"));
    await expect(createSuperuser(rt.db, { username: "dup", password: PASSWORD }, systemActor("test"))).rejects.toBeInstanceOf(DuplicateUsernameError);
    await expect(createSuperuser(rt.db, { username: "bad name!", password: PASSWORD }, systemActor("test"))).rejects.toThrow(/usernameChars/);
    await expect(createSuperuser(rt.db, { username: "shortpw", password: "short" }, systemActor("test"))).rejects.toThrow(/passwordTooShort/);
    const rows = await rt.db.selectFrom("users").select("username").where("username", "in", ["bad name!", "shortpw"]).execute();
    expect(rows).toHaveLength(0);
  });
});

describe.each(dialects)("first-run setup on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect);
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("a setup token creates exactly one superuser and works only once", async () => {
    expect(await countSuperusers(rt.db)).toBe(0);
    const first = await issueSetupToken(rt.db, rt.settings);
    const token = await issueSetupToken(rt.db, rt.settings);
    expect(await isValidSetupToken(rt.db, first)).toBe(false); // a new token replaces the old one
    expect(await isValidSetupToken(rt.db, token)).toBe(true);
    const stored = await rt.db.selectFrom("one_time_tokens").selectAll().execute();
    expect(stored.map((r) => r.token_hash)).toEqual([sha256(token)]);
    const [a, b] = await Promise.all([
      completeSetup(rt.db, token, { username: "root1", password: PASSWORD }, systemActor("test")),
      completeSetup(rt.db, token, { username: "root2", password: PASSWORD }, systemActor("test")),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await countSuperusers(rt.db)).toBe(1);
    expect(await isValidSetupToken(rt.db, token)).toBe(false);
    expect(await completeSetup(rt.db, token, { username: "root3", password: PASSWORD }, systemActor("test"))).toBeNull();
    const audit = await listAudit(rt.db, { action: "user.create_superuser" });
    expect(audit).toHaveLength(1);
  });
});
