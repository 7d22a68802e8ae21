/**
 * Discourse as a Connector. The account is made by Discourse itself on the member's first
 * DiscourseConnect login (connect.server.ts links it); the admin API then keeps the member's groups
 * (ours and the state's, created when missing) and, on loss of access, logs the member out and
 * suspends them (lifted again on the next permitted login). The reconcile (reconcile.server.ts) also lists
 * forum users holding our groups without a link.
 */
import type { Settings } from "~/config.server";
import type { Connector, ConnectorContext, DesiredAccount, ServiceAccount, SyncOutcome, SyncParts } from "~/modules/services/contract";
import { reservedNames } from "~/modules/services/desired.server";
import { planChanged, planGroups } from "~/modules/services/group-plan";
import { DiscourseClient, type DiscourseGroup } from "./api.server";
import { meta } from "./meta";
import { reconcileDiscourse } from "./reconcile.server";

export function discourseConfigured(settings: Settings) {
  return Boolean(settings.DISCOURSE_URL && settings.DISCOURSE_API_KEY && settings.DISCOURSE_API_USERNAME && settings.DISCOURSE_SSO_SECRET);
}

export const discourseClient = (settings: Settings) => new DiscourseClient({ url: settings.DISCOURSE_URL, apiKey: settings.DISCOURSE_API_KEY, apiUsername: settings.DISCOURSE_API_USERNAME });

/** The forum's non-automatic groups by lower-cased name, cached DISCOURSE_GROUP_CACHE_MAX_AGE seconds per forum. */
const groupCache = new Map<string, { at: number; byName: Map<string, DiscourseGroup> }>();

async function groupBook(settings: Settings, api: DiscourseClient, fresh = false) {
  const cached = groupCache.get(settings.DISCOURSE_URL);
  if (!fresh && cached && Date.now() - cached.at < settings.DISCOURSE_GROUP_CACHE_MAX_AGE * 1000) return cached.byName;
  const byName = new Map((await api.groups()).filter((g) => !g.automatic).map((g) => [g.name.toLowerCase(), g]));
  groupCache.set(settings.DISCOURSE_URL, { at: Date.now(), byName });
  return byName;
}

/** Ids of the wanted groups, created when missing (the list is read fresh once before creating). */
async function groupIds(settings: Settings, api: DiscourseClient, names: string[]) {
  let book = await groupBook(settings, api);
  if (names.some((n) => !book.has(n.toLowerCase()))) book = await groupBook(settings, api, true);
  const out = new Map<string, number>();
  for (const name of names) {
    let group = book.get(name.toLowerCase());
    if (!group) {
      group = await api.createGroup(name);
      book.set(name.toLowerCase(), group);
    }
    out.set(name.toLowerCase(), group.id);
  }
  return out;
}

/**
 * The id Discourse knows the member by (SSO external_id): the account's remote id, which is our user
 * id for accounts linked here and the original's user id for accounts imported from Alliance Auth.
 */
export function externalIdOf(account: Pick<ServiceAccount, "userId" | "remoteId">): number {
  return account.remoteId && /^\d+$/.test(account.remoteId) ? Number(account.remoteId) : account.userId;
}

/** One member's groups; also returns the Discourse username (the reconcile's linked set). */
async function syncMember(ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts, api: DiscourseClient): Promise<{ outcome: SyncOutcome; username: string | null }> {
  const user = await api.userByExternalId(externalIdOf(account));
  if (!user) return { outcome: { kind: "gone" }, username: null };
  const done = (outcome: SyncOutcome) => ({ outcome, username: user.username });
  if (!parts.groups) return done({ kind: "unchanged" });
  const current = (user.groups ?? []).filter((g) => !g.automatic);
  const plan = planGroups({ wanted: desired.groups, current: current.map((g) => g.name), normalise: (n) => n.toLowerCase(), reserved: await reservedNames(ctx.db) });
  if (!planChanged(plan)) return done({ kind: "unchanged" });
  const ids = await groupIds(ctx.settings, api, plan.add);
  for (const name of plan.add) await api.addMember(ids.get(name.toLowerCase())!, user.username);
  for (const name of plan.remove) await api.removeMember(current.find((g) => g.name === name)!.id, user.username);
  return done({ kind: "updated", calls: api.stats.writes });
}

export const discourseConnector: Connector = {
  meta,
  isConfigured: discourseConfigured,
  activation: { kind: "link", url: (settings) => `${settings.DISCOURSE_URL}/session/sso?return_path=%2F` },
  syncAccount: async (ctx, account, desired, parts) => (await syncMember(ctx, account, desired, parts, discourseClient(ctx.settings))).outcome,
  reconcile: (ctx, accounts, desired, parts, progress) => reconcileDiscourse(ctx, discourseClient(ctx.settings), syncMember, accounts, desired, parts, progress),
  disableAccount: async (ctx, account) => {
    const api = discourseClient(ctx.settings);
    const user = await api.userByExternalId(externalIdOf(account));
    if (!user) return;
    await api.logOut(user.id);
    if (!user.suspended_till) await api.suspend(user.id);
  },
  remoteGroups: async (ctx, account) => {
    const user = await discourseClient(ctx.settings).userByExternalId(externalIdOf(account));
    return user ? (user.groups ?? []).filter((g) => !g.automatic).map((g) => g.name).sort() : null;
  },
  describe: (settings, account) => ({ url: settings.DISCOURSE_URL || null, username: account?.remoteUsername ?? null }),
};
