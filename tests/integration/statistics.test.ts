/**
 * db/dialect.ts `refreshStatistics` on both dialects: after a bulk insert the planner's statistics
 * describe the filled table (PostgreSQL's row estimate, InnoDB's persistent statistics), for named
 * tables and for the whole database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { refreshStatistics } from "../../db/dialect";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";

const GROUPS = 3000;

describe.each(dialects)("refreshStatistics on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
  });
  afterAll(async () => {
    await rt?.stop();
  });

  const fill = async (prefix: string) => {
    for (let i = 0; i < GROUPS; i += 1000) {
      await rt.db
        .insertInto("auth_groups")
        .values(Array.from({ length: 1000 }, (_, k) => ({ name: `${prefix} ${i + k}` })))
        .execute();
    }
  };

  /** PostgreSQL: the planner's row estimate of auth_groups (-1 or 0 before any analyze). */
  const pgEstimate = async () => {
    const { rows } = await sql<{ n: number }>`select reltuples::int as n from pg_class where oid = 'auth_groups'::regclass`.execute(rt.db);
    return Number(rows[0]!.n);
  };
  /** MySQL/MariaDB: InnoDB's stored row estimate of auth_groups. */
  const innodbRows = async () => {
    const { rows } = await sql<{ n: number }>`select n_rows as n from mysql.innodb_table_stats where database_name = database() and table_name = 'auth_groups'`.execute(rt.db);
    return Number(rows[0]?.n ?? 0);
  };

  it.skipIf(skip)("describes a freshly filled table, named or as part of the whole database", async () => {
    if (dialect === "postgres") {
      await fill("Stats A");
      expect(await pgEstimate()).toBeLessThan(GROUPS);
      await refreshStatistics(rt.db, ["auth_groups"]);
      expect(await pgEstimate()).toBeGreaterThanOrEqual(GROUPS);
      await fill("Stats B");
      await refreshStatistics(rt.db);
      expect(await pgEstimate()).toBeGreaterThanOrEqual(2 * GROUPS);
      return;
    }
    // InnoDB recalculates a table's statistics in the background after many changes, when it gets to
    // it: off for this table, so only refreshStatistics can bring the estimate up to date.
    await sql`alter table auth_groups stats_auto_recalc = 0`.execute(rt.db);
    await fill("Stats A");
    expect(await innodbRows()).toBeLessThan(GROUPS);
    await refreshStatistics(rt.db, ["auth_groups"]);
    expect(await innodbRows()).toBeGreaterThanOrEqual(GROUPS);
    await fill("Stats B");
    expect(await innodbRows()).toBeLessThan(2 * GROUPS);
    await refreshStatistics(rt.db);
    expect(await innodbRows()).toBeGreaterThanOrEqual(2 * GROUPS);
  });
});
