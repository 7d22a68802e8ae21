/**
 * ESI tokens (the original's django-esi Token): stored encrypted, de-duplicated, refreshed on use
 * with the rotated refresh token saved every time, removed when the SSO says they are gone.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB, EsiToken, EveCharacter } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { type Actor, writeAudit } from "../audit/audit.server";
import { SecretBox } from "../auth/secrets.server";
import { deleteOwnership, recordCharacterOwnership } from "./ownership.server";
import { serverT } from "~/i18n/i18n.server";
import { notifyUser } from "../notifications/notify.server";
import { type EveTokenClaims, OwnerChangedError, refreshAccessToken, revokeRefreshToken, SsoConfigError, SsoRateLimitedError, TokenInvalidError, TokenRefusedError, verifyAccessToken } from "./sso.server";
import { acquireRefreshSlot, pauseForRefusedClient, pauseRefreshes } from "./sso-throttle.server";

type Executor = Kysely<DB> | Transaction<DB>;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | null;
}

const scopeText = (scopes: string[]) => [...new Set(scopes)].sort().join(" ");

/**
 * Stores a token for `userId` (or none). An equivalent token (same character, exactly the same
 * scopes, same or no user) takes the new secrets instead of a second row. Ownership follows (§3.2).
 */
export async function saveToken(db: Executor, box: SecretBox, tokens: IssuedTokens, claims: EveTokenClaims, character: EveCharacter, userId: number | null, actor: Actor): Promise<EsiToken> {
  const scopes = scopeText(claims.scopes);
  const now = new Date();
  const secrets = {
    access_token: box.encrypt(tokens.accessToken),
    refresh_token: tokens.refreshToken ? box.encrypt(tokens.refreshToken) : null,
    key_id: box.keyId,
    refreshed_at: now,
    character_name: claims.characterName,
    character_owner_hash: claims.ownerHash,
  };
  const candidates = await db
    .selectFrom("esi_tokens")
    .selectAll()
    .where("character_id", "=", claims.characterId)
    .where("scopes", "=", scopes)
    .where((eb) => (userId === null ? eb("user_id", "is", null) : eb.or([eb("user_id", "=", userId), eb("user_id", "is", null)])))
    .orderBy("id")
    .execute();
  // Prefer the user's own token over an unattached one.
  const equivalent = candidates.find((t) => t.user_id === userId) ?? candidates[0];
  let id: number;
  if (equivalent) {
    await db.updateTable("esi_tokens").set({ ...secrets, user_id: userId ?? equivalent.user_id }).where("id", "=", equivalent.id).execute();
    id = equivalent.id;
  } else {
    await db.insertInto("esi_tokens").values({ ...secrets, user_id: userId, character_id: claims.characterId, token_type: "character", scopes, created_at: now }).execute();
    const row = await db.selectFrom("esi_tokens").select("id").where("character_id", "=", claims.characterId).where("scopes", "=", scopes).orderBy("id", "desc").executeTakeFirstOrThrow();
    id = row.id;
  }
  const token = await db.selectFrom("esi_tokens").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  await recordCharacterOwnership(db, token, character, actor);
  return token;
}

/**
 * Deletes a token. When no token with a refresh token remains for its owner hash, the ownerships
 * with that hash go too: deleting your last token for a character removes it from your account.
 */
export async function deleteToken(db: Executor, tokenId: number, actor: Actor, reason: string, options: { endSessions?: boolean } = {}) {
  const token = await db.selectFrom("esi_tokens").selectAll().where("id", "=", tokenId).executeTakeFirst();
  if (!token) return false;
  await db.deleteFrom("esi_tokens").where("id", "=", tokenId).execute();
  const remaining = await db
    .selectFrom("esi_tokens")
    .select("id")
    .where("character_owner_hash", "=", token.character_owner_hash)
    .where("refresh_token", "is not", null)
    .executeTakeFirst();
  if (!remaining) {
    const ownerships = await db.selectFrom("character_ownerships").selectAll().where("owner_hash", "=", token.character_owner_hash).execute();
    for (const ownership of ownerships) await deleteOwnership(db, ownership, actor, reason, options);
  }
  return true;
}

export function tokenExpired(token: Pick<EsiToken, "refreshed_at">, settings: Pick<Settings, "ESI_TOKEN_VALID_DURATION">, now = new Date()) {
  return token.refreshed_at.getTime() + settings.ESI_TOKEN_VALID_DURATION * 1000 <= now.getTime();
}

