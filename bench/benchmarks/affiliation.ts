/**
 * `eveonline.run_model_update` on 10,000 characters (≈50 corporations, 10 alliances, a third of
 * them mains), against the fake EVE over real HTTP, in this process. Runs on its own database: a
 * fresh embedded PostgreSQL in a temporary folder (or, with BENCH_DATABASE_URL, a new database on
 * that server), removed afterwards — a reaper cleans up should the harness be killed.
 *
 * Three figures: a run where nothing changed; a run after 2 % of the characters changed corporation
 * (spread over all corporations, none of them stored yet, so each is read from ESI once); and a
 * run after another 2 % moved, when the corporations and alliances are stored.
 */
import { performance } from "node:perf_hooks";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { EsiClient } from "../../app/modules/eve/esi-client.server";
import { BULK_SIZE, runModelUpdate, type ModelUpdateResult } from "../../app/modules/eve/model-update.server";
import { type FakeEve, startFakeEve } from "../../tests/fakes/eve/index";
import { ownDatabase } from "./states";
import type { Benchmark, Figure } from "../types";

const CHARACTERS = 10_000;
const CORPORATIONS = 50;
const ALLIANCES = 10;
const CHARACTERS_PER_ACCOUNT = 3;
const MOVED_SHARE = 0.02;

/**
 * The original, for the same universe: run_model_update queues one update_character_chunk task per
 * 500 characters (2 bulk calls each) plus update_corp / update_alliance per entity (1 and 2 GETs),
 * and each chunk queues update_character for every changed character (GET character + affiliation;
 * corporation and alliance mostly from django-esi's response cache).
 */
function original(changed: number) {
  const chunks = Math.ceil(CHARACTERS / 500);
  const calls = chunks * 2 + CORPORATIONS + ALLIANCES * 2 + changed * 2;
  const tasks = 1 + chunks + CORPORATIONS + ALLIANCES + changed;
  return { calls, tasks, text: `original: ${tasks} tasks, ≈${calls} ESI calls — one task per 500 characters with 2 bulk calls each, one per corporation/alliance${changed ? `, one update_character (≈2 calls) per changed character` : ""}` };
}


