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
  /** MySQL/MariaDB: when InnoDB last stored the statistics of auth_groups. */
  const innodbUpdated = async () => {
    const { rows } = await sql<{ t: Date }>`select last_update as t from mysql.innodb_table_stats where database_name = database() and table_name = 'auth_groups'`.execute(rt.db);
    return new Date(rows[0]!.t).getTime();
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    await fill("Stats A");
    // InnoDB's timestamps have whole seconds, and its own recalculation follows a bulk insert at once.
    await wait(1100);
    const before = await innodbUpdated();
    await refreshStatistics(rt.db, ["auth_groups"]);
    const named = await innodbUpdated();
    expect(named).toBeGreaterThan(before);
    await wait(1100);
    await refreshStatistics(rt.db);
    expect(await innodbUpdated()).toBeGreaterThan(named);
  });
});
