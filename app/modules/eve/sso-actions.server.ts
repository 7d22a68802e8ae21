/**
 * What a completed SSO round trip does, by purpose: log in (or start registration), add a
 * character to the account, or change the main character. ESI is read before the transaction.
 */
import type { Kysely } from "kysely";
import type { DB, EveCharacter, User } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { type Actor, writeAudit } from "../audit/audit.server";
import { SecretBox } from "../auth/secrets.server";
import { EsiClient } from "./esi-client.server";
import { EveProvider, findCharacter, upsertCharacter } from "./entities.server";
import { authenticateSso, changeMainCharacter } from "./ownership.server";
import type { CompletedSso } from "./sso-flow.server";
import { saveToken } from "./tokens.server";

type CharacterLoader = (characterId: number) => Promise<Parameters<typeof upsertCharacter>[1] | null>;

/** Reads the character from ESI only when we do not know it yet (as the original does). */
export function characterLoader(db: Kysely<DB>, settings: Settings): CharacterLoader {
  return async (characterId) => {
    if (await findCharacter(db, characterId)) return null;
    return new EveProvider(new EsiClient(db, settings)).character(characterId);
  };
}

async function characterRow(db: Kysely<DB>, characterId: number, fetched: Parameters<typeof upsertCharacter>[1] | null): Promise<EveCharacter> {
  if (fetched) return upsertCharacter(db, fetched);
  return (await findCharacter(db, characterId))!;
}

export type LoginOutcome = { kind: "login"; user: User } | { kind: "register"; user: User } | { kind: "refused" };

/** §3.2 `sso_login`: the token is kept only when the login goes ahead. */
export async function loginWithSso(db: Kysely<DB>, settings: Settings, sso: CompletedSso, actor: Actor, load: CharacterLoader): Promise<LoginOutcome> {
  const fetched = await load(sso.claims.characterId);
  const box = SecretBox.fromSettings(settings);
  return db.transaction().execute(async (trx) => {
    const character = await characterRow(trx as unknown as Kysely<DB>, sso.claims.characterId, fetched);
    const user = await authenticateSso(trx, sso.claims, character, actor);
    // An inactive user with an email was disabled by an admin; without one, they are mid-registration.
    if (!user || (!user.is_active && user.email)) {
      await writeAudit(trx, actor, { action: "login.refused", targetType: "character", targetId: sso.claims.characterId, after: { user_id: user?.id ?? null } });
      return { kind: "refused" as const };
    }
    await saveToken(trx, box, sso.tokens, sso.claims, character, user.id, actor);
    if (!user.is_active) return { kind: "register" as const, user };
    await trx.updateTable("users").set({ last_login: new Date() }).where("id", "=", user.id).execute();
    await writeAudit(trx, { ...actor, userId: user.id, label: user.username }, { action: "login.success", targetType: "user", targetId: user.id, after: { method: "eve-sso", character_id: sso.claims.characterId } });
    return { kind: "login" as const, user };
  });
}

/** `/account/characters/add`: the character joins the account unless another account owns it. */
export async function addCharacterWithSso(db: Kysely<DB>, settings: Settings, sso: CompletedSso, userId: number, actor: Actor, load: CharacterLoader) {
  const fetched = await load(sso.claims.characterId);
  const box = SecretBox.fromSettings(settings);
  return db.transaction().execute(async (trx) => {
    const character = await characterRow(trx as unknown as Kysely<DB>, sso.claims.characterId, fetched);
    await saveToken(trx, box, sso.tokens, sso.claims, character, userId, actor);
    const ownership = await trx
      .selectFrom("character_ownerships")
      .select("id")
      .where("character_id", "=", character.id)
      .where("user_id", "=", userId)
      .where("owner_hash", "=", sso.claims.ownerHash)
      .executeTakeFirst();
    return { added: Boolean(ownership), characterName: character.character_name };
  });
}

/** `/account/characters/main`: §3.4. */
export async function changeMainWithSso(db: Kysely<DB>, settings: Settings, sso: CompletedSso, userId: number, actor: Actor, load: CharacterLoader) {
  const fetched = await load(sso.claims.characterId);
  const box = SecretBox.fromSettings(settings);
  return db.transaction().execute(async (trx) => {
    const character = await characterRow(trx as unknown as Kysely<DB>, sso.claims.characterId, fetched);
    const result = await changeMainCharacter(trx, userId, sso.claims, character, actor);
    if (result === "changed") await saveToken(trx, box, sso.tokens, sso.claims, character, userId, actor);
    return { result, characterName: character.character_name };
  });
}
