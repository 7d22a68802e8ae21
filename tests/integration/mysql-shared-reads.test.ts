/**
 * db/mysql-shared-reads.ts on a real MySQL/MariaDB: plain reads outside transactions go to the two
 * shared connections, where prepared reads are sent without waiting for the answers before them; each
 * read still gets its own answer, in any mix with reads that must be prepared first; transactions and
 * writes keep a connection of their own; a failing read fails alone; booleans stay booleans; and a
 * dropped shared connection is replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kysely, MysqlDialect, sql } from "kysely";
import type { DB } from "../../db/schema";
import { createDb, mysqlPoolFor } from "../../db/index.server";
import type { MysqlSharedReadPool } from "../../db/mysql-shared-reads";
import { createMysql, mysqlAvailable } from "../support/db";
import { countSocketWrites, fewest, untilSharedOpen } from "../support/socket-writes";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!mysqlAvailable)("shared read connections (MySQL/MariaDB)", () => {
  let url: string;
  let shared: MysqlSharedReadPool;
  let db: Kysely<DB>;
  const connectionId = async (executor: Kysely<DB> = db) => Number((await sql<{ id: number }>`select connection_id() as id`.execute(executor)).rows[0]!.id);
  const number = (n: number) => sql<{ n: number }>`select ${n} + 0 as n`.execute(db).then((r) => Number(r.rows[0]!.n));

  beforeAll(async () => {
    url = await createMysql();
    shared = (await mysqlPoolFor(url, { poolSize: 4 })()) as unknown as MysqlSharedReadPool;
    db = new Kysely<DB>({ dialect: new MysqlDialect({ pool: shared as never }) });
    expect(await untilSharedOpen(() => shared.sharedOpen, connectionId)).toBe(2);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("sends reads made at once to the two shared connections (the pool would open four)", async () => {
    expect(await fewest(async () => new Set(await Promise.all(Array.from({ length: 20 }, () => connectionId()))).size, 2)).toBeLessThanOrEqual(2);
  });

  it("sends prepared reads made at once in one socket write per shared connection, each with its own answer", async () => {
    // Prepared on both shared connections first.
    await Promise.all(Array.from({ length: 20 }, (_, n) => number(n)));
    const writes = await fewest(async () => {
      const { result, writes } = await countSocketWrites(() => Promise.all(Array.from({ length: 20 }, (_, n) => number(n))));
      expect(result).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(writes).toBeGreaterThan(0);
      return writes;
    }, 2);
    // mysql2 alone writes each command after the answer to the last: twenty writes.
    expect(writes).toBeLessThanOrEqual(2);
  });

  it("answers each of many concurrent reads with its own rows, whatever mix of new and prepared statements", async () => {
    const reads = Array.from({ length: 300 }, (_, n) => {
      // Every 25th read is a text this connection has not prepared yet: mysql2 prepares it first.
      if (n % 25 === 0) return sql<{ n: number; tag: string }>`select ${n} + 0 as n, ${`new ${n}`} as tag, ${n % 7} as k${sql.raw(String(n))}`.execute(db).then((r) => [Number(r.rows[0]!.n), r.rows[0]!.tag]);
      if (n % 2 === 0) return number(n).then((v) => [v, "number"]);
      return sql<{ n: number; doubled: number }>`select ${n} + 0 as n, ${n} * 2 as doubled`.execute(db).then((r) => [Number(r.rows[0]!.n), Number(r.rows[0]!.doubled)]);
    });
    const answers = await Promise.all(reads);
    answers.forEach((answer, n) => expect(answer).toEqual([n, n % 25 === 0 ? `new ${n}` : n % 2 === 0 ? "number" : n * 2]));
  });

  it("runs a transaction on a connection of its own, unseen by reads outside until it commits", async () => {
    const sharedIds = new Set<number>();
    for (let i = 0; i < 10; i++) sharedIds.add(await connectionId());
    await db.transaction().execute(async (trx) => {
      const id = await connectionId(trx);
      expect(sharedIds.has(id)).toBe(false);
      await trx.insertInto("auth_groups").values({ name: "Shared reads: in a transaction" }).execute();
      expect(await trx.selectFrom("auth_groups").select("id").where("name", "=", "Shared reads: in a transaction").execute()).toHaveLength(1);
      expect(await db.selectFrom("auth_groups").select("id").where("name", "=", "Shared reads: in a transaction").execute()).toHaveLength(0);
      expect(await connectionId(trx)).toBe(id);
    });
    expect(await db.selectFrom("auth_groups").select("id").where("name", "=", "Shared reads: in a transaction").execute()).toHaveLength(1);
  });

  it("fails only the read that fails, not the others sent with it", async () => {
    const boom = () => sql`select (select ${1} union select ${2}) as boom`.execute(db);
    // Prepared on both connections first, so that all three are sent together.
    await Promise.allSettled([boom(), boom(), number(1), number(2)]);
    const results = await Promise.allSettled([number(1), boom(), number(2), boom(), number(3)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled"]);
    expect(results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([1, 2, 3]);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/more than 1 row/i);
    expect(await number(4)).toBe(4);
  });

  it("reads booleans as booleans on the shared connections too", async () => {
    const app = createDb(url, { poolSize: 2 });
    try {
      await app.insertInto("states").values({ name: "Shared booleans", priority: 4242, public: true }).execute();
      for (let i = 0; i < 5; i++) {
        const rows = await Promise.all(Array.from({ length: 4 }, () => app.selectFrom("states").select(["public"]).where("name", "=", "Shared booleans").executeTakeFirstOrThrow()));
        for (const row of rows) expect(row.public).toBe(true);
        await pause(10);
      }
    } finally {
      await app.destroy();
    }
  });

  it("never shares what leaves state on a session, nor writes, nor long value lists", () => {
    for (const text of ["select get_lock('a', 1)", "select release_lock('a')", "select 1 into @x", "select * from users for update", "insert into auth_groups (name) values ('x')", "start transaction"]) {
      expect(shared.pick(text, [])).toBeNull();
    }
    expect(shared.pick("select 1", Array.from({ length: 200 }, (_, n) => n))).toBeNull();
    expect(shared.pick("select 1", [])).not.toBeNull();
  });

  it("opens a new shared connection after one is dropped by the server", async () => {
    const ids = new Set<number>();
    for (let i = 0; i < 10; i++) ids.add(await connectionId());
    const admin = createDb(url, { poolSize: 1, sharedReads: false });
    try {
      for (const id of ids) await sql`kill ${sql.raw(String(id))}`.execute(admin);
    } finally {
      await admin.destroy();
    }
    for (let i = 0; shared.sharedOpen === 2 && i < 500; i++) {
      await connectionId().catch(() => {}); // a read sent just as its connection was cut fails, as on the pool
      await pause(10);
    }
    expect(shared.sharedOpen).toBeLessThan(2);
    for (let i = 0; shared.sharedOpen < 2 && i < 500; i++) {
      await connectionId().catch(() => {});
      await pause(10);
    }
    expect(shared.sharedOpen).toBe(2);
    const after = new Set<number>();
    for (let i = 0; i < 10; i++) after.add(await connectionId());
    expect([...after].some((id) => ids.has(id))).toBe(false);
  });
});
