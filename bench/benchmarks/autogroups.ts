/**
 * Auto groups at scale, in this process, on a database of its own (see states.ts): 10,000 users
 * in the Member state, their mains spread over 200 corporations, 180 of them in 20 alliances. One
 * config gives corporation and alliance groups to Member. Timed: the first pass (every group
 * created, every membership added) and, after 1,000 mains moved to another corporation and
 * alliance, the pass the affiliation refresh triggers for those users. A Kysely plugin counts the
 * statements (BEGIN/COMMIT aside).
 */
import { performance } from "node:perf_hooks";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { syncAutogroups } from "../../app/apps/autogroups/sync.server";
import { systemActor } from "../../app/modules/audit/audit.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import type { Benchmark, Figure } from "../types";
import { insertChunked, ownDatabase, QueryCounter, useBenchSettings } from "./states";

const USERS = 10_000;
const CORPORATIONS = 200;
const ALLIANCES = 20;
/** Corporations 0–179 are in alliances (9 each); 180–199 are in none. */
const IN_ALLIANCES = 180;
const MOVED = 1_000;
const CORP_BASE = 98_400_000;
const ALLIANCE_BASE = 99_400_000;

const allianceOf = (c: number) => (c < IN_ALLIANCES ? ALLIANCE_BASE + (c % ALLIANCES) : null);
const affiliation = (c: number) => {
  const alliance = allianceOf(c);
  return {
    corporation_id: CORP_BASE + c,
    corporation_name: `Auto Corp ${c}`,
    corporation_ticker: `AC${c}`,
    alliance_id: alliance,
    alliance_name: alliance ? `Auto Alliance ${alliance - ALLIANCE_BASE}` : null,
    alliance_ticker: alliance ? `AA${alliance - ALLIANCE_BASE}` : null,
  };
};

async function seed(db: Database) {
  const now = new Date();
  await insertChunked(db, "eve_alliances", Array.from({ length: ALLIANCES }, (_, a) => ({ alliance_id: ALLIANCE_BASE + a, alliance_name: `Auto Alliance ${a}`, alliance_ticker: `AA${a}`, executor_corp_id: null, updated_at: now })));
  await insertChunked(db, "eve_corporations", Array.from({ length: CORPORATIONS }, (_, c) => ({ ...affiliation(c), member_count: USERS / CORPORATIONS, ceo_id: null, faction_id: null, updated_at: now })).map(({ alliance_name: _n, alliance_ticker: _t, ...row }) => row));
  await insertChunked(db, "eve_characters", Array.from({ length: USERS }, (_, i) => ({ character_id: 95_000_000 + i, character_name: `Auto Pilot ${i}`, ...affiliation(i % CORPORATIONS), faction_id: null, faction_name: null, updated_at: now })));
  const member = (await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
  await insertChunked(db, "state_member_corporations", Array.from({ length: CORPORATIONS }, (_, c) => ({ state_id: member, corporation_id: CORP_BASE + c })));
  const characters = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(
    db,
    "users",
    characters.map((c) => ({ username: `auto_${c.character_id}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: member })),
  );
  await db.insertInto("autogroups_configs").values({ corp_groups: true, corp_group_prefix: "Corp ", corp_name_source: "name", alliance_groups: true, alliance_group_prefix: "Alliance ", alliance_name_source: "ticker", replace_spaces: false, replace_spaces_with: "" }).execute();
  const config = (await db.selectFrom("autogroups_configs").select("id").executeTakeFirstOrThrow()).id;
  await db.insertInto("autogroups_config_states").values({ config_id: config, state_id: member }).execute();
}

export const autogroups: Benchmark = {
  name: "autogroups",
  async run(ctx) {
    const database = await ownDatabase("autogroups", ctx.progress);
    const counter = new QueryCounter();
    let base: Database | undefined;
    try {
      useBenchSettings();
      base = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(base);
      await syncPermissionCatalogue(base);
      ctx.progress(`  storing ${USERS} users in ${CORPORATIONS} corporations and ${ALLIANCES} alliances…`);
      await seed(base);
      const db = base.withPlugin(counter);
      const actor = systemActor("bench");
      const timed = async (scope: number[] | "all") => {
        counter.count = 0;
        const started = performance.now();
        const result = await db.transaction().execute((trx) => syncAutogroups(trx, scope, actor, "bench"));
        return { ms: performance.now() - started, statements: counter.count, ...result };
      };
      ctx.progress("  first pass: every group and membership…");
      const first = await timed("all");
      // 1,000 mains move to the next corporation (and its alliance), as an affiliation refresh would write them.
      const moved = await base.selectFrom("users as u").innerJoin("eve_characters as c", "c.id", "u.main_character_id").select(["u.id", "c.id as characterId", "c.corporation_id"]).orderBy("u.id").limit(MOVED).execute();
      for (const row of moved) {
        const next = (row.corporation_id - CORP_BASE + 1) % CORPORATIONS;
        await base.updateTable("eve_characters").set(affiliation(next)).where("id", "=", row.characterId).execute();
      }
      ctx.progress(`  moving ${MOVED} mains to another corporation…`);
      const move = await timed(moved.map((m) => m.id));
      if (first.added < USERS) throw new Error(`expected at least ${USERS} memberships, got ${first.added}`);
      const figure = (name: string, run: typeof first, what: string): Figure => ({
        name,
        metrics: [
          { key: "wall", value: run.ms, unit: "ms", digits: 0 },
          { key: "statements", value: run.statements, unit: "" },
          { key: "groups", value: run.groupsCreated, unit: "" },
          { key: "added", value: run.added, unit: "" },
          { key: "removed", value: run.removed, unit: "" },
        ],
        baseline: "original: one update_groups_for_user per user, each a handful of queries per config (≈ 10 queries × 10,000 users)",
        details: { users: USERS, corporations: CORPORATIONS, alliances: ALLIANCES, what },
      });
      return [figure("autogroups", first, `${USERS} users, ${CORPORATIONS} corporations, ${ALLIANCES} alliances: first assignment`), figure("autogroups move", move, `${MOVED} mains moved`)];
    } finally {
      await base?.destroy();
      await database.cleanup();
    }
  },
};
