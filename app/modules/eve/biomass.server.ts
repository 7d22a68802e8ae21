/**
 * Biomassed characters (deleted by their player; ESI moves them to Doomheim, corporation 1000001),
 * as the original's `EveCharacter.update_character` handles them: every token of the character is
 * deleted, its ownership goes (clearing a main and re-assessing the state, see deleteOwnership),
 * and the owner is told "Character X biomassed".
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { serverT } from "~/i18n/i18n.server";
import type { Actor } from "../audit/audit.server";
import { notifyUser } from "../notifications/notify.server";
import { DOOMHEIM_CORPORATION_ID } from "./model-update-read.server";
import { deleteOwnership } from "./ownership.server";
import { deleteToken } from "./tokens.server";

export type BiomassSettings = Pick<Settings, "LANGUAGE_CODE" | "NOTIFICATIONS_MAX_PER_USER">;

/** Cleans up every character in Doomheim that still has tokens or an ownership. Returns how many. */
export async function cleanUpBiomassed(db: Kysely<DB>, settings: BiomassSettings, actor: Actor): Promise<number> {
  const characters = await db
    .selectFrom("eve_characters as c")
    .select(["c.id", "c.character_id", "c.character_name"])
    .where("c.corporation_id", "=", DOOMHEIM_CORPORATION_ID)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("esi_tokens as t").select("t.id").whereRef("t.character_id", "=", "c.character_id")),
        eb.exists(eb.selectFrom("character_ownerships as o").select("o.id").whereRef("o.character_id", "=", "c.id")),
      ]),
    )
    .execute();
  const t = serverT(settings.LANGUAGE_CODE);
  for (const character of characters) {
    await db.transaction().execute(async (trx) => {
      const ownerships = await trx.selectFrom("character_ownerships").selectAll().where("character_id", "=", character.id).execute();
      const tokens = await trx.selectFrom("esi_tokens").select("id").where("character_id", "=", character.character_id).execute();
      for (const token of tokens) await deleteToken(trx, token.id, actor, "character biomassed");
      for (const ownership of ownerships) {
        const still = await trx.selectFrom("character_ownerships").select("id").where("id", "=", ownership.id).executeTakeFirst();
        if (still) await deleteOwnership(trx, ownership, actor, "character biomassed");
        const params = { character: character.character_name };
        await notifyUser(trx, ownership.user_id, { title: t("eve.notify.biomassed.title", params), message: t("eve.notify.biomassed.message", params), level: "danger" }, settings.NOTIFICATIONS_MAX_PER_USER);
      }
    });
  }
  return characters.length;
}
