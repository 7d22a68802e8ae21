/**
 * Who owns which character, following the original's rules (behaviour reference §3.2):
 * a character belongs to the account that logged in with it under the current owner hash; a new
 * owner hash (the character was sold) moves it to a new account; members log in with their main only.
 */
import type { Kysely, Transaction } from "kysely";
import { escapeLike } from "../../../db/dialect";
import type { DB, EveCharacter, User } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { deleteUserSessions } from "../auth/sessions.server";
import { servicesNeedSync } from "../services/sync.server";
import { reevaluateStates } from "../states/evaluate.server";
import { appsMembersChanged } from "~/apps/registry.server";
import type { EveTokenClaims } from "./sso.server";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * The one place where a change of main character (or of its affiliation) leaves this module:
 * states are re-evaluated for exactly these users (and through them groups and services).
 */
export async function mainCharacterChanged(db: Executor, userIds: number[], actor: Actor, reason: string) {
  if (userIds.length === 0) return;
  for (const userId of userIds) {
    await writeAudit(db, actor, { action: "user.main_character_changed", targetType: "user", targetId: userId, reason });
  }
  const changes = await reevaluateStates(db, { userIds, actor, reason });
  // Apps that follow the main's affiliation (auto groups); those whose state changed were told already.
  const told = new Set(changes.map((c) => c.userId));
  await appsMembersChanged(db, userIds.filter((id) => !told.has(id)), actor);
  // Names on the services follow the main (nickname, corp ticker), even when the state stays.
  await servicesNeedSync(db, userIds, "main character changed");
}

