/**
 * One connector shape for the three forums that AA drives through their own database (phpBB3, SMF,
 * IPS4): password activation, desired-state group (and display-name) sync, a set-based reconcile
 * with its drift report, password reset and set, disable on loss. Each forum supplies a ForumAdapter.
 */
import type { Settings } from "~/config.server";
import type { Connector, ConnectorContext, DesiredAccount, ReconcileReport, ServiceAccount, SyncOutcome, SyncParts } from "~/modules/services/contract";
import { setRemoteUsername } from "~/modules/services/accounts.server";
import { loadServiceSubjects, managedGroupNames } from "~/modules/services/desired.server";
import { generatePassword } from "~/modules/services/http.server";
import type { ConnectorMeta } from "~/modules/services/meta";
import type { ForumAdapter, ForumGroupBook, ForumMemberState, GroupChange } from "./adapter";
import { chunks } from "./db.server";
import { planGroups, wantedIds } from "./plan";

export interface ForumDefinition {
  meta: ConnectorMeta;
  configured(settings: Settings): boolean;
  adapter(settings: Settings): ForumAdapter;
  siteUrl(settings: Settings): string | null;
}

const LIST_CAP = 200;

function remoteIdOf(account: Pick<ServiceAccount, "remoteId">): number | null {
  return account.remoteId && /^\d+$/.test(account.remoteId) ? Number(account.remoteId) : null;
}

/**
 * Accounts imported from Alliance Auth know only the login name (the original kept no forum id): the
 * id is looked up by name once, stored, and used from then on. A name the forum does not have stays
 * unresolved (the account then reads as gone, as any account whose member was deleted).
 */
async function resolveIds(def: ForumDefinition, ctx: ConnectorContext, accounts: ServiceAccount[]): Promise<ServiceAccount[]> {
  const names = accounts.filter((a) => remoteIdOf(a) === null && a.remoteUsername).map((a) => a.remoteUsername!);
  const adapter = names.length ? def.adapter(ctx.settings) : null;
  if (!adapter?.idsByName) return accounts;
  const found = new Map<string, number>();
  for (const chunk of chunks(names, 5000)) for (const [name, id] of await adapter.idsByName(chunk)) found.set(name, id);
  const out: ServiceAccount[] = [];
  for (const account of accounts) {
    const id = remoteIdOf(account) === null && account.remoteUsername ? found.get(account.remoteUsername.toLowerCase()) : undefined;
    if (id === undefined) {
      out.push(account);
      continue;
    }
    await ctx.db.updateTable("service_accounts").set({ remote_id: String(id) }).where("id", "=", account.id).execute();
    out.push({ ...account, remoteId: String(id) });
  }
  return out;
}

const resolveId = async (def: ForumDefinition, ctx: ConnectorContext, account: ServiceAccount) => (await resolveIds(def, ctx, [account]))[0]!;

interface Applied {
  book: ForumGroupBook | null;
  groupChanges: GroupChange[];
  nameChanges: { id: number; displayName: string }[];
  renamed: { id: number; name: string }[];
  /** Renames refused because another forum member holds the name. */
  nameConflicts: { id: number; name: string }[];
  groupsCreated: number;
}

