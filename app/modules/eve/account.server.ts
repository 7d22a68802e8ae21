/** The member's own characters and tokens (account pages). */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { precompiled } from "../../../db/precompiled";
import type { Actor } from "../audit/audit.server";
import { deleteOwnership } from "./ownership.server";
import { deleteToken, listUserTokens } from "./tokens.server";

/** The user's characters by name, each marked whether it is their main (one query). */
export async function accountCharacters(db: Kysely<DB>, userId: number) {
  const rows = await characterRows.execute(db, { userId });
  return rows.map(({ owner_main_id, ...c }) => ({ ...c, isMain: c.id === owner_main_id }));
}

/** The dashboard's statement, compiled once (db/precompiled.ts). */
const characterRows = precompiled((db, p: { userId: number }) =>
  db
    .selectFrom("character_ownerships as o")
    .innerJoin("eve_characters as c", "c.id", "o.character_id")
    .innerJoin("users as u", "u.id", "o.user_id")
    // Named columns, not c.*: PostgreSQL then keeps this read's plan (dashboard; decision 0044).
    .select(["c.id", "c.character_id", "c.character_name", "c.corporation_id", "c.corporation_name", "c.corporation_ticker", "c.alliance_id", "c.alliance_name", "c.alliance_ticker", "c.faction_id", "c.faction_name", "c.updated_at"])
    .select("u.main_character_id as owner_main_id")
    .where("o.user_id", "=", p.userId)
    .orderBy("c.character_name"),
);

export async function accountTokens(db: Kysely<DB>, userId: number) {
  const tokens = await listUserTokens(db, userId);
  return tokens.map(({ refresh_token, ...t }) => ({ ...t, scopes: t.scopes ? t.scopes.split(" ") : [], refreshable: refresh_token !== null }));
}

export type RemoveOutcome = "removed" | "is-main" | "not-owned";

/** Removes a character from the account: its tokens of this user, then its ownership. Not the main. */
export async function removeCharacter(db: Kysely<DB>, userId: number, characterId: number, actor: Actor): Promise<RemoveOutcome> {
  return db.transaction().execute(async (trx) => {
    const ownership = await trx
      .selectFrom("character_ownerships as o")
      .innerJoin("eve_characters as c", "c.id", "o.character_id")
      .select(["o.id", "o.character_id", "o.user_id", "o.owner_hash", "c.character_id as eve_id"])
      .where("c.character_id", "=", characterId)
      .where("o.user_id", "=", userId)
      .executeTakeFirst();
    if (!ownership) return "not-owned";
    const user = await trx.selectFrom("users").select("main_character_id").where("id", "=", userId).executeTakeFirstOrThrow();
    if (user.main_character_id === ownership.character_id) return "is-main";
    const tokens = await trx.selectFrom("esi_tokens").select("id").where("user_id", "=", userId).where("character_id", "=", characterId).execute();
    for (const token of tokens) await deleteToken(trx, token.id, actor, "character removed by the member", { endSessions: false });
    const still = await trx.selectFrom("character_ownerships").select(["id", "character_id", "user_id", "owner_hash"]).where("id", "=", ownership.id).executeTakeFirst();
    if (still) await deleteOwnership(trx, still, actor, "character removed by the member", { endSessions: false });
    return "removed";
  });
}
