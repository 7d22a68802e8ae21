/**
 * The rules of the two keys a state change writes through, `users.state_id → states` (ON DELETE
 * SET NULL) and `notifications.user_id → users` (ON DELETE CASCADE), on both dialects: declared
 * foreign keys on MySQL/MariaDB, statement triggers on PostgreSQL (migration 0032). Including what
 * a foreign key's row locks guarantee when two transactions meet: a parent deleted while a child
 * naming it is being written leaves no child behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlledTransaction, sql } from "kysely";
import type { DB } from "../../db/schema";
import { guestStateId } from "~/modules/states/evaluate.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";

/** PostgreSQL's SQLSTATE, or MySQL's "no referenced row" / "row is referenced" errors. */
function isForeignKeyViolation(error: unknown) {
  const e = error as { code?: string; errno?: number };
  return e.code === "23503" || e.errno === 1452 || e.errno === 1451;
}

async function violation(work: Promise<unknown>) {
  try {
    await work;
  } catch (error) {
    return isForeignKeyViolation(error) ? "foreign key violation" : String(error);
  }
  return "no error";
}

describe.each(dialects)("foreign keys of users and notifications on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let guest: number;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    guest = await guestStateId(rt.db);
  });
  afterAll(async () => rt?.stop());

  const notification = (user_id: number) => ({ user_id, level: "info" as const, title: "t", message: "m", viewed: false, created_at: new Date() });
  const notificationsOf = async (userId: number) => (await rt.db.selectFrom("notifications").select("id").where("user_id", "=", userId).execute()).length;
  const newState = async (name: string) => {
    await rt.db.insertInto("states").values({ name, priority: Math.floor(Math.random() * 900_000) + 1000, public: false }).execute();
    return (await rt.db.selectFrom("states").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
  };
  const stateOf = async (userId: number) => (await rt.db.selectFrom("users").select("state_id").where("id", "=", userId).executeTakeFirstOrThrow()).state_id;

  it.skipIf(skip)("a notification must name a user, and goes with its user", async () => {
    const user = await makeUser(rt.db);
    const missing = user.id + 100_000;
    expect(await violation(rt.db.insertInto("notifications").values([notification(user.id), notification(missing)]).execute())).toBe("foreign key violation");
    expect(await notificationsOf(user.id)).toBe(0);
    await rt.db.insertInto("notifications").values([notification(user.id), notification(user.id)]).execute();
    const [first] = await rt.db.selectFrom("notifications").select("id").where("user_id", "=", user.id).execute();
    expect(await violation(rt.db.updateTable("notifications").set({ user_id: missing }).where("id", "=", first!.id).execute())).toBe("foreign key violation");
    // Marking read leaves the key alone.
    await rt.db.updateTable("notifications").set({ viewed: true }).where("user_id", "=", user.id).execute();
    expect(await violation(rt.db.updateTable("users").set({ id: missing }).where("id", "=", user.id).execute())).toBe("foreign key violation");
    await rt.db.deleteFrom("users").where("id", "=", user.id).execute();
    expect(await notificationsOf(user.id)).toBe(0);
  });

  it.skipIf(skip)("a user's state must exist; deleting a state clears it from its holders", async () => {
    const state = await newState(`Key State ${Date.now()}`);
    const [holder, other] = [await makeUser(rt.db), await makeUser(rt.db)];
    expect(await violation(rt.db.updateTable("users").set({ state_id: state + 1000 }).where("id", "in", [holder.id, other.id]).execute())).toBe("foreign key violation");
    expect([await stateOf(holder.id), await stateOf(other.id)]).not.toContain(state + 1000);
    await rt.db.updateTable("users").set({ state_id: state }).where("id", "=", holder.id).execute();
    await rt.db.updateTable("users").set({ state_id: guest }).where("id", "=", other.id).execute();
    // An update that keeps the state (a login) is not refused.
    await rt.db.updateTable("users").set({ last_login: new Date() }).where("id", "in", [holder.id, other.id]).execute();
    await rt.db.deleteFrom("states").where("id", "=", state).execute();
    expect([await stateOf(holder.id), await stateOf(other.id)]).toEqual([null, guest]);
  });

  /**
   * "waiting" once some other transaction of this database waits for a lock, or when `work` is still
   * pending after two seconds (the server's lock views are a snapshot it refreshes now and then);
   * "went ahead" when `work` settles first.
   */
  async function blocked(work: Promise<unknown>) {
    let settled = false;
    void work.then(
      () => (settled = true),
      () => (settled = true),
    );
    const until = Date.now() + 2_000;
    while (!settled && Date.now() < until) {
      const waiting =
        dialect === "postgres"
          ? (await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(rt.db)).rows[0]!.n
          : (await sql<{ n: string }>`select count(*) as n from information_schema.innodb_trx where trx_state = 'LOCK WAIT'`.execute(rt.db)).rows[0]!.n;
      if (Number(waiting) > 0) return "waiting";
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return settled ? "went ahead" : "waiting";
  }

  async function both<T>(first: ControlledTransaction<DB>, second: ControlledTransaction<DB>, run: () => Promise<T>) {
    try {
      return await run();
    } finally {
      await first.rollback().execute().catch(() => {});
      await second.rollback().execute().catch(() => {});
    }
  }

  it.skipIf(skip)("a user deleted while a notification for them is being written waits, then takes it along", async () => {
    const user = await makeUser(rt.db);
    const writer = await rt.db.startTransaction().execute();
    const deleter = await rt.db.startTransaction().execute();
    await both(writer, deleter, async () => {
      await writer.insertInto("notifications").values(notification(user.id)).execute();
      const deleting = deleter.deleteFrom("users").where("id", "=", user.id).execute();
      expect(await blocked(deleting)).toBe("waiting");
      await writer.commit().execute();
      await deleting;
      await deleter.commit().execute();
    });
    expect(await notificationsOf(user.id)).toBe(0);
  });

  it.skipIf(skip)("a notification written for a user being deleted waits, then is refused", async () => {
    const user = await makeUser(rt.db);
    const deleter = await rt.db.startTransaction().execute();
    const writer = await rt.db.startTransaction().execute();
    await both(deleter, writer, async () => {
      await deleter.deleteFrom("users").where("id", "=", user.id).execute();
      const writing = violation(writer.insertInto("notifications").values(notification(user.id)).execute());
      expect(await blocked(writing)).toBe("waiting");
      await deleter.commit().execute();
      expect(await writing).toBe("foreign key violation");
    });
    expect(await notificationsOf(user.id)).toBe(0);
  });

  it.skipIf(skip)("a state deleted while a user is being moved into it waits, then clears it", async () => {
    const state = await newState(`Key Race ${Date.now()}`);
    const user = await makeUser(rt.db);
    const mover = await rt.db.startTransaction().execute();
    const deleter = await rt.db.startTransaction().execute();
    await both(mover, deleter, async () => {
      await mover.updateTable("users").set({ state_id: state }).where("id", "=", user.id).execute();
      const deleting = deleter.deleteFrom("states").where("id", "=", state).execute();
      expect(await blocked(deleting)).toBe("waiting");
      await mover.commit().execute();
      await deleting;
      await deleter.commit().execute();
    });
    expect(await stateOf(user.id)).toBeNull();
  });
});
