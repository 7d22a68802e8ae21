/** db/precompiled.ts on both dialects: the same statement as Kysely's, new values each call, misuse refused. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { precompiled } from "../../db/precompiled";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";

const byName = precompiled((db, p: { name: string; after: number }) =>
  db
    .selectFrom("auth_groups as g")
    .select(["g.id", "g.name", sql<string>`${"constant"}`.as("tag")])
    .where("g.name", "=", p.name)
    .where("g.id", ">", p.after)
    .orderBy("g.id"),
);

describe.each(dialects)("precompiled queries on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    await rt.db.insertInto("auth_groups").values([{ name: "Precompiled A" }, { name: "Precompiled B" }]).execute();
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it.skipIf(skip)("sends the statement Kysely would send, with each call's values", async () => {
    const direct = rt.db
      .selectFrom("auth_groups as g")
      .select(["g.id", "g.name", sql<string>`${"constant"}`.as("tag")])
      .where("g.name", "=", "Precompiled B")
      .where("g.id", ">", 0)
      .orderBy("g.id")
      .compile();
    const ours = byName.compile(rt.db, { name: "Precompiled B", after: 0 });
    expect(ours.sql).toBe(direct.sql);
    expect(ours.parameters).toEqual(direct.parameters);

    const a = await byName.execute(rt.db, { name: "Precompiled A", after: 0 });
    const b = await byName.executeTakeFirst(rt.db, { name: "Precompiled B", after: 0 });
    expect(a.map((r) => [r.name, r.tag])).toEqual([["Precompiled A", "constant"]]);
    expect(b?.name).toBe("Precompiled B");
    expect(await byName.executeTakeFirst(rt.db, { name: "Precompiled B", after: b!.id })).toBeUndefined();
  });

  it.skipIf(skip)("runs inside a transaction and sees its writes", async () => {
    const seen = await rt.db.transaction().execute(async (trx) => {
      await trx.insertInto("auth_groups").values({ name: "Precompiled T" }).execute();
      return byName.execute(trx, { name: "Precompiled T", after: 0 });
    });
    expect(seen.map((r) => r.name)).toEqual(["Precompiled T"]);
  });

  it.skipIf(skip)("refuses a builder that branches on a value, and a list where one value goes", async () => {
    const branching = precompiled((db, p: { name: string }) => (p.name ? db.selectFrom("auth_groups").select("id") : db.selectFrom("auth_groups").select("id").where("name", "=", p.name)));
    await expect(branching.execute(rt.db, { name: "x" })).rejects.toThrow(/"name" is read by the builder but never sent/);
    const listy = precompiled((db, p: { ids: number }) => db.selectFrom("auth_groups").select("id").where("id", "=", p.ids));
    await expect(listy.execute(rt.db, { ids: [1, 2] as unknown as number })).rejects.toThrow(/"ids" is a list/);
  });
});
