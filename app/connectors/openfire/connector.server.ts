/**
 * Openfire as a Connector: a password account through the REST API plugin, group membership by
 * desired state (the plugin creates missing groups), password reset and set, deletion on loss of
 * access. The reconcile reads every group once and writes only for accounts that differ.
 */
import type { Connector, ConnectorContext, DesiredAccount, ReconcileReport, ServiceAccount, SyncOutcome } from "~/modules/services/contract";
import { managedGroupNames, reservedNames } from "~/modules/services/desired.server";
import { planChanged, planGroups } from "~/modules/services/group-plan";
import { generatePassword } from "~/modules/services/http.server";
import { groupBy } from "~/modules/group-by";
import { OpenfireClient } from "./api.server";
import { meta } from "./meta";
import { openfireSettings } from "./settings";

export class OpenfireAccountExistsError extends Error {}

const client = (ctx: ConnectorContext) => {
  const s = openfireSettings(ctx.settings);
  return new OpenfireClient(s.address, s.secret);
};

const username = (account: ServiceAccount) => account.remoteUsername ?? account.remoteId ?? "";

/** Joins missing groups and leaves extra ones; null when the user is gone. */
async function applyGroups(api: OpenfireClient, name: string, wanted: string[], current: string[], reserved: Set<string>) {
  const plan = planGroups({ wanted, current, normalise: meta.sanitiseGroupName, reserved });
  if (plan.add.length) await api.addGroups(name, plan.add);
  if (plan.remove.length) await api.removeGroups(name, plan.remove);
  return plan;
}

async function syncAccount(ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: { groups: boolean }): Promise<SyncOutcome> {
  const api = client(ctx);
  const current = await api.userGroups(username(account));
  if (current === null) return { kind: "gone" };
  if (!parts.groups) return { kind: "unchanged" };
  const plan = await applyGroups(api, username(account), desired.groups, current, await reservedNames(ctx.db));
  return planChanged(plan) ? { kind: "updated", calls: api.stats.writes } : { kind: "unchanged" };
}

async function reconcile(ctx: ConnectorContext, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, parts: { groups: boolean }, progress: (done: number, total: number) => Promise<void> | void): Promise<ReconcileReport> {
  const api = client(ctx);
  // Openfire nodepreps usernames (lower case); we store the name as sent.
  const users = new Set((await api.listUsers()).map((u) => u.username.toLowerCase()));
  const groups = parts.groups ? await api.listGroupsWithMembers() : [];
  const held = groupBy(
    groups.flatMap((g) => g.members.map((m) => ({ member: m.toLowerCase(), group: g.name }))),
    (x) => x.member,
    (x) => x.group,
  );
  const reserved = await reservedNames(ctx.db);
  const lists: Record<string, string[]> = { changedMembers: [], goneAccounts: [], unlinkedHolders: [], failed: [] };
  const goneUserIds: number[] = [];
  const linked = new Set<string>();
  let changed = 0;
  let failed = 0;
  for (const [i, account] of accounts.entries()) {
    const name = username(account);
    linked.add(name.toLowerCase());
    if (!users.has(name.toLowerCase())) {
      goneUserIds.push(account.userId);
      push(lists.goneAccounts, `${name} (user ${account.userId})`);
    } else if (parts.groups) {
      try {
        const plan = await applyGroups(api, name, desired.get(account.userId)?.groups ?? [], held.get(name.toLowerCase()) ?? [], reserved);
        if (planChanged(plan)) {
          changed++;
          push(lists.changedMembers, `${name}: +${plan.add.join(",")} -${plan.remove.join(",")}`);
        }
      } catch (error) {
        failed++;
        push(lists.failed, `${name}: ${(error as Error).message}`);
      }
    }
    if ((i + 1) % 100 === 0 || i + 1 === accounts.length) await progress(i + 1, accounts.length);
  }
  const managed = await managedGroupNames(ctx.db, meta);
  for (const [member, names] of held) if (!linked.has(member) && names.some((n) => managed.has(meta.sanitiseGroupName(n)))) push(lists.unlinkedHolders, member);
  return { changed, goneUserIds, figures: { users: users.size, groups: groups.length, reads: api.stats.reads, writes: api.stats.writes, failed, goneAccounts: lists.goneAccounts.length, unlinkedHolders: lists.unlinkedHolders.length }, lists };
}

function push(list: string[], value: string) {
  if (list.length < 200) list.push(value);
}

export const openfireConnector: Connector = {
  meta,
  isConfigured: (settings) => openfireSettings(settings).configured,
  activation: {
    kind: "password",
    create: async (ctx, desired) => {
      const api = client(ctx);
      const password = generatePassword();
      if (!(await api.createUser(desired.name, password))) throw new OpenfireAccountExistsError(`Openfire user ${desired.name} already exists`);
      await applyGroups(api, desired.name, desired.groups, [], new Set());
      return { remoteId: desired.name, remoteUsername: desired.name, password };
    },
  },
  syncAccount,
  disableAccount: async (ctx, account) => {
    await client(ctx).deleteUser(username(account));
  },
  reconcile,
  resetPassword: async (ctx, account) => {
    const password = generatePassword();
    await openfireConnector.setPassword!(ctx, account, password);
    return password;
  },
  setPassword: async (ctx, account, password) => {
    if (!(await client(ctx).setPassword(username(account), password))) throw new Error(`Openfire user ${username(account)} not found`);
  },
  remoteGroups: async (ctx, account) => client(ctx).userGroups(username(account)),
  describe: (settings, account) => ({ url: null, username: account?.remoteUsername ? `${account.remoteUsername}@${openfireSettings(settings).domain}` : null }),
};
