/** Issue 12 item 13: a demo site's first run maps the demo alliances to Member and Blue, once, audited; never on a site with users. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoStatesOnFirstRun } from "~/modules/eve/demo.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve } from "../support/eve";
import { DEMO, type FakeEve } from "../fakes/eve/index";
import { makeUser } from "../support/factories";

describe.each(dialects)("demo states on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeEve;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    fake = await attachFakeEve(rt);
  });
  afterAll(async () => {
    await fake?.stop();
    await rt?.stop();
  });

  const alliancesOf = async (state: string) =>
    (
      await rt.db
        .selectFrom("state_member_alliances as m")
        .innerJoin("states as s", "s.id", "m.state_id")
        .innerJoin("eve_alliances as a", "a.alliance_id", "m.alliance_id")
        .select(["m.alliance_id", "a.alliance_name"])
        .where("s.name", "=", state)
        .execute()
    ).map((r) => `${r.alliance_id} ${r.alliance_name}`);

  it.skipIf(skip)("switched off, nothing is seeded", async () => {
    expect(await seedDemoStatesOnFirstRun(rt.db, { ...rt.settings, DEMO_SEED_STATES: false })).toEqual([]);
    expect(await alliancesOf("Member")).toEqual([]);
  });

  it.skipIf(skip)("the first run puts Silent Meridian into Member and Ashen Covenant into Blue, read from ESI and audited; a second run changes nothing", async () => {
    expect(await seedDemoStatesOnFirstRun(rt.db, rt.settings)).toEqual(["Member", "Blue"]);
    expect(await alliancesOf("Member")).toEqual([`${DEMO.alliances.meridian} Silent Meridian`]);
    expect(await alliancesOf("Blue")).toEqual([`${DEMO.alliances.covenant} Ashen Covenant`]);
    const audit = await rt.db.selectFrom("audit_log").select("actor").where("target_type", "=", "state").execute();
    expect(audit.map((a) => a.actor)).toEqual(["system:demo-seed", "system:demo-seed"]);
    expect(await seedDemoStatesOnFirstRun(rt.db, rt.settings)).toEqual([]);
  });

  it.skipIf(skip)("a site with a user is never touched", async () => {
    await rt.db.deleteFrom("state_member_alliances").execute();
    await makeUser(rt.db, {});
    expect(await seedDemoStatesOnFirstRun(rt.db, rt.settings)).toEqual([]);
    expect(await alliancesOf("Member")).toEqual([]);
  });
});
