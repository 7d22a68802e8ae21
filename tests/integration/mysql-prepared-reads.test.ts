/**
 * MySQL/MariaDB: plain reads go as prepared statements (db/index.server.ts, decision 0054). A read
 * is prepared once per connection and executed again from then on; writes and reads with long lists
 * of values stay text statements; a prepared read gives the same rows, of the same JavaScript types
 * (BOOLEAN columns as booleans), as the same text statement; a server that refuses to prepare gets
 * the read as text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Transaction } from "kysely";
import { inIds } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { mysqlAvailable, createTestRuntime, dialects, type TestRuntime } from "../support/db";

const mysql = dialects.find((d) => d.dialect === "mysql")!;

/** The connection's own counters (SHOW is not a plain read: it never goes prepared itself). */
async function counters(trx: Transaction<DB>) {
  const { rows } = await sql<{ Variable_name: string; Value: string }>`show session status where variable_name in ('Com_stmt_prepare', 'Com_stmt_execute')`.execute(trx);
  const of = (name: string) => Number(rows.find((r) => r.Variable_name.toLowerCase() === name.toLowerCase())?.Value ?? Number.NaN);
  return { prepared: of("Com_stmt_prepare"), executed: of("Com_stmt_execute") };
}

describe.skipIf(mysql.skip || !mysqlAvailable)("prepared reads on MySQL/MariaDB", () => {
  let rt: TestRuntime;
  let userId: number;
  beforeAll(async () => {
    rt = await createTestRuntime("mysql");
    const joined = new Date("2026-03-04T05:06:07.000Z");
    await rt.db.insertInto("users").values({ username: "prepared_reader", email: "reader@example.org", is_active: true, is_staff: false, is_superuser: false, date_joined: joined, language: "de", theme: "dark", password_hash: null }).execute();
    userId = (await rt.db.selectFrom("users").select("id").where("username", "=", "prepared_reader").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it("prepares a read once per connection and executes it each time; writes stay text statements", async () => {
    await rt.db.transaction().execute(async (trx) => {
      const before = await counters(trx);
      for (let i = 0; i < 3; i++) {
        const row = await trx.selectFrom("users").select(["id", "username"]).where("id", "=", userId).where("is_active", "=", true).executeTakeFirst();
        expect(row).toEqual({ id: userId, username: "prepared_reader" });
      }
      await trx.updateTable("users").set({ theme: "light" }).where("id", "=", userId).execute();
      const after = await counters(trx);
      expect(after.prepared - before.prepared).toBe(1);
      expect(after.executed - before.executed).toBe(3);
    });
  });

  it("gives the same rows and types as the text statement: dates, booleans, counts, nulls, JSON text", async () => {
    const since = new Date("2026-01-01T00:00:00.000Z");
    const read = (prefix: "" | "/* text */ ") =>
      sql<Record<string, unknown>>`${sql.raw(prefix)}select u.id, u.username, u.date_joined, u.is_active, u.is_superuser, u.last_login,
        (select count(*) from users) as user_count, json_arrayagg(u.language) as languages, ${"a 'quoted' value"} as echoed, ${null} as nothing
        from users u where u.id = ${userId} and u.date_joined > ${since} and u.is_active = ${true} group by u.id limit ${5}`.execute(rt.db);
    const prepared = (await read("")).rows;
    const text = (await read("/* text */ ")).rows;
    expect(prepared).toEqual(text);
    expect(prepared).toHaveLength(1);
    const row = prepared[0]!;
    expect(row.date_joined).toEqual(new Date("2026-03-04T05:06:07.000Z"));
    expect(row.is_active).toBe(true);
    expect(row.is_superuser).toBe(false);
    expect(typeof row.user_count).toBe("number");
    expect(row.echoed).toBe("a 'quoted' value");
    expect(row.nothing).toBeNull();
  });

  it("keeps a read with a long list of values (its text varies with the list's length) a text statement", async () => {
    await rt.db.transaction().execute(async (trx) => {
      const before = await counters(trx);
      const ids = Array.from({ length: 100 }, (_, i) => userId + i);
      const rows = await trx.selectFrom("users").select(["id", "is_active", "is_staff"]).where(inIds(trx, "id", ids)).execute();
      // Booleans read as booleans in text statements too.
      expect(rows).toEqual([{ id: userId, is_active: true, is_staff: false }]);
      const after = await counters(trx);
      expect(after.prepared - before.prepared).toBe(0);
      expect(after.executed - before.executed).toBe(0);
    });
  });

  // Last: the connection that met the refusal sends text for a while.
  it("runs a read as text when the server refuses to prepare it (max_prepared_stmt_count reached)", async () => {
    const limit = Number((await sql<{ n: number }>`select @@global.max_prepared_stmt_count as n`.execute(rt.db)).rows[0]!.n);
    try {
      await sql`set global max_prepared_stmt_count = 0`.execute(rt.db);
      // A text no connection prepared before: preparing it fails, the read still answers.
      const row = await rt.db.selectFrom("users").select(["username", "is_active"]).where("username", "=", "prepared_reader").where("id", ">", -1).executeTakeFirst();
      expect(row).toEqual({ username: "prepared_reader", is_active: true });
    } finally {
      await sql`set global max_prepared_stmt_count = ${sql.lit(limit)}`.execute(rt.db);
    }
  });
});
