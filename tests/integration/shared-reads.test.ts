/**
 * db/shared-reads.ts on a real PostgreSQL: plain reads outside transactions go down the two shared
 * pipelined connections and each gets its own answer; transactions and writes keep a connection of
 * their own; a failing read fails alone; a connection stuck on a slow read takes no more reads; and
 * statements that leave state on a session are never shared.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { DB } from "../../db/schema";
import { SharedReadPool } from "../../db/shared-reads";
import { clonePostgres } from "../support/db";
import { countSocketWrites, fewest, untilSharedOpen } from "../support/socket-writes";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("shared read connections (PostgreSQL)", () => {
  let url: string;
  let shared: SharedReadPool;
  let db: Kysely<DB>;
  const backend = async (executor: Kysely<DB> = db) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(executor)).rows[0]!.pid;

  beforeAll(async () => {
    url = await clonePostgres();
    const config = { connectionString: url, connectionTimeoutMillis: 5000 };
    const pool = new pg.Pool({ ...config, max: 4 });
    pool.on("error", () => {});
    shared = new SharedReadPool(pool, config, () => {});
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: shared as unknown as pg.Pool }) });
    expect(await untilSharedOpen(() => shared.sharedOpen, backend)).toBe(2);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("sends reads made at once to the two shared connections (the pool would open four)", async () => {
    expect(await fewest(async () => new Set(await Promise.all(Array.from({ length: 20 }, () => backend()))).size, 2)).toBeLessThanOrEqual(2);
  });

  it("sends the reads made at once in one socket write per shared connection", async () => {
    const writes = await fewest(async () => {
      const { result: answers, writes } = await countSocketWrites(() => Promise.all(Array.from({ length: 20 }, (_, n) => sql<{ n: number }>`select ${n}::int as n`.execute(db))));
      answers.forEach((answer, n) => expect(answer.rows).toEqual([{ n }]));
      expect(writes).toBeGreaterThan(0);
      return writes;
    }, 2);
    // Twenty statements, each three messages (bind, execute, sync): one write to each connection.
    expect(writes).toBeLessThanOrEqual(2);
  });

  it("answers each of many concurrent reads with its own rows", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => sql<{ n: number; doubled: number }>`select ${n}::int as n, ${n}::int * 2 as doubled`.execute(db)),
    );
    answers.forEach((answer, n) => expect(answer.rows).toEqual([{ n, doubled: n * 2 }]));
  });

  it("runs a transaction on a connection of its own, unseen by reads outside until it commits", async () => {
    const sharedPids = new Set<number>();
    for (let i = 0; i < 10; i++) sharedPids.add(await backend());
    await db.transaction().execute(async (trx) => {
      const pid = await backend(trx);
      expect(sharedPids.has(pid)).toBe(false);
      await trx.insertInto("auth_groups").values({ name: "Shared reads: in a transaction" }).execute();
      // The transaction's own reads see its write; a read outside it does not.
      expect(await trx.selectFrom("auth_groups").select("id").where("name", "=", "Shared reads: in a transaction").execute()).toHaveLength(1);
      expect(await db.selectFrom("auth_groups").select("id").where("name", "=", "Shared reads: in a transaction").execute()).toHaveLength(0);
      expect(await backend(trx)).toBe(pid);
    });
    expect(await db.selectFrom("auth_groups").select("id").where("name", "=", "Shared reads: in a transaction").execute()).toHaveLength(1);
  });

  it("fails only the read that fails, not the others sent with it", async () => {
    const results = await Promise.allSettled([
      sql`select 1 as ok`.execute(db),
      sql`select 1 / (${0}::int) as boom`.execute(db),
      sql`select 2 as ok`.execute(db),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/division by zero/);
    expect(await sql<{ ok: number }>`select 3 as ok`.execute(db).then((r) => r.rows)).toEqual([{ ok: 3 }]);
  });

  it("sends no more reads to a connection busy with a slow one: they are answered first", async () => {
    const order: string[] = [];
    const slow = sql`select pg_sleep(0.5)`.execute(db).then(() => order.push("slow"));
    await pause(50); // the slow read has had no answer for longer than the stall limit
    await Promise.all(Array.from({ length: 5 }, (_, k) => backend().then(() => order.push(`fast ${k}`))));
    await slow;
    expect(order.at(-1)).toBe("slow");
    expect(order).toHaveLength(6);
  });

  it("never shares what leaves state on a session, nor writes", () => {
    for (const text of ["select pg_advisory_lock(1)", "select pg_try_advisory_lock(1)", "select set_config('a.b', '1', false)", "select 1 into temp t", "insert into auth_groups (name) values ('x')", "begin"]) {
      expect(shared.pick(text)).toBeNull();
    }
    expect(shared.pick("select 1")).not.toBeNull();
  });

  it("opens a new shared connection after one is dropped by the server", async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) pids.add(await backend());
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where pid = any($1::int[])", [[...pids]]);
    } finally {
      await admin.end();
    }
    // The client sees its connection close; reads go on (on the pool meanwhile) and it comes back.
    for (let i = 0; shared.sharedOpen === 2 && i < 500; i++) await pause(10);
    expect(shared.sharedOpen).toBeLessThan(2);
    for (let i = 0; shared.sharedOpen < 2 && i < 500; i++) {
      await backend().catch(() => {}); // a read sent just as its connection was cut fails, as on the pool
      await pause(10);
    }
    expect(shared.sharedOpen).toBe(2);
    const after = new Set<number>();
    for (let i = 0; i < 10; i++) after.add(await backend());
    expect([...after].some((pid) => pids.has(pid))).toBe(false);
  });
});