export function decryptAccessToken(box: SecretBox, token: Pick<EsiToken, "access_token">) {
  return box.decrypt(token.access_token);
}

/**
 * A usable access token, refreshed first when it is old.
 *
 * Refreshes of one token are serialised across processes by a row lock (`SELECT … FOR UPDATE`,
 * both dialects): the loser of a race re-reads the row after the lock and uses the winner's fresh
 * access token instead of sending the rotated-away refresh token (which the SSO would refuse).
 * The new refresh token is stored as soon as the SSO answers 200, before the JWT is verified: CCP
 * may rotate it on every refresh, so a verification outage must not lose it.
 *
 * A refusal from the SSO deletes the token: `invalid_grant` (revoked) or a new owner throws
 * TokenInvalidError / OwnerChangedError (the ownership goes with the last token); any other final
 * refusal (expired, retired scope, another app's token) throws TokenRefusedError, notifies the owner
 * and keeps the ownership. An unreachable or rate-limiting SSO throws SsoUnavailableError and
 * changes nothing; refused client credentials pause every refresh (sso-throttle.server.ts).
 */
export async function validAccessToken(db: Kysely<DB>, settings: Settings, tokenId: number, actor: Actor): Promise<{ accessToken: string; token: EsiToken }> {
  const box = SecretBox.fromSettings(settings);
  const token = await db.selectFrom("esi_tokens").selectAll().where("id", "=", tokenId).executeTakeFirstOrThrow();
  if (!tokenExpired(token, settings)) return { accessToken: box.decrypt(token.access_token), token };
  if (!token.refresh_token) {
    await db.transaction().execute((trx) => deleteToken(trx, token.id, actor, "expired token without refresh token"));
    throw new TokenInvalidError("the token has expired and cannot be refreshed");
  }
  const outcome = await db.transaction().execute((trx) => refreshLocked(trx, db, settings, box, tokenId, actor));
  if (outcome.kind === "fresh") return { accessToken: box.decrypt(outcome.token.access_token), token: outcome.token };
  if (outcome.kind === "refused") return afterRefusal(db, settings, outcome.token, outcome.error);
  let claims: EveTokenClaims;
  try {
    claims = await verifyAccessToken(settings, outcome.accessToken);
    if (claims.ownerHash !== outcome.token.character_owner_hash) throw new OwnerChangedError("the character changed owner");
  } catch (error) {
    if (error instanceof TokenInvalidError) {
      await db.transaction().execute((trx) => deleteToken(trx, tokenId, actor, error.message));
    } else {
      // Not verified (the key set is down, say): keep the new refresh token, but make the next use refresh again.
      await db.updateTable("esi_tokens").set({ refreshed_at: outcome.token.refreshed_at }).where("id", "=", tokenId).execute();
    }
    throw error;
  }
  await db.updateTable("esi_tokens").set({ character_name: claims.characterName }).where("id", "=", tokenId).execute();
  const updated = await db.selectFrom("esi_tokens").selectAll().where("id", "=", tokenId).executeTakeFirstOrThrow();
  return { accessToken: outcome.accessToken, token: updated };
}

type RefreshOutcome = { kind: "fresh"; token: EsiToken } | { kind: "refreshed"; token: EsiToken; accessToken: string } | { kind: "refused"; token: EsiToken; error: unknown };

/** Inside the transaction holding the token's row lock: refresh unless another process just did. */
async function refreshLocked(trx: Transaction<DB>, db: Kysely<DB>, settings: Settings, box: SecretBox, tokenId: number, actor: Actor): Promise<RefreshOutcome> {
  const token = await trx.selectFrom("esi_tokens").selectAll().where("id", "=", tokenId).forUpdate().executeTakeFirst();
  if (!token) throw new TokenInvalidError("the token was deleted meanwhile");
  if (!tokenExpired(token, settings)) return { kind: "fresh", token };
  await acquireRefreshSlot(db, settings);
  let refreshed;
  try {
    refreshed = await refreshAccessToken(settings, box.decrypt(token.refresh_token!));
  } catch (error) {
    if (error instanceof TokenInvalidError) {
      if (error instanceof TokenRefusedError) await deleteTokenOnly(trx, token, actor, error.message);
      else await deleteToken(trx, token.id, actor, error.message);
    }
    return { kind: "refused", token, error };
  }
  await trx
    .updateTable("esi_tokens")
    .set({
      access_token: box.encrypt(refreshed.accessToken),
      refresh_token: refreshed.refreshToken ? box.encrypt(refreshed.refreshToken) : token.refresh_token,
      key_id: box.keyId,
      refreshed_at: new Date(),
    })
    .where("id", "=", token.id)
    .execute();
  return { kind: "refreshed", token, accessToken: refreshed.accessToken };
}