/** The universe in the fake, and the same characters stored as the application would have them. */
async function seed(db: Database, fake: FakeEve) {
  const now = new Date();
  for (let a = 0; a < ALLIANCES; a++) fake.addAlliance({ id: 99_100_000 + a, name: `Bench Alliance ${a}`, ticker: `BA${a}` });
  const corporations = Array.from({ length: CORPORATIONS }, (_, c) => {
    // Every fifth corporation has no alliance.
    const allianceId = c % 5 === 4 ? null : 99_100_000 + (c % ALLIANCES);
    const corp = { id: 98_100_000 + c, name: `Bench Corporation ${c}`, ticker: `BC${c}`, allianceId };
    fake.addCorporation(corp);
    return corp;
  });
  const accounts = Math.ceil(CHARACTERS / CHARACTERS_PER_ACCOUNT);
  for (let a = 0; a < accounts; a++) fake.addAccount(`bench-${a}`);
  const rows = [];
  for (let i = 0; i < CHARACTERS; i++) {
    const id = 92_000_000 + i;
    const corp = corporations[i % CORPORATIONS];
    const name = `Bench Pilot ${i}`;
    fake.addCharacter({ id, name, corporationId: corp.id, accountId: `bench-${Math.floor(i / CHARACTERS_PER_ACCOUNT)}` });
    rows.push({
      character_id: id,
      character_name: name,
      corporation_id: corp.id,
      corporation_name: corp.name,
      corporation_ticker: corp.ticker,
      alliance_id: corp.allianceId,
      alliance_name: corp.allianceId === null ? null : `Bench Alliance ${corp.allianceId - 99_100_000}`,
      alliance_ticker: corp.allianceId === null ? null : `BA${corp.allianceId - 99_100_000}`,
      faction_id: null,
      faction_name: null,
      updated_at: now,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insertInto("eve_characters").values(rows.slice(i, i + 500)).execute();
  // The first character of each account is its user's main.
  const stored = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  const users = stored
    .filter((_, i) => i % CHARACTERS_PER_ACCOUNT === 0)
    .map((c) => ({
      username: `bench_${c.character_id}`,
      email: null,
      password_hash: null,
      is_active: true,
      is_staff: false,
      is_superuser: false,
      language: null,
      theme: null,
      date_joined: now,
      last_login: null,
      main_character_id: c.id,
    }));
  for (let i = 0; i < users.length; i += 500) await db.insertInto("users").values(users.slice(i, i + 500)).execute();
  return { corporations: corporations.map((c) => c.id), mains: users.length };
}

async function measure(db: Database, fake: FakeEve): Promise<{ ms: number; result: ModelUpdateResult }> {
  const esi = new EsiClient(db, { ESI_API_URL: `${fake.esiUrl}/`, ESI_USER_CONTACT_EMAIL: "bench@example.invalid", ESI_TIMEOUT_SECONDS: 30 });
  const started = performance.now();
  const result = await runModelUpdate(db, esi);
  return { ms: performance.now() - started, result };
}

export const affiliation: Benchmark = {
  name: "affiliation",
  async run(ctx) {
    const database = await ownDatabase("affiliation", ctx.progress);
    let db: Database | undefined;
    let fake: FakeEve | undefined;
    try {
      db = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(db);
      fake = await startFakeEve({ clients: [{ clientId: "bench", clientSecret: "bench", redirectUri: "http://127.0.0.1:9/cb" }], maxRecordedRequests: 1000 });
      ctx.progress(`  storing ${CHARACTERS} characters in ${CORPORATIONS} corporations and ${ALLIANCES} alliances…`);
      const { corporations } = await seed(db, fake);

      ctx.progress("  run_model_update, nothing changed…");
      const quiet = await measure(db, fake);

      // 2 % of the characters, spread over every corporation, each move to another corporation.
      const moved = Math.round(CHARACTERS * MOVED_SHARE);
      const step = Math.floor(CHARACTERS / moved);
      const move = (offset: number) => {
        for (let k = 0; k < moved; k++) {
          const i = k * step + ((k + offset) % step);
          fake!.setCharacterCorporation(92_000_000 + i, corporations[((i % CORPORATIONS) + 7 + offset) % CORPORATIONS]);
        }
      };
      move(0);
      ctx.progress(`  run_model_update after ${moved} characters (${MOVED_SHARE * 100} %) changed corporation…`);
      const changed = await measure(db, fake);
      // Six hours later, another 2 %: the corporations and alliances are known by now.
      move(1);
      ctx.progress(`  run_model_update after another ${moved} characters changed corporation…`);
      const again = await measure(db, fake);
      for (const run of [changed, again]) {
        if (run.result.changed !== moved) throw new Error(`expected ${moved} changed characters, the update changed ${run.result.changed}`);
      }

      const figure = (name: string, run: typeof quiet, base: ReturnType<typeof original>): Figure => ({
        name,
        metrics: [
          { key: "wall", value: run.ms, unit: "ms", digits: 0 },
          { key: "esi", value: run.result.esiCalls, unit: "" },
          { key: "affiliation", value: run.result.affiliationCalls, unit: "" },
          { key: "names", value: run.result.nameCalls, unit: "" },
          { key: "changed", value: run.result.changed, unit: "" },
          { key: "mains", value: run.result.mainsChanged, unit: "" },
        ],
        baseline: base.text,
        targets: [
          {
            label: `${name}: ESI calls ≤ ¼ of the original's`,
            met: run.result.esiCalls * 4 <= base.calls,
            detail: `${run.result.esiCalls} calls in 1 task vs ≈${base.calls} calls in ${base.tasks} tasks`,
          },
        ],
        details: { characters: run.result.characters, missing: run.result.missing, skipped: run.result.skipped, bulkSize: BULK_SIZE, originalCalls: base.calls, originalTasks: base.tasks },
      });
      return [figure("affiliation", quiet, original(0)), figure("affil 2% cold", changed, original(moved)), figure("affil 2% warm", again, original(moved))];
    } finally {
      await fake?.stop().catch(() => {});
      await db?.destroy().catch(() => {});
      await database.cleanup().catch((error: Error) => ctx.progress(`  cleanup: ${error.message}`));
    }
  },
};
