/**
 * Corp stats: one update of a 10,000-member corporation, against the fake EVE over real HTTP, in
 * this process, on a database of its own (see states.ts). Two figures: the first update (every
 * member new) and one after 2 % of the members left and as many joined. Each prints the wall time,
 * the ESI calls and the SQL statements (a Kysely plugin counts them, the ESI error-budget reads and
 * writes included).
 */
import { performance } from "node:perf_hooks";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { systemActor } from "../../app/modules/audit/audit.server";
import { SecretBox } from "../../app/modules/auth/secrets.server";
import { EsiClient } from "../../app/modules/eve/esi-client.server";
import { updateCorpStats } from "../../app/apps/corputils/corpstats.server";
import { MEMBERSHIP_SCOPE } from "../../app/apps/corputils/permissions";
import { insertReturningId } from "../../db/dialect";
import { type FakeEve, startFakeEve } from "../../tests/fakes/eve/index";
import { insertChunked, ownDatabase, QueryCounter, useBenchSettings } from "./states";
import type { Benchmark, Figure } from "../types";

const MEMBERS = 10_000;
const CHURN = 200;
const CORP_ID = 98_600_000;
const FIRST_CHARACTER = 96_000_000;

/**
 * The original's CorpStats.update() for the same corporation: GET the character, GET the members,
 * POST /universe/names per 255 ids; then one `exists()` query per member, a bulk insert of the new
 * ones, a delete of the departed and the save.
 */
function original() {
  const calls = 2 + Math.ceil(MEMBERS / 255);
  const queries = MEMBERS + 3;
  return `original: ${calls} ESI calls (names in batches of 255), ≈${queries.toLocaleString("en")} queries (one exists() per member)`;
}

export const corpstats: Benchmark = {
  name: "corpstats",
  async run(ctx) {
    const database = await ownDatabase("corpstats", ctx.progress);
    let base: Database | undefined;
    let fake: FakeEve | undefined;
    try {
      fake = await startFakeEve({ clients: [{ clientId: "bench", clientSecret: "bench", redirectUri: "http://127.0.0.1:9/cb" }], maxRecordedRequests: 100 });
      const settings = useBenchSettings({ ESI_API_URL: `${fake.esiUrl}/`, ESI_USER_CONTACT_EMAIL: "bench@example.invalid" });
      base = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(base);
      ctx.progress(`  a corporation of ${MEMBERS.toLocaleString("en")} members in the fake EVE…`);
      fake.addCorporation({ id: CORP_ID, name: "Bench Stats Corporation", ticker: "BSC" });
      fake.addAccount("bench-stats");
      for (let i = 0; i < MEMBERS; i++) fake.addCharacter({ id: FIRST_CHARACTER + i, name: `Stats Pilot ${i}`, corporationId: CORP_ID, accountId: "bench-stats" });
      const now = new Date();
      await insertChunked(base, "eve_corporations", [{ corporation_id: CORP_ID, corporation_name: "Bench Stats Corporation", corporation_ticker: "BSC", member_count: MEMBERS, ceo_id: null, alliance_id: null, faction_id: null, updated_at: now }]);
      // The director's token, fresh (no refresh needed): a real access token of the fake, sealed as stored tokens are.
      const box = SecretBox.fromSettings(settings);
      const tokenId = await insertReturningId(base, "esi_tokens", {
        user_id: null,
        character_id: FIRST_CHARACTER,
        character_name: "Stats Pilot 0",
        character_owner_hash: fake.ownerHash(FIRST_CHARACTER),
        token_type: "character",
        scopes: MEMBERSHIP_SCOPE,
        access_token: box.encrypt(await fake.issueAccessToken(FIRST_CHARACTER, [MEMBERSHIP_SCOPE], "bench")),
        refresh_token: null,
        key_id: box.keyId,
        created_at: now,
        refreshed_at: now,
      });
      const statsId = await insertReturningId(base, "corputils_corpstats", { corporation_id: CORP_ID, token_id: tokenId, owner_id: null, created_at: now, last_update: now });

      const counter = new QueryCounter();
      const db = base.withPlugin(counter);
      const measure = async () => {
        counter.count = 0;
        const esi = new EsiClient(db, settings);
        const started = performance.now();
        const outcome = await updateCorpStats({ db, settings }, statsId, systemActor("bench"), esi);
        const ms = performance.now() - started;
        if (outcome.kind !== "updated" || outcome.members !== MEMBERS) throw new Error(`corp stats update: expected ${MEMBERS} members, got ${JSON.stringify(outcome)}`);
        return { ms, calls: outcome.esiCalls, statements: counter.count };
      };
      ctx.progress("  first update: every member new…");
      const first = await measure();
      // 2 % leave for another corporation, as many join.
      fake.addCorporation({ id: CORP_ID + 1, name: "Elsewhere", ticker: "ELSE" });
      for (let i = 1; i <= CHURN; i++) fake.setCharacterCorporation(FIRST_CHARACTER + i, CORP_ID + 1);
      for (let i = 0; i < CHURN; i++) fake.addCharacter({ id: FIRST_CHARACTER + MEMBERS + i, name: `Recruit ${i}`, corporationId: CORP_ID, accountId: "bench-stats" });
      ctx.progress(`  second update: ${CHURN} left, ${CHURN} joined…`);
      const churn = await measure();
      const figure = (name: string, run: typeof first, what: string): Figure => ({
        name,
        metrics: [
          { key: "wall", value: run.ms, unit: "ms", digits: 0 },
          { key: "esi_calls", value: run.calls, unit: "" },
          { key: "statements", value: run.statements, unit: "" },
        ],
        baseline: original(),
        details: { members: MEMBERS, what },
      });
      return [figure("corpstats", first, `${MEMBERS} members, first update`), figure("corpstats 2%", churn, `${CHURN} left and ${CHURN} joined`)];
    } finally {
      await base?.destroy();
      await fake?.stop();
      await database.cleanup();
    }
  },
};
