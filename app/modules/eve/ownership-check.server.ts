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
import { OwnerChangedError, TokenInvalidError } from "./sso.server";
import { deleteToken, validAccessToken } from "./tokens.server";

export const CHECK_OWNERSHIP_TASK = "authentication.check_character_ownership";
export const CHECK_ALL_OWNERSHIP_TASK = "authentication.check_all_character_ownership";

/**
 * Fans out one check per ownership hash, in one transaction. The job key merges a check that is
 * still queued from an earlier run (or a manual one) with the new one.
 */
export async function checkAllCharacterOwnership(db: Kysely<DB>): Promise<{ enqueued: number }> {
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

  for (const { id } of tokens) {
    // The member (or a parallel check) may have deleted it meanwhile.
    const exists = await db.selectFrom("esi_tokens").select("id").where("id", "=", id).executeTakeFirst();
    if (!exists) continue;
    try {
      await validAccessToken(db, settings, id, actor);
      result.verified = true;
      break;
    } catch (error) {
      // Anything but a refusal (SSO unavailable, bad client credentials, an unverifiable token,
      // a database error) aborts: the hash cannot be checked now, so nothing is deleted.
      if (!(error instanceof TokenInvalidError)) throw error;
      // validAccessToken has deleted this token.
      result.deletedTokens++;
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
  if (!remaining) {
    await db.transaction().execute(async (trx) => {
      const ownerships = await trx.selectFrom("character_ownerships").selectAll().where("owner_hash", "=", ownerHash).execute();
      for (const ownership of ownerships) await deleteOwnership(trx, ownership, actor, "no valid token left for this owner hash (ownership check)");
    });
  }
  result.deletedOwnerships = ownershipsBefore - (await countOwnerships());
  return result;
}
