/** A user's main character with its corporation (the original's `profile.main_character`). */
import type { Kysely } from "kysely";
import type { DB, EveCharacter } from "../../../db/schema";

export type MainCharacter = Pick<EveCharacter, "id" | "character_id" | "character_name" | "corporation_id" | "corporation_name">;

/** The user's main character, or null when they have none. */
export async function mainCharacterOf(db: Kysely<DB>, userId: number): Promise<MainCharacter | null> {
  const row = await db
    .selectFrom("users as u")
    .innerJoin("eve_characters as c", "c.id", "u.main_character_id")
    .select(["c.id", "c.character_id", "c.character_name", "c.corporation_id", "c.corporation_name"])
    .where("u.id", "=", userId)
    .executeTakeFirst();
  return row ? { ...row, character_id: Number(row.character_id), corporation_id: Number(row.corporation_id) } : null;
}
