/**
 * Openfire as a Connector: a password account through the REST API plugin, group membership by
 * desired state (the plugin creates missing groups), the display name (`name`) from the main
 * character, password reset and set, deletion on loss of access. The reconcile reads every user and
 * group once and writes only for accounts that differ.
 */
import type { Connector, ConnectorContext, DesiredAccount, ReconcileReport, ServiceAccount, SyncOutcome, SyncParts } from "~/modules/services/contract";
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

/** The display name (Openfire's `name`: the main character's name); the username is fixed at creation. */
async function applyName(api: OpenfireClient, name: string, current: string | null, desired: DesiredAccount): Promise<boolean> {
  if (!desired.displayName || current === desired.displayName) return false;
  return api.updateUser(name, { name: desired.displayName });
}

async function syncAccount(ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts): Promise<SyncOutcome> {
  const api = client(ctx);
  const name = username(account);
  const current = await api.userGroups(name);
  if (current === null) return { kind: "gone" };
  let changed = false;
  if (parts.nickname) {
    const user = await api.getUser(name);
    if (!user) return { kind: "gone" };
    changed = await applyName(api, name, user.name, desired);
  }
  if (parts.groups) changed = planChanged(await applyGroups(api, name, desired.groups, current, await reservedNames(ctx.db))) || changed;
  return changed ? { kind: "updated", calls: api.stats.writes } : { kind: "unchanged" };
}

async function reconcile(ctx: ConnectorContext, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, parts: SyncParts, progress: (done: number, total: number) => Promise<void> | void): Promise<ReconcileReport> {
  const api = client(ctx);
  // Openfire nodepreps usernames (lower case); we store the name as sent.
  const names = new Map((await api.listUsers()).map((u) => [u.username.toLowerCase(), u.name]));
  const users = new Set(names.keys());
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
  let displayNames = 0;
  for (const [i, account] of accounts.entries()) {
    const name = username(account);
    linked.add(name.toLowerCase());
    if (!users.has(name.toLowerCase())) {
      goneUserIds.push(account.userId);
      push(lists.goneAccounts, `${name} (user ${account.userId})`);
    } else if (parts.groups || parts.nickname) {
      try {
        const want = desired.get(account.userId);
        const plan = parts.groups ? await applyGroups(api, name, want?.groups ?? [], held.get(name.toLowerCase()) ?? [], reserved) : null;
        const renamed = parts.nickname && want ? await applyName(api, name, names.get(name.toLowerCase()) ?? null, want) : false;
        if (renamed) displayNames++;
        if ((plan && planChanged(plan)) || renamed) {
          changed++;
          const what = [plan && planChanged(plan) ? `+${plan.add.join(",")} -${plan.remove.join(",")}` : "", renamed ? `name ${want!.displayName}` : ""];
          push(lists.changedMembers, `${name}: ${what.filter(Boolean).join(" ")}`);
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
  return { changed, goneUserIds, figures: { users: users.size, groups: groups.length, reads: api.stats.reads, writes: api.stats.writes, failed, nameChanges: displayNames, goneAccounts: lists.goneAccounts.length, unlinkedHolders: lists.unlinkedHolders.length }, lists };
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
      if (!(await api.createUser(desired.name, password, desired.displayName ?? null))) throw new OpenfireAccountExistsError(`Openfire user ${desired.name} already exists`);
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
    if (!(await client(ctx).updateUser(username(account), { password }))) throw new Error(`Openfire user ${username(account)} not found`);
  },
  remoteGroups: async (ctx, account) => client(ctx).userGroups(username(account)),
  describe: (settings, account) => ({ url: null, username: account?.remoteUsername ? `${account.remoteUsername}@${openfireSettings(settings).domain}` : null }),
};