/** Brings `members` to their desired groups and display names with as few statements as the forum allows. */
async function apply(adapter: ForumAdapter, members: Map<number, ForumMemberState>, wanted: { id: number; desired: DesiredAccount }[], parts: SyncParts): Promise<Applied> {
  const out: Applied = { book: null, groupChanges: [], nameChanges: [], renamed: [], nameConflicts: [], groupsCreated: 0 };
  if (parts.groups) {
    let book = await adapter.loadGroups();
    if (adapter.createGroups) {
      const missing = new Map<string, string>();
      for (const w of wanted) for (const name of wantedIds(book, adapter.groupKey, w.desired.groups).missing) missing.set(adapter.groupKey(name), name);
      if (missing.size > 0) {
        await adapter.createGroups([...missing.values()]);
        out.groupsCreated = missing.size;
        book = await adapter.loadGroups();
      }
    }
    for (const w of wanted) {
      const member = members.get(w.id);
      const change = member ? planGroups(member, wantedIds(book, adapter.groupKey, w.desired.groups).ids) : null;
      if (change) out.groupChanges.push(change);
    }
    if (out.groupChanges.length > 0) await adapter.writeGroups(out.groupChanges);
    out.book = book;
  }
  if (parts.nickname && adapter.writeDisplayNames) {
    for (const w of wanted) {
      const member = members.get(w.id);
      if (member && w.desired.displayName && member.displayName !== w.desired.displayName) out.nameChanges.push({ id: w.id, displayName: w.desired.displayName });
    }
    if (out.nameChanges.length > 0) await adapter.writeDisplayNames(out.nameChanges);
  }
  if (parts.nickname && adapter.renameMembers) {
    const renames = wanted.flatMap((w) => {
      const member = members.get(w.id);
      return member && w.desired.name && member.name !== w.desired.name ? [{ id: w.id, from: member.name, to: w.desired.name }] : [];
    });
    if (renames.length > 0) {
      out.renamed = await adapter.renameMembers(renames);
      const done = new Set(out.renamed.map((r) => r.id));
      out.nameConflicts = renames.filter((r) => !done.has(r.id)).map((r) => ({ id: r.id, name: r.to }));
    }
  }
  return out;
}

/** The links follow a renamed forum member (the services page and the credentials show the login name). */
async function followRenames(ctx: ConnectorContext, byRemote: Map<number, ServiceAccount>, renamed: { id: number; name: string }[]) {
  for (const r of renamed) {
    const account = byRemote.get(r.id);
    if (account) await setRemoteUsername(ctx.db, account.id, r.name);
  }
}

async function desiredOf(ctx: ConnectorContext, meta: ConnectorMeta, userId: number): Promise<DesiredAccount | null> {
  return (await loadServiceSubjects(ctx.db, meta, [userId])).get(userId)?.desired ?? null;
}

async function reconcileForum(def: ForumDefinition, ctx: ConnectorContext, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, parts: SyncParts): Promise<ReconcileReport> {
  const adapter = def.adapter(ctx.settings);
  const ids = accounts.map(remoteIdOf).filter((id): id is number => id !== null);
  const members = new Map<number, ForumMemberState>();
  for (const chunk of chunks(ids, 5000)) for (const [id, m] of await adapter.readMembers(chunk)) members.set(id, m);
  const lists: Record<string, string[]> = {
    changedMembers: [],
    goneAccounts: [],
    unlinkedHolders: [],
    nameConflicts: [],
  };
  const goneUserIds: number[] = [];
  const wanted: { id: number; desired: DesiredAccount }[] = [];
  const byRemote = new Map<number, ServiceAccount>();
  for (const account of accounts) {
    const id = remoteIdOf(account);
    const want = desired.get(account.userId);
    if (id === null || !members.has(id)) {
      goneUserIds.push(account.userId);
      if (lists.goneAccounts.length < LIST_CAP) lists.goneAccounts.push(`${account.remoteUsername ?? account.remoteId} (user ${account.userId})`);
    } else if (want) {
      wanted.push({ id, desired: want });
      byRemote.set(id, account);
    }
  }
  const applied = await apply(adapter, members, wanted, parts);
  await followRenames(ctx, byRemote, applied.renamed);
  const renamedTo = new Map(applied.renamed.map((r) => [r.id, r.name]));
  const changedIds = new Set([...applied.groupChanges.map((c) => c.id), ...applied.nameChanges.map((c) => c.id), ...renamedTo.keys()]);
  for (const id of changedIds) {
    if (lists.changedMembers.length >= LIST_CAP) break;
    const what = [applied.groupChanges.some((c) => c.id === id) ? "groups" : "", applied.nameChanges.some((c) => c.id === id) ? "name" : "", renamedTo.has(id) ? `renamed to ${renamedTo.get(id)}` : ""].filter(Boolean).join("+");
    lists.changedMembers.push(`${members.get(id)?.name ?? id}: ${what}`);
  }
  lists.nameConflicts = applied.nameConflicts.slice(0, LIST_CAP).map((c) => `${members.get(c.id)?.name ?? c.id} → ${c.name}`);
  // Forum members holding a group we manage without a linked account.
  const managed = await managedGroupNames(ctx.db, def.meta);
  const book = applied.book ?? (await adapter.loadGroups());
  const managedIds = wantedIds(book, adapter.groupKey, [...managed]).ids;
  lists.unlinkedHolders = managedIds.length > 0 ? await adapter.unlinkedHolders(managedIds, new Set(ids), LIST_CAP) : [];
  return {
    changed: changedIds.size,
    goneUserIds,
    figures: {
      members: members.size,
      statements: adapter.db.statements,
      groupChanges: applied.groupChanges.length,
      membershipsAdded: applied.groupChanges.reduce((n, c) => n + c.add.length, 0),
      membershipsRemoved: applied.groupChanges.reduce((n, c) => n + c.remove.length, 0),
      nameChanges: applied.nameChanges.length,
      renamed: applied.renamed.length,
      nameConflicts: applied.nameConflicts.length,
      groupsCreated: applied.groupsCreated,
      goneAccounts: goneUserIds.length,
      unlinkedHolders: lists.unlinkedHolders.length,
    },
    lists,
  };
}

