/** Users with a main character in a given corporation, signed in, for the operations apps' tests. */
import type { TestRuntime } from "./db";
import { makeUser } from "./factories";
import { grant, signedIn } from "./sessions";

let n = 0;

export const CORP_A = { corporation_id: 98_100_001, corporation_name: "Alpha Industries", corporation_ticker: "ALPHA" };
export const CORP_B = { corporation_id: 98_100_002, corporation_name: "Bravo Holdings", corporation_ticker: "BRAVO" };

/** A character row (not owned by anyone until `pilot` links it). */
export async function makeCharacter(rt: TestRuntime, corp = CORP_A, characterId = 95_000_000 + ++n, name = `Pilot ${characterId}`) {
  await rt.db
    .insertInto("eve_characters")
    .values({ character_id: characterId, character_name: name, ...corp, alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
    .execute();
  return rt.db.selectFrom("eve_characters").selectAll().where("character_id", "=", characterId).executeTakeFirstOrThrow();
}

/** A user whose main is a new character of `corp` (or none), holding `permissions`, signed in. */
export async function pilot(rt: TestRuntime, origin: string, options: { corp?: typeof CORP_A | null; permissions?: string[]; characterId?: number; name?: string } = {}) {
  const user = await makeUser(rt.db);
  let character = null;
  if (options.corp !== null) {
    character = await makeCharacter(rt, options.corp ?? CORP_A, options.characterId, options.name);
    await rt.db.insertInto("character_ownerships").values({ character_id: character.id, owner_hash: `hash-${character.character_id}`, user_id: user.id }).execute();
    await rt.db.updateTable("users").set({ main_character_id: character.id }).where("id", "=", user.id).execute();
  }
  await grant(rt.db, user.id, ...(options.permissions ?? []));
  const session = await signedIn(rt, origin, user);
  return { user, character, ...session };
}

/** A page's HTML. */
export async function html(response: Response | Promise<Response>) {
  return (await response).text();
}
