/**
 * Discourse's reconcile: every linked member through the per-account sync (the admin API has no bulk
 * membership read), then, for each of our groups that exists on the forum, one members read to find
 * forum users holding it without a link. The drift report gets the changed and gone members and those
 * unlinked holders.
 */
import type { ConnectorContext, DesiredAccount, ReconcileProgress, ReconcileReport, ServiceAccount, SyncOutcome, SyncParts } from "~/modules/services/contract";
import { markError } from "~/modules/services/accounts.server";
import { managedGroupNames } from "~/modules/services/desired.server";
import type { DiscourseClient } from "./api.server";
import { meta } from "./meta";

const LIST_CAP = 200;

export interface DiscourseSync {
  (ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts, api: DiscourseClient): Promise<{ outcome: SyncOutcome; username: string | null }>;
}

export async function reconcileDiscourse(ctx: ConnectorContext, api: DiscourseClient, sync: DiscourseSync, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, parts: SyncParts, progress: ReconcileProgress): Promise<ReconcileReport> {
  const lists: Record<string, string[]> = { changedMembers: [], goneAccounts: [], unlinkedHolders: [], failed: [] };
  const push = (list: string[], value: string) => list.length < LIST_CAP && list.push(value);
  const goneUserIds: number[] = [];
  const linked = new Set<string>();
  let changed = 0;
  let failed = 0;
  for (const [i, account] of accounts.entries()) {
    try {
      const { outcome, username } = await sync(ctx, account, desired.get(account.userId)!, parts, api);
      if (username) linked.add(username.toLowerCase());
      if (outcome.kind === "gone") {
        goneUserIds.push(account.userId);
        push(lists.goneAccounts, `${account.remoteUsername ?? account.remoteId} (user ${account.userId})`);
      } else if (outcome.kind === "updated") {
        changed++;
        push(lists.changedMembers, `${username}: groups`);
      }
    } catch (error) {
      failed++;
      push(lists.failed, `${account.remoteUsername ?? account.userId}: ${(error as Error).message}`);
      await markError(ctx.db, account.id, error);
    }
    if ((i + 1) % 100 === 0 || i + 1 === accounts.length) await progress(i + 1, accounts.length);
  }
  if (parts.groups) {
    const managed = await managedGroupNames(ctx.db, meta);
    const onForum = (await api.groups()).filter((g) => !g.automatic && managed.has(g.name));
    const holders = new Set<string>();
    for (const group of onForum) for (const username of await api.groupMembers(group.name)) if (!linked.has(username.toLowerCase())) holders.add(username);
    lists.unlinkedHolders = [...holders].sort().slice(0, LIST_CAP);
  }
  return {
    changed,
    goneUserIds,
    figures: { reads: api.stats.reads, writes: api.stats.writes, failed, goneAccounts: goneUserIds.length, unlinkedHolders: lists.unlinkedHolders.length },
    lists,
  };
}