export function forumConnector(def: ForumDefinition): Connector {
  const { meta } = def;
  return {
    meta,
    isConfigured: def.configured,
    activation: {
      kind: "password",
      create: async (ctx, desired) => {
        const adapter = def.adapter(ctx.settings);
        const password = generatePassword();
        const member = await adapter.createMember(desired, password);
        await apply(adapter, await adapter.readMembers([member.id]), [{ id: member.id, desired }], { groups: true, nickname: true });
        return {
          remoteId: String(member.id),
          remoteUsername: member.name,
          password,
        };
      },
    },
    syncAccount: async (ctx, account, desired, parts): Promise<SyncOutcome> => {
      const id = remoteIdOf(await resolveId(def, ctx, account));
      if (id === null) return { kind: "gone" };
      const adapter = def.adapter(ctx.settings);
      const members = await adapter.readMembers([id]);
      if (!members.has(id)) return { kind: "gone" };
      const applied = await apply(adapter, members, [{ id, desired }], parts);
      await followRenames(ctx, new Map([[id, account]]), applied.renamed);
      return applied.groupChanges.length + applied.nameChanges.length + applied.renamed.length > 0 ? { kind: "updated", calls: adapter.db.statements } : { kind: "unchanged" };
    },
    disableAccount: async (ctx, account) => {
      const id = remoteIdOf(await resolveId(def, ctx, account));
      if (id !== null) await def.adapter(ctx.settings).disableMember(id);
    },
    reconcile: async (ctx, accounts, desired, parts, progress) =>
      reconcileForum(def, ctx, await resolveIds(def, ctx, accounts), desired, parts).then(async (report) => {
        await progress(accounts.length, accounts.length);
        return report;
      }),
    resetPassword: async (ctx, account) => {
      const password = generatePassword();
      await setPassword(def, ctx, account, password);
      return password;
    },
    setPassword: (ctx, account, password) => setPassword(def, ctx, account, password),
    describe: (settings, account) => ({
      url: def.siteUrl(settings),
      username: account?.remoteUsername ?? null,
    }),
    remoteGroups: async (ctx, account) => {
      const id = remoteIdOf(await resolveId(def, ctx, account));
      if (id === null) return null;
      const adapter = def.adapter(ctx.settings);
      const member = (await adapter.readMembers([id])).get(id);
      if (!member) return null;
      const book = await adapter.loadGroups();
      return [...member.kept, ...member.groups].map((g) => book.names.get(g) ?? String(g)).sort();
    },
  };
}

export class ForumAccountGone extends Error {}

async function setPassword(def: ForumDefinition, ctx: ConnectorContext, account: ServiceAccount, password: string) {
  const id = remoteIdOf(await resolveId(def, ctx, account));
  const done = id !== null && (await def.adapter(ctx.settings).setPassword(id, password, await desiredOf(ctx, def.meta, account.userId)));
  if (!done) throw new ForumAccountGone(`${def.meta.title}: the forum account no longer exists`);
}
