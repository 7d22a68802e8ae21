/**
 * GET /discourse/sso: answers Discourse's DiscourseConnect request for the signed-in member. Access is
 * checked from our data (permission, main character, active); the first answer links the account and
 * queues a group sync for when Discourse has created the user; a member we suspended on loss of access
 * is unsuspended before being sent back.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "~/modules/audit/audit.server";
import { characterPortraitUrl } from "~/modules/eve/evelinks";
import { enqueue, PRIORITY } from "~/modules/jobs/enqueue.server";
import { findAccount, upsertAccount } from "~/modules/services/accounts.server";
import { loadServiceSubjects } from "~/modules/services/desired.server";
import { userSyncJobKey, userSyncTask } from "~/modules/services/runner.server";
import { discourseClient, externalIdOf } from "./connector.server";
import { meta } from "./meta";
import { readConnectRequest, signConnectAnswer } from "./sso.server";

export type ConnectOutcome =
  | { kind: "redirect"; url: string; linked: boolean }
  | { kind: "no-access" }
  | { kind: "no-main" }
  | { kind: "no-email" };

/** Seconds Discourse gets to create the user before the first group sync (the original's countdown). */
export const FIRST_SYNC_DELAY_SECONDS = 30;

/** Throws DiscourseConnectError (bad signature or payload) before anything is read or written. */
export async function answerDiscourseConnect(db: Kysely<DB>, settings: Settings, userId: number, sso: string, sig: string, actor: Actor): Promise<ConnectOutcome> {
  const { nonce } = readConnectRequest(settings.DISCOURSE_SSO_SECRET, sso, sig);
  const subject = (await loadServiceSubjects(db, meta, [userId])).get(userId);
  if (!subject) return { kind: "no-access" };
  if (!subject.nameSubject.main) return { kind: "no-main" };
  if (!subject.hasAccess) return { kind: "no-access" };
  const email = subject.desired.email;
  if (!email) return { kind: "no-email" };
  const desired = subject.desired;
  const existing = await findAccount(db, meta.id, userId);
  // Our own suspension (loss of access) would make Discourse refuse the login: lift it first.
  if (!existing) {
    const api = discourseClient(settings);
    const remote = await api.userByExternalId(userId);
    if (remote?.suspended_till) await api.unsuspend(remote.id);
  }
  if (!existing) {
    await db.transaction().execute(async (trx) => {
      await upsertAccount(trx, meta.id, userId, { remoteId: String(userId), remoteUsername: desired.name });
      await writeAudit(trx, actor, { action: "service.account_linked", targetType: "user", targetId: userId, after: { service: meta.id, remoteUsername: desired.name } });
      await enqueue(trx, userSyncTask(meta.id), { userId }, { jobKey: userSyncJobKey(meta.id, userId), jobKeyMode: "replace", runAt: new Date(Date.now() + FIRST_SYNC_DELAY_SECONDS * 1000), queueName: meta.id, priority: PRIORITY.high });
    });
  }
  const answer = signConnectAnswer(settings.DISCOURSE_SSO_SECRET, {
    nonce,
    externalId: existing ? externalIdOf(existing) : userId,
    email,
    username: desired.name,
    name: desired.name,
    avatarUrl: desired.characterId ? characterPortraitUrl(desired.characterId, 256) : null,
    groups: desired.groups,
  });
  const query = new URLSearchParams(answer).toString();
  return { kind: "redirect", url: `${settings.DISCOURSE_URL}/session/sso_login?${query}`, linked: !existing };
}