async function findUser(db: Executor, id: number) {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** Deletes an ownership: the user's sessions end, and they lose their main if it was this character. */
export async function deleteOwnership(
  db: Executor,
  ownership: { id: number; character_id: number; user_id: number; owner_hash: string },
  actor: Actor,
  reason: string,
  options: { endSessions?: boolean; transferred?: boolean } = {},
) {
  await db.deleteFrom("character_ownerships").where("id", "=", ownership.id).execute();
  const character = await db.selectFrom("eve_characters").select(["character_id", "character_name"]).where("id", "=", ownership.character_id).executeTakeFirst();
  if (options.transferred && character) {
    // Sold to another EVE account: the old owner's tokens of it (CCP revoked them with the sale) go too,
    // rather than lingering on their tokens page until a refresh fails.
    await db.deleteFrom("esi_tokens").where("character_id", "=", character.character_id).where("character_owner_hash", "=", ownership.owner_hash).execute();
  }
  const user = await findUser(db, ownership.user_id);
  await writeAudit(db, actor, {
    action: "ownership.delete",
    targetType: "character",
    // EVE character ids, like every other character target in the trail.
    targetId: character?.character_id ?? null,
    before: { user_id: ownership.user_id, owner_hash: ownership.owner_hash, character: character?.character_name ?? null },
    reason,
  });
  // Losing a character ends the account's sessions at once (security requirement), unless the
  // member removed it themselves.
  if (options.endSessions !== false) await deleteUserSessions(db, user.id);
  if (user.main_character_id === ownership.character_id) {
    await db.updateTable("users").set({ main_character_id: null }).where("id", "=", user.id).execute();
    await mainCharacterChanged(db, [user.id], actor, "main character lost");
  }
}

/** Creates an ownership and, unless the newest record already says so, an ownership record. */
export async function createOwnership(db: Executor, character: EveCharacter, ownerHash: string, userId: number, actor: Actor) {
  await db.insertInto("character_ownerships").values({ character_id: character.id, owner_hash: ownerHash, user_id: userId }).execute();
  const latest = await db
    .selectFrom("ownership_records")
    .select(["user_id"])
    .where("character_id", "=", character.id)
    .where("owner_hash", "=", ownerHash)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (latest?.user_id !== userId) {
    await db.insertInto("ownership_records").values({ character_id: character.id, owner_hash: ownerHash, user_id: userId, created_at: new Date() }).execute();
  }
  await writeAudit(db, actor, { action: "ownership.create", targetType: "character", targetId: character.character_id, after: { user_id: userId, character: character.character_name } });
}

async function setMain(db: Executor, userId: number, character: EveCharacter, actor: Actor, reason: string) {
  await db.updateTable("users").set({ main_character_id: character.id }).where("id", "=", userId).execute();
  await mainCharacterChanged(db, [userId], actor, reason);
}

/** The original's iterate_username: no apostrophes, spaces to `_`, `_N` suffix counted by prefix. */
export async function iterateUsername(db: Executor, characterName: string) {
  const name = characterName.replace(/'/g, "").replace(/ /g, "_").slice(0, 140);
  const pattern = `${escapeLike(name)}%`;
  const taken = await db.selectFrom("users").select("username").where("username", "like", pattern).execute();
  // LIKE may be case-insensitive (MySQL collations): keep the original's case-sensitive prefix match.
  const prefixed = new Set(taken.map((r) => r.username).filter((u) => u.startsWith(name)));
  if (prefixed.size === 0) return name;
  let n = prefixed.size;
  while (prefixed.has(`${name}_${n}`)) n++;
  return `${name}_${n}`;
}

/** A new, inactive user named after the character, owning it as their main (mid-registration). */
export async function createUserFromToken(db: Executor, claims: EveTokenClaims, character: EveCharacter, actor: Actor): Promise<User> {
  const username = await iterateUsername(db, claims.characterName);
  await db
    .insertInto("users")
    .values({
      username,
      email: null,
      password_hash: null,
      is_active: false,
      is_staff: false,
      is_superuser: false,
      language: null,
      theme: null,
      date_joined: new Date(),
      last_login: null,
    })
    .execute();
  const user = await db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
  await writeAudit(db, actor, { action: "user.create", targetType: "user", targetId: user.id, after: { username, from_character: claims.characterId } });
  await createOwnership(db, character, claims.ownerHash, user.id, actor);
  await setMain(db, user.id, character, actor, "new user from EVE SSO");
  return findUser(db, user.id);
}

/**
 * EVE SSO authentication (§3.2). Returns the user to log in (active, or inactive mid-registration),
 * or null when the login must be refused (an alt, or a returning owner whose main is another character).
 */
export async function authenticateSso(db: Executor, claims: EveTokenClaims, character: EveCharacter, actor: Actor): Promise<User | null> {
  const ownership = await db.selectFrom("character_ownerships").selectAll().where("character_id", "=", character.id).executeTakeFirst();
  if (ownership) {
    if (ownership.owner_hash === claims.ownerHash) {
      const user = await findUser(db, ownership.user_id);
      return user.main_character_id === character.id ? user : null;
    }
    // The character changed hands: the old account loses it, the new owner starts a new account.
    await deleteOwnership(db, ownership, actor, "owner hash changed (character transferred)", { transferred: true });
    return createUserFromToken(db, claims, character, actor);
  }
  const legacy = await db.selectFrom("users").selectAll().where("main_character_id", "=", character.id).executeTakeFirst();
  if (legacy) {
    await createOwnership(db, character, claims.ownerHash, legacy.id, actor);
    return findUser(db, legacy.id);
  }
  const record = await db
    .selectFrom("ownership_records")
    .select(["user_id"])
    .where("character_id", "=", character.id)
    .where("owner_hash", "=", claims.ownerHash)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (record) {
    const user = await findUser(db, record.user_id);
    if (user.main_character_id !== null && user.main_character_id !== character.id) return null;
    await createOwnership(db, character, claims.ownerHash, user.id, actor);
    await setMain(db, user.id, character, actor, "returning owner");
    return findUser(db, user.id);
  }
  return createUserFromToken(db, claims, character, actor);
}

/**
 * What saving a token means for ownership (the original's token post_save): ownerships of this
 * character under another (hash, user) are removed, and a token with a user claims an unowned character.
 */
export async function recordCharacterOwnership(db: Executor, token: { user_id: number | null; character_owner_hash: string }, character: EveCharacter, actor: Actor) {
  const stale = await db
    .selectFrom("character_ownerships")
    .selectAll()
    .where("character_id", "=", character.id)
    .where((eb) =>
      token.user_id === null
        ? eb("owner_hash", "!=", token.character_owner_hash)
        : eb.or([eb("owner_hash", "!=", token.character_owner_hash), eb("user_id", "!=", token.user_id)]),
    )
    .execute();
  for (const ownership of stale) await deleteOwnership(db, ownership, actor, "a token with another owner took over the character", { transferred: ownership.owner_hash !== token.character_owner_hash });
  if (token.user_id === null) return;
  const existing = await db.selectFrom("character_ownerships").select("id").where("character_id", "=", character.id).executeTakeFirst();
  if (!existing) await createOwnership(db, character, token.character_owner_hash, token.user_id, actor);
}

/** §3.4: make the character the user's main, claiming it if nobody owns it. */
export async function changeMainCharacter(db: Executor, userId: number, claims: EveTokenClaims, character: EveCharacter, actor: Actor): Promise<"changed" | "owned-by-other"> {
  const ownership = await db.selectFrom("character_ownerships").selectAll().where("character_id", "=", character.id).executeTakeFirst();
  if (ownership && ownership.user_id !== userId) return "owned-by-other";
  if (!ownership) await createOwnership(db, character, claims.ownerHash, userId, actor);
  const user = await findUser(db, userId);
  if (user.main_character_id !== character.id) await setMain(db, userId, character, actor, "changed by the member");
  return "changed";
}

export async function listOwnedCharacters(db: Executor, userId: number) {
  return db
    .selectFrom("character_ownerships as o")
    .innerJoin("eve_characters as c", "c.id", "o.character_id")
    .selectAll("c")
    .where("o.user_id", "=", userId)
    .orderBy("c.character_name")
    .execute();
}
