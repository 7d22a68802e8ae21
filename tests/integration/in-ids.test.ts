/**
 * db/dialect.ts `inIds` on both dialects: the same rows as a plain `in` list, in SELECT, INSERT …
 * SELECT, UPDATE and DELETE, for an empty list, a short one and one past the MySQL list limit
 * (json_table), duplicates included; one statement whatever the length; planned with its values
 * on PostgreSQL (no kept plan); non-integer keys refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { inIds } from "../../db/dialect";
import { createDb } from "../../db/index.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";

const GROUPS = 2500;

describe.each(dialects)("inIds on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let ids: number[] = [];
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    for (let i = 0; i < GROUPS; i += 500) {
      await rt.db
        .insertInto("auth_groups")
        .values(Array.from({ length: Math.min(500, GROUPS - i) }, (_, k) => ({ name: `InIds ${String(i + k).padStart(5, "0")}` })))
        .execute();
    }
    ids = (await rt.db.selectFrom("auth_groups").select("id").where("name", "like", "InIds %").orderBy("id").execute()).map((g) => g.id);
  });
  afterAll(async () => {
    await rt?.stop();
  });

  const selected = async (list: number[]) => (await rt.db.selectFrom("auth_groups").select("id").where(inIds(rt.db, "id", list)).orderBy("id").execute()).map((g) => g.id);

  it.skipIf(skip)("selects exactly the listed rows: none, a few, and more than a plain list holds", async () => {
    expect(await selected([])).toEqual([]);
    const few = [ids[3]!, ids[1]!, ids[3]!, 2_000_000_000];
    expect(await selected(few)).toEqual([ids[1], ids[3]]);
    // Every other id, past 1,000 (MySQL's plain-list limit in inIds), with a duplicate and a stranger.
    const many = ids.filter((_, i) => i % 2 === 0);
    expect(many.length).toBeGreaterThan(1000);
    expect(await selected([...many, many[0]!, 2_000_000_000])).toEqual(many);
  });

  it.skipIf(skip)("updates, copies and deletes the listed rows only, in one statement each", async () => {
    const many = ids.filter((_, i) => i % 3 === 0);
    const statements: string[] = [];
    const counted = rt.db.withPlugin({
      transformQuery: (args) => {
        statements.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    await counted.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("auth_groups")
        .set({ name: sql<string>`concat(${sql.lit("Renamed ")}, name)` })
        .where(inIds(trx, "id", many))
        .executeTakeFirst();
      expect(Number(updated.numUpdatedRows)).toBe(many.length);
      await trx
        .insertInto("group_settings")
        .columns(["group_id", "internal", "hidden", "open", "public", "restricted", "description"])
        .expression((eb) =>
          eb
            .selectFrom("auth_groups as g")
            .select(["g.id", eb.val(false).as("internal"), eb.val(false).as("hidden"), eb.val(false).as("open"), eb.val(true).as("public"), eb.val(false).as("restricted"), eb.val("").as("description")])
            .where(inIds(trx, "g.id", many)),
        )
        .execute();
      const copied = await trx.selectFrom("group_settings").select("group_id").where("public", "=", true).where(inIds(trx, "group_id", ids)).execute();
      expect(copied.map((c) => c.group_id).sort((a, b) => a - b)).toEqual(many);
      const deleted = await trx.deleteFrom("group_settings").where(inIds(trx, "group_id", many)).executeTakeFirst();
      expect(Number(deleted.numDeletedRows)).toBe(many.length);
    });
    expect(statements.filter((kind) => kind !== "RawNode")).toEqual(["UpdateQueryNode", "InsertQueryNode", "SelectQueryNode", "DeleteQueryNode"]);
    const renamed = await rt.db.selectFrom("auth_groups").select("id").where("name", "like", "Renamed InIds %").orderBy("id").execute();
    expect(renamed.map((g) => g.id)).toEqual(many);
    // The rest kept their names.
    expect(await rt.db.selectFrom("auth_groups").select("id").where("name", "like", "InIds %").execute()).toHaveLength(ids.length - many.length);
  });

  // PostgreSQL only: it names the statements it keeps (MySQL's text protocol keeps none).
  if (dialect === "postgres")
    it.skipIf(skip)("is planned with its values each time: PostgreSQL keeps no named plan for it, as it does for other reads", async () => {
    const one = createDb(rt.url, { poolSize: 1 });
    try {
      // In a transaction: one session throughout (plain reads outside one may go to a shared connection).
      const kept = await one.transaction().execute(async (trx) => {
        await trx.selectFrom("auth_groups").select("id").where("name", "=", "InIds 00001").execute();
        await trx.selectFrom("auth_groups").select("id").where(inIds(trx, "id", ids.slice(0, 3))).execute();
        return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.map((r) => r.statement);
      });
      expect(kept.some((text) => text.includes('"name" = $1'))).toBe(true);
      expect(kept.some((text) => text.includes("any(cast("))).toBe(false);
    } finally {
      await one.destroy();
    }
  });

  it.skipIf(skip)("refuses what is not an integer key before anything is sent", () => {
    for (const bad of [1.5, Number.NaN, 2 ** 31, -(2 ** 31) - 1, "1" as unknown as number]) {
      expect(() => inIds(rt.db, "id", [1, bad])).toThrow(/not an integer key/);
    }
  });
});
