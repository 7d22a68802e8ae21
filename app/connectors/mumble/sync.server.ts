/**
 * Mumble's desired-state operations in both modes. The mumble_mumbleuser row is written in both
 * (table mode: it is all the authenticator reads; direct mode: it is the account record). Direct
 * mode also registers the name in murmur and keeps the root channel's ACL groups.
 */
import { ServiceNameTakenError, type ConnectorContext, type DesiredAccount, type ReconcileProgress, type ReconcileReport, type ServiceAccount, type SyncOutcome, type SyncParts } from "~/modules/services/contract";
import { managedGroupNames } from "~/modules/services/desired.server";
import { meta } from "./meta";
import { membershipOf, withMembership, withMurmur, type CallCounter, type MurmurSession, type RootAcl } from "./murmur.server";
import { generateMumblePassword, unknowablePassword } from "./password.server";
import { mumbleSettings } from "./settings";
import { applyRowChanges, disableRow, findRow, groupsColumn, mumbleUsername, nameTaken, rowsOf, saveRow, setRowPassword, type RowChange } from "./store.server";
import { setRemoteUsername } from "~/modules/services/accounts.server";

export class MumbleNameTakenError extends ServiceNameTakenError {}

const direct = (ctx: ConnectorContext) => mumbleSettings(ctx.settings).mode === "direct";
const murmur = <T>(ctx: ConnectorContext, use: (s: MurmurSession) => Promise<T>, counter?: CallCounter) => withMurmur(mumbleSettings(ctx.settings), use, counter);

/** Puts `murmurIds` into exactly the managed groups of `wanted` (per id); one read, at most one write. */
async function setMembership(session: MurmurSession, managed: Set<string>, wanted: Map<number, Set<string>>, read?: RootAcl): Promise<boolean> {
  const acl = read ?? (await session.rootAcl());
  const membership = membershipOf(acl, managed);
  for (const name of managed) if (!membership.has(name)) membership.set(name, new Set());
  let changed = false;
  for (const [name, ids] of membership) {
    for (const [id, groups] of wanted) {
      const want = groups.has(name);
      if (want !== ids.has(id)) {
        changed = true;
        if (want) ids.add(id);
        else ids.delete(id);
      }
    }
  }
  if (changed) await session.setRootAcl(withMembership(session.slice, acl, membership));
  return changed;
}

export async function activate(ctx: ConnectorContext, desired: DesiredAccount) {
  const username = mumbleUsername(desired.name);
  const displayName = desired.name;
  if (!username || (await nameTaken(ctx.db, desired.userId, username, displayName))) throw new MumbleNameTakenError(`the Mumble name ${username} is taken`);
  const password = generateMumblePassword();
  let remoteId = String(desired.userId);
  if (direct(ctx)) {
    const own = await findRow(ctx.db, desired.userId);
    const managed = await managedGroupNames(ctx.db, meta);
    remoteId = String(
      await murmur(ctx, async (s) => {
        const existing = await s.idOf(username);
        // A name registered in murmur is ours to reuse only when it is this user's deactivated account.
        if (existing !== null && own?.username.toLowerCase() !== username.toLowerCase()) throw new MumbleNameTakenError(`the Mumble name ${username} is registered in murmur`);
        const id = existing ?? (await s.register(username, password));
        if (existing !== null) await s.update(id, { name: username, password });
        await setMembership(s, managed, new Map([[id, new Set(desired.groups)]]));
        return id;
      }),
    );
  }
  await saveRow(ctx.db, desired.userId, { username, displayName, password, groups: desired.groups }, ctx.settings.MUMBLE_PASSWORD_COST);
  return { remoteId, remoteUsername: username, password };
}

export async function syncOne(ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts): Promise<SyncOutcome> {
  const row = await findRow(ctx.db, account.userId);
  if (!row) return { kind: "gone" };
  const change: RowChange = { userId: account.userId };
  if (parts.groups && (row.groups ?? "") !== groupsColumn(desired.groups)) change.groups = groupsColumn(desired.groups);
  if (parts.nickname && row.display_name !== desired.name) change.displayName = desired.name;
  let calls = 0;
  if (direct(ctx)) {
    const id = Number(account.remoteId);
    const username = mumbleUsername(desired.name);
    const counter = { calls: 0 };
    const managed = parts.groups ? await managedGroupNames(ctx.db, meta) : new Set<string>();
    const gone = await murmur(
      ctx,
      async (s) => {
        if (parts.nickname && username !== row.username) {
          if (await nameTaken(ctx.db, account.userId, username, desired.name)) throw new MumbleNameTakenError(`the Mumble name ${username} is taken`);
          if (!(await s.update(id, { name: username }))) return true;
          change.username = username;
        }
        if (parts.groups) await setMembership(s, managed, new Map([[id, new Set(desired.groups)]]));
        return false;
      },
      counter,
    );
    if (gone) return { kind: "gone" };
    calls = counter.calls;
    if (change.username) await setRemoteUsername(ctx.db, account.id, change.username);
  }
  const rowChanged = Object.keys(change).length > 1;
  if (rowChanged) await applyRowChanges(ctx.db, [change]);
  return rowChanged || calls > 2 ? { kind: "updated", calls } : { kind: "unchanged" };
}

