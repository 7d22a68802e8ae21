/**
 * Migration 0031 on PostgreSQL: a state change rewrites users' rows without touching an index of
 * `users` (heap-only tuple updates), even when it changes every member at once, twice in a row.
 * PostgreSQL counts them per transaction (pg_stat_get_xact_tuples_*), read inside the transaction
 * that made them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { systemActor } from "~/modules/audit/audit.server";
import { upsertCorporation } from "~/modules/eve/entities.server";
import { guestStateId, reevaluateStates } from "~/modules/states/evaluate.server";
import { createTestRuntime, type TestRuntime } from "../support/db";

const USERS = 400;
const CORP_A = 98200001;
const CORP_B = 98200002;
const NO_ALLIANCE_OR_FACTION = { alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null };

describe("users rows on PostgreSQL", () => {
  let rt: TestRuntime;
  let member: number;

  beforeAll(async () => {
    rt = await createTestRuntime("postgres");
    const now = new Date();
    for (const [corporation_id, name] of [[CORP_A, "Hot Alpha"], [CORP_B, "Hot Beta"]] as const) {
      await upsertCorporation(rt.db, { corporation_id, corporation_name: name, corporation_ticker: name.slice(4, 8).toUpperCase(), member_count: USERS / 2, ceo_id: null, alliance_id: null, faction_id: null });
    }
    await rt.db
      .insertInto("eve_characters")
      .values(
        Array.from({ length: USERS }, (_, i) => ({
          ...NO_ALLIANCE_OR_FACTION,
          character_id: 94_000_000 + i,
          character_name: `Hot Pilot ${i}`,
          corporation_id: i % 2 ? CORP_B : CORP_A,
          corporation_name: i % 2 ? "Hot Beta" : "Hot Alpha",
          corporation_ticker: i % 2 ? "BETA" : "ALPH",
          updated_at: now,
        })),
      )
      .execute();
    const characters = await rt.db.selectFrom("eve_characters").select("id").where("character_name", "like", "Hot Pilot %").execute();
    const guest = await guestStateId(rt.db);
    await rt.db
      .insertInto("users")
      .values(characters.map((c, i) => ({ username: `hot_${i}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: guest })))
      .execute();
    member = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => rt?.stop());

  /** Member lists `corporation` only; the re-evaluation runs; what PostgreSQL counted for `users` in that transaction. */
  async function memberCorporation(corporation: number) {
    return rt.db.transaction().execute(async (trx: Transaction<DB>) => {
      // The backend's counts not yet reported may include earlier transactions': the difference is this one's.
      const counted = async () => {
        const { rows } = await sql<{ updated: string; hot: string }>`select pg_stat_get_xact_tuples_updated('users'::regclass) as updated, pg_stat_get_xact_tuples_hot_updated('users'::regclass) as hot`.execute(trx);
        return { updated: Number(rows[0]!.updated), hot: Number(rows[0]!.hot) };
      };
      const before = await counted();
      await trx.deleteFrom("state_member_corporations").where("state_id", "=", member).execute();
      await trx.insertInto("state_member_corporations").values({ state_id: member, corporation_id: corporation }).execute();
      const changes = await reevaluateStates(trx, { actor: systemActor("test"), reason: "hot update test" });
      const after = await counted();
      return { changed: changes.length, updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
  }

  it("changes members' states without writing an index entry, every member at once and again", async () => {
    const first = await memberCorporation(CORP_A); // half become Member
    expect(first.changed).toBe(USERS / 2);
    expect(first.updated).toBe(USERS / 2);
    expect(first.hot).toBe(first.updated);

    const second = await memberCorporation(CORP_B); // every member changes
    expect(second.changed).toBe(USERS);
    expect(second.updated).toBe(USERS);
    expect(second.hot).toBe(second.updated);

    // The third finds the second's old row versions on the pages, and room where PostgreSQL has
    // pruned them as it read the page: nearly all (97% here), not necessarily all.
    const third = await memberCorporation(CORP_A);
    expect(third.changed).toBe(USERS);
    expect(third.updated).toBe(USERS);
    expect(third.hot).toBeGreaterThanOrEqual(0.9 * third.updated);
  });

  it("keeps no index on users.state_id and fills users' pages to half", async () => {
    const indexes = await sql<{ indexdef: string }>`select indexdef from pg_indexes where tablename = 'users'`.execute(rt.db);
    expect(indexes.rows.some((r) => /\(state_id\)/.test(r.indexdef))).toBe(false);
    const options = await sql<{ reloptions: string[] | null }>`select reloptions from pg_class where oid = 'users'::regclass`.execute(rt.db);
    expect(options.rows[0]!.reloptions).toContain("fillfactor=50");
  });
});
