/**
 * The periodic ownership check (behaviour reference §2.1, `check_character_ownership` and
 * `check_all_character_ownership`): a character sold to another EVE account (its owner hash
 * changed) or whose tokens were all revoked leaves the account that owned it.
 *
 * The check only ever deletes on a clear answer from the SSO (a refused refresh, or a new owner
 * hash). An SSO that is down, answers with an error, refuses our client credentials or hands out a
 * token we cannot verify aborts the check without deleting anything: the job fails and is retried.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, systemActor } from "../audit/audit.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import { deleteOwnership } from "./ownership.server";
import { OwnerChangedError, SsoConfigError, SsoRateLimitedError, TokenInvalidError, TokenRefusedError } from "./sso.server";
import { refreshPause, SsoThrottledError } from "./sso-throttle.server";
import { deleteToken, validAccessToken } from "./tokens.server";

export const CHECK_OWNERSHIP_TASK = "authentication.check_character_ownership";
export const CHECK_ALL_OWNERSHIP_TASK = "authentication.check_all_character_ownership";

/**
 * Fans out one check per ownership hash, in one transaction. The job key merges a check that is
 * still queued from an earlier run (or a manual one) with the new one.
 */
export async function checkAllCharacterOwnership(db: Kysely<DB>): Promise<{ enqueued: number; paused?: string }> {
  // Refreshes are paused (refused client credentials, Retry-After): the whole run waits for the next one.
  const pause = await refreshPause(db);
  if (pause) return { enqueued: 0, paused: pause.reason };
  const rows = await db.selectFrom("character_ownerships").select("owner_hash").orderBy("owner_hash").execute();
  const hashes = [...new Set(rows.map((r) => r.owner_hash))];
  if (hashes.length === 0) return { enqueued: 0 };
  await db.transaction().execute(async (trx) => {
    for (const ownerHash of hashes) {
      await enqueue(trx, CHECK_OWNERSHIP_TASK, { ownerHash }, { priority: PRIORITY.esi, jobKey: `${CHECK_OWNERSHIP_TASK}:${ownerHash}` });
    }
  });
  return { enqueued: hashes.length };
}

export interface OwnershipCheckResult {
  ownerHash: string;
  /** Tokens with this hash when the check started. */
  tokens: number;
  /** A token was refreshed (or is fresh) under this hash: the owner is confirmed. */
  verified: boolean;
  deletedTokens: number;
  deletedOwnerships: number;
  /** Refreshes are paused (invalid_client, 429, the per-minute cap): this hash waits for the next run. */
  paused?: boolean;
}

/**
 * §2.1 `check_character_ownership(owner_hash)`. Takes the hash's tokens in order and makes the
 * first usable one valid (`validAccessToken` refreshes it when its access token is old, which is
 * the case for nearly every token at a 4-hourly check; a token refreshed in the last 20 minutes
 * was verified then). A refused refresh deletes that token and the next one is tried; a new owner
 * hash deletes every token with the old hash. When no token with the hash remains, the ownerships
 * with the hash go (clearing a main character, ending sessions, with audit rows).
 */
export async function checkCharacterOwnership(
  db: Kysely<DB>,
  settings: Settings,
  ownerHash: string,
  actor: Actor = systemActor(CHECK_OWNERSHIP_TASK),
): Promise<OwnershipCheckResult> {
  const tokens = await db.selectFrom("esi_tokens").select("id").where("character_owner_hash", "=", ownerHash).orderBy("id").execute();
  const result: OwnershipCheckResult = { ownerHash, tokens: tokens.length, verified: false, deletedTokens: 0, deletedOwnerships: 0 };
  const countOwnerships = async () => (await db.selectFrom("character_ownerships").select("id").where("owner_hash", "=", ownerHash).execute()).length;
  const ownershipsBefore = await countOwnerships();

  // Ownerships go only on the SSO's word about the owner (revoked, or sold), or when no token was left
  // at all (as the original); a token refused for another reason (expired, retired scope) leaves them.
  let ownerGone = tokens.length === 0;
  for (const { id } of tokens) {
    // The member (or a parallel check) may have deleted it meanwhile.
    const exists = await db.selectFrom("esi_tokens").select("id").where("id", "=", id).executeTakeFirst();
    if (!exists) continue;
    try {
      await validAccessToken(db, settings, id, actor);
      result.verified = true;
      break;
    } catch (error) {
      if (error instanceof SsoThrottledError || error instanceof SsoConfigError || error instanceof SsoRateLimitedError) return { ...result, paused: true };
      // Anything else but a refusal (SSO unavailable, an unverifiable token, a database error)
      // aborts: the hash cannot be checked now, so nothing is deleted.
      if (!(error instanceof TokenInvalidError)) throw error;
      // validAccessToken has deleted this token.
      result.deletedTokens++;
      if (!(error instanceof TokenRefusedError)) ownerGone = true;
      if (error instanceof OwnerChangedError) {
        // Sold: every token with the old hash belongs to the previous owner.
        const rest = await db.selectFrom("esi_tokens").select("id").where("character_owner_hash", "=", ownerHash).orderBy("id").execute();
        await db.transaction().execute(async (trx) => {
          for (const token of rest) {
            if (await deleteToken(trx, token.id, actor, "the character changed owner (ownership check)")) result.deletedTokens++;
          }
        });
        break;
      }
    }
  }

  const remaining = await db.selectFrom("esi_tokens").select("id").where("character_owner_hash", "=", ownerHash).executeTakeFirst();
  if (!remaining && ownerGone) {
    await db.transaction().execute(async (trx) => {
      const ownerships = await trx.selectFrom("character_ownerships").selectAll().where("owner_hash", "=", ownerHash).execute();
      for (const ownership of ownerships) await deleteOwnership(trx, ownership, actor, "no valid token left for this owner hash (ownership check)");
    });
  }
  result.deletedOwnerships = ownershipsBefore - (await countOwnerships());
  return result;
}