/** After the lock is released: pauses and notifications, then the error for the caller. */
async function afterRefusal(db: Kysely<DB>, settings: Settings, token: EsiToken, error: unknown): Promise<never> {
  if (error instanceof SsoConfigError) await pauseForRefusedClient(db, settings);
  if (error instanceof SsoRateLimitedError) await pauseRefreshes(db, error.retryAt, "429 Retry-After");
  if (error instanceof TokenRefusedError && token.user_id !== null) {
    const t = serverT(settings.LANGUAGE_CODE);
    const params = { character: token.character_name, reason: error.message.replace(/^refresh refused: /, "") };
    await notifyUser(db, token.user_id, { title: t("eve.notify.tokenRefused.title", params), message: t("eve.notify.tokenRefused.message", params), level: "warning" }, settings.NOTIFICATIONS_MAX_PER_USER);
  }
  throw error;
}

/** Deletes one token and nothing else (the ownership stays), with an audit row. */
async function deleteTokenOnly(db: Executor, token: EsiToken, actor: Actor, reason: string) {
  await db.deleteFrom("esi_tokens").where("id", "=", token.id).execute();
  await writeAudit(db, actor, { action: "token.delete", targetType: "esi_token", targetId: token.id, before: { character_id: token.character_id, scopes: token.scopes }, reason });
}

/** The member deletes a token: revoked at the SSO (best effort) and removed here. */
export async function revokeAndDeleteToken(db: Kysely<DB>, settings: Settings, token: EsiToken, actor: Actor) {
  const box = SecretBox.fromSettings(settings);
  if (token.refresh_token) {
    try {
      await revokeRefreshToken(settings, box.decrypt(token.refresh_token));
    } catch {}
  }
  await db.transaction().execute((trx) => deleteToken(trx, token.id, actor, "deleted by the member", { endSessions: false }));
}

export async function listUserTokens(db: Executor, userId: number) {
  return db
    .selectFrom("esi_tokens")
    .select(["id", "character_id", "character_name", "scopes", "created_at", "refreshed_at", "refresh_token"])
    .where("user_id", "=", userId)
    .orderBy("character_name")
    .orderBy("id")
    .execute();
}

/** Rewrites every token sealed under an older key with the current SECRET_KEY. */
export async function reencryptTokens(db: Kysely<DB>, box: SecretBox) {
  const rows = await db.selectFrom("esi_tokens").select(["id", "access_token", "refresh_token"]).where("key_id", "!=", box.keyId).execute();
  for (const row of rows) {
    await db
      .updateTable("esi_tokens")
      .set({
        access_token: box.encrypt(box.decrypt(row.access_token)),
        refresh_token: row.refresh_token ? box.encrypt(box.decrypt(row.refresh_token)) : null,
        key_id: box.keyId,
      })
      .where("id", "=", row.id)
      .execute();
  }
  return { reencrypted: rows.length };
}

/**
 * The user's tokens holding every one of `scopes` (a superset match, django-esi's `require_scopes`)
 * for characters the user owns, one per character (the newest), by character name.
 */
export async function userTokensWithScopes(db: Executor, userId: number, scopes: readonly string[]) {
  const rows = await db
    .selectFrom("esi_tokens as t")
    .innerJoin("eve_characters as c", "c.character_id", "t.character_id")
    .innerJoin("character_ownerships as o", (join) => join.onRef("o.character_id", "=", "c.id").on("o.user_id", "=", userId))
    .select(["t.id", "t.character_id", "t.character_name", "t.scopes"])
    .where("t.user_id", "=", userId)
    .orderBy("t.character_name")
    .orderBy("t.id", "desc")
    .execute();
  const seen = new Set<number>();
  return rows.flatMap((row) => {
    const held = new Set(row.scopes.split(" "));
    if (seen.has(row.character_id) || !scopes.every((s) => held.has(s))) return [];
    seen.add(row.character_id);
    return [{ id: row.id, character_id: row.character_id, character_name: row.character_name }];
  });
}