/** Deactivation: the name stays registered (murmur) and reserved (row) with a password nobody knows. */
export async function disable(ctx: ConnectorContext, account: ServiceAccount) {
  if (direct(ctx) && account.remoteId) {
    const id = Number(account.remoteId);
    const managed = await managedGroupNames(ctx.db, meta);
    await murmur(ctx, async (s) => {
      if (await s.update(id, { password: unknowablePassword() })) await setMembership(s, managed, new Map([[id, new Set()]]));
    });
  }
  await disableRow(ctx.db, account.userId);
}

export async function setPassword(ctx: ConnectorContext, account: ServiceAccount, password: string) {
  if (direct(ctx) && account.remoteId) {
    const ok = await murmur(ctx, (s) => s.update(Number(account.remoteId), { password }));
    if (!ok) throw new Error("the Mumble account is no longer registered in murmur");
  }
  await setRowPassword(ctx.db, account.userId, password, ctx.settings.MUMBLE_PASSWORD_COST);
}

export async function resetPassword(ctx: ConnectorContext, account: ServiceAccount) {
  const password = generateMumblePassword();
  await setPassword(ctx, account, password);
  return password;
}

const cap = (list: string[]) => list.slice(0, 50);

/** Every linked account: rows fixed with one UPDATE per 1,000 changed rows; direct mode reads murmur twice and writes the ACL once. */
export async function reconcileAll(ctx: ConnectorContext, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, parts: SyncParts, progress: ReconcileProgress): Promise<ReconcileReport> {
  const rows = await rowsOf(
    ctx.db,
    accounts.map((a) => a.userId),
  );
  const gone = new Set<number>(accounts.filter((a) => !rows.has(a.userId)).map((a) => a.userId));
  const changes: RowChange[] = [];
  for (const account of accounts) {
    const row = rows.get(account.userId);
    const want = desired.get(account.userId);
    if (!row || !want) continue;
    const change: RowChange = { userId: account.userId };
    if (parts.groups && (row.groups ?? "") !== groupsColumn(want.groups)) change.groups = groupsColumn(want.groups);
    if (parts.nickname && row.display_name !== want.name) change.displayName = want.name;
    if (Object.keys(change).length > 1) changes.push(change);
  }
  const counter = { calls: 0 };
  const lists: Record<string, string[]> = {};
  let remoteChanged = 0;
  if (direct(ctx)) {
    const managed = await managedGroupNames(ctx.db, meta);
    await murmur(
      ctx,
      async (s) => {
        const registered = await s.registeredUsers();
        const wanted = new Map<number, Set<string>>();
        const renamed: string[] = [];
        for (const account of accounts) {
          const id = Number(account.remoteId);
          const want = desired.get(account.userId);
          if (!want || gone.has(account.userId)) continue;
          if (!registered.has(id)) {
            gone.add(account.userId);
            continue;
          }
          wanted.set(id, new Set(want.groups));
          const username = mumbleUsername(want.name);
          if (parts.nickname && registered.get(id) !== username && (await s.update(id, { name: username }))) renamed.push(username);
        }
        // Ids in our groups that no linked account explains (deactivated names, hand-made entries) leave them.
        const acl = await s.rootAcl();
        const stray = new Set<number>();
        for (const ids of membershipOf(acl, managed).values()) for (const id of ids) if (!wanted.has(id)) stray.add(id);
        for (const id of stray) wanted.set(id, new Set());
        if (parts.groups) {
          const before = membershipOf(acl, managed);
          remoteChanged = [...wanted].filter(([id, groups]) => [...managed].some((g) => groups.has(g) !== Boolean(before.get(g)?.has(id)))).length;
          if (remoteChanged) await setMembership(s, managed, wanted, acl);
          lists.strayIds = cap([...stray].map(String));
        }
        lists.renamed = cap(renamed);
        remoteChanged += renamed.length;
      },
      counter,
    );
  }
  const statements = await applyRowChanges(
    ctx.db,
    changes.filter((c) => !gone.has(c.userId)),
  );
  await progress(accounts.length, accounts.length);
  const changedRows = changes.filter((c) => !gone.has(c.userId));
  return {
    changed: Math.max(changedRows.length, remoteChanged),
    goneUserIds: [...gone],
    figures: { rowsChanged: changedRows.length, updateStatements: statements, remoteCalls: counter.calls, remoteChanged },
    lists: { ...lists, changedUsers: cap(changedRows.map((c) => String(c.userId))) },
  };
}
