/**
 * Desired state → TeamSpeak server groups: one member (the per-user job; customsearch, the client's
 * groups, one add/remove per difference) or every linked member (the reconcile: the group list, all
 * bindings in one customsearch, each managed group's members, then one add and one remove per group
 * for every member that differs at once).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import type { DesiredAccount, ReconcileProgress, ReconcileReport, ServiceAccount, SyncOutcome } from "~/modules/services/contract";
import { groupChanges, loadGroupPlan, saveServerGroups, wantedGroups, type GroupPlan } from "./groups.server";
import type { Ts3Port } from "./port.server";

/** Groups the server refused to touch as its default group (2564), learned per process. */
export const defaultGroups = new Set<number>();

/** Accounts whose key is not redeemed yet: they still hold the (sealed) key. */
export async function pendingAccountIds(db: Kysely<DB>, accountIds: number[]) {
  if (accountIds.length === 0) return new Set<number>();
  const rows = await db.selectFrom("service_accounts").select("id").where(inIds(db, "id", accountIds)).where("credentials", "is not", null).execute();
  return new Set(rows.map((r) => r.id));
}

/** The key was redeemed (the client is bound): forget the key. */
async function markRedeemed(db: Kysely<DB>, accountIds: number[]) {
  if (accountIds.length) await db.updateTable("service_accounts").set({ credentials: null }).where(inIds(db, "id", accountIds)).execute();
}

async function applyChanges(port: Ts3Port, cldbid: number, add: number[], remove: number[], notes: string[]) {
  let calls = 0;
  for (const sgid of add) {
    await port.addToGroup(sgid, [cldbid]);
    calls++;
  }
  for (const sgid of remove) {
    if ((await port.removeFromGroup(sgid, [cldbid])) === "default") {
      defaultGroups.add(sgid);
      notes.push(`default group ${sgid}`);
    }
    calls++;
  }
  return calls;
}

export async function syncClient(db: Kysely<DB>, port: Ts3Port, account: ServiceAccount, desired: DesiredAccount, notes: string[] = []): Promise<SyncOutcome> {
  if (!account.remoteId) return { kind: "gone" };
  const pending = (await pendingAccountIds(db, [account.id])).has(account.id);
  const cldbid = await port.findClient(account.remoteId);
  // Not bound yet: the member has not connected with the key (pending), or the identity was deleted.
  if (cldbid === null) return pending ? { kind: "unchanged" } : { kind: "gone" };
  if (pending) await markRedeemed(db, [account.id]);
  const plan = await loadGroupPlan(db);
  const { add, remove } = groupChanges(plan, wantedGroups(plan, desired.groups), await port.clientGroups(cldbid), defaultGroups);
  if (!add.length && !remove.length) return { kind: "unchanged" };
  return { kind: "updated", calls: await applyChanges(port, cldbid, add, remove, notes) };
}

const LIST_CAP = 200;
const BATCH = 100;

function push(list: string[], value: string) {
  if (list.length < LIST_CAP) list.push(value);
}

/** Every client's managed groups, from each managed group's member list (one read per group). */
async function heldByClient(port: Ts3Port, plan: GroupPlan, existing: Set<number>) {
  const held = new Map<number, Map<number, string>>();
  for (const sgid of plan.managed) {
    if (!existing.has(sgid)) continue;
    for (const cldbid of await port.groupMembers(sgid)) {
      if (!held.has(cldbid)) held.set(cldbid, new Map());
      held.get(cldbid)!.set(sgid, plan.names.get(sgid) ?? "");
    }
  }
  return held;
}

/** Runs `fn` on batches of clients; a failed batch is retried client by client. */
async function batched(ids: number[], fn: (batch: number[]) => Promise<unknown>, failed: (cldbid: number, error: unknown) => void) {
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    try {
      await fn(batch);
    } catch {
      for (const one of batch) await fn([one]).catch((error) => failed(one, error));
    }
  }
}

export async function reconcileServer(db: Kysely<DB>, port: Ts3Port, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, progress: ReconcileProgress): Promise<ReconcileReport> {
  const before = port.stats();
  const serverGroups = await port.serverGroups();
  const groupUpdate = await saveServerGroups(db, serverGroups);
  const plan = await loadGroupPlan(db);
  const bindings = await port.bindings("%");
  const held = await heldByClient(port, plan, new Set(serverGroups.map((g) => g.sgid)));
  const pending = await pendingAccountIds(db, accounts.map((a) => a.id));
  const lists: Record<string, string[]> = { changedClients: [], goneAccounts: [], pendingKeys: [], unlinkedHolders: [], failed: [] };
  const adds = new Map<number, number[]>();
  const removes = new Map<number, number[]>();
  const changedUsers = new Set<number>();
  const redeemed: number[] = [];
  const goneUserIds: number[] = [];
  const boundLinked = new Set<number>();
  const userOf = new Map<number, ServiceAccount>();
  for (const [i, account] of accounts.entries()) {
    const cldbid = account.remoteId ? bindings.get(account.remoteId) : undefined;
    if (cldbid === undefined) {
      if (pending.has(account.id)) push(lists.pendingKeys, `${account.remoteUsername} (user ${account.userId})`);
      else {
        goneUserIds.push(account.userId);
        push(lists.goneAccounts, `${account.remoteUsername} (user ${account.userId})`);
      }
      continue;
    }
    boundLinked.add(cldbid);
    userOf.set(cldbid, account);
    if (pending.has(account.id)) redeemed.push(account.id);
    const want = desired.get(account.userId);
    if (!want) continue;
    const { add, remove } = groupChanges(plan, wantedGroups(plan, want.groups), held.get(cldbid) ?? new Map(), defaultGroups);
    for (const [changes, sgids] of [[adds, add], [removes, remove]] as const) {
      for (const sgid of sgids) {
        const ids = changes.get(sgid);
        if (ids) ids.push(cldbid);
        else changes.set(sgid, [cldbid]);
      }
    }
    if (add.length || remove.length) {
      changedUsers.add(account.userId);
      push(lists.changedClients, `${account.remoteUsername}: +${add.length} -${remove.length}`);
    }
    if ((i + 1) % 500 === 0) await progress(i + 1, accounts.length);
  }
  let failed = 0;
  const onFail = (cldbid: number, error: unknown) => {
    failed++;
    push(lists.failed, `${userOf.get(cldbid)?.remoteUsername ?? cldbid}: ${(error as Error).message}`);
  };
  for (const [sgid, ids] of adds) await batched(ids, (batch) => port.addToGroup(sgid, batch), onFail);
  for (const [sgid, ids] of removes) {
    await batched(
      ids,
      async (batch) => {
        if ((await port.removeFromGroup(sgid, batch)) === "default") defaultGroups.add(sgid);
      },
      onFail,
    );
  }
  if (redeemed.length) await markRedeemed(db, redeemed);
  for (const [cldbid, groups] of held) if (!boundLinked.has(cldbid)) push(lists.unlinkedHolders, `cldbid ${cldbid}: ${[...groups.values()].join(", ")}`);
  await progress(accounts.length, accounts.length);
  const after = port.stats();
  return {
    changed: changedUsers.size,
    goneUserIds,
    figures: {
      bound: bindings.size,
      serverGroups: groupUpdate.groups,
      managedGroups: plan.managed.size,
      reads: after.reads - before.reads,
      writes: after.writes - before.writes,
      pendingKeys: lists.pendingKeys.length,
      unlinkedHolders: lists.unlinkedHolders.length,
      goneAccounts: lists.goneAccounts.length,
      failed,
    },
    lists,
  };
}
