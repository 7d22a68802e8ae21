/**
 * Discord desired state → guild: one member (per-user job, activation) or every linked member
 * (reconcile: members read in pages of 1,000, one PATCH per member that differs, none otherwise).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { DesiredAccount, ReconcileProgress, ReconcileReport, ServiceAccount, SyncOutcome, SyncParts } from "~/modules/services/contract";
import type { DiscordMember, DiscordPort, DiscordRole } from "./port";
import { planRoles, roleByName } from "./roles";
import { reservedNames } from "~/modules/services/desired.server";

export const MEMBER_PAGE = 1000;

export interface DiscordSyncOptions {
  syncNames: boolean;
  disableRoleCreation: boolean;
}

export { reservedNames } from "~/modules/services/desired.server";

/** Guild roles, with missing wanted roles created (fresh list first, so no duplicate names). */
export class RoleBook {
  private roles: DiscordRole[] = [];
  private fresh = false;
  constructor(
    private readonly port: DiscordPort,
    private readonly options: DiscordSyncOptions,
  ) {}

  async load(force = false) {
    if (force || this.roles.length === 0) {
      this.roles = await this.port.listRoles();
      this.fresh = true;
    }
    return this.roles;
  }

  get list() {
    return this.roles;
  }

  has(id: string) {
    return this.roles.some((r) => r.id === id);
  }

  /** Makes sure roles named `names` exist (unless creation is disabled); returns how many were created. */
  async ensure(names: string[]) {
    if (names.length === 0 || this.options.disableRoleCreation) return 0;
    if (!this.fresh) await this.load(true);
    const byName = roleByName(this.roles, this.port.guildId);
    let created = 0;
    for (const name of names) {
      if (byName.has(name)) continue;
      const role = await this.port.createRole(name);
      this.roles.push(role);
      byName.set(name, role);
      created++;
    }
    return created;
  }

  /** Member holds role ids this list lacks: refetch once. */
  async coverMember(member: DiscordMember) {
    if (member.roles.some((id) => id !== this.port.guildId && !this.has(id)) && !this.fresh) await this.load(true);
  }
}

export interface MemberPatch {
  roles?: string[];
  nick?: string | null;
}

/** The PATCH body a member needs, or null when it already matches. */
export async function memberPatch(book: RoleBook, port: DiscordPort, member: DiscordMember, desired: DesiredAccount, parts: SyncParts, options: DiscordSyncOptions, reserved: Set<string>): Promise<MemberPatch | null> {
  const patch: MemberPatch = {};
  if (parts.groups) {
    await book.coverMember(member);
    let plan = planRoles({ guildId: port.guildId, roles: book.list, wantedNames: desired.groups, currentRoleIds: member.roles, reservedNames: reserved });
    if (plan.missing.length && (await book.ensure(plan.missing)) > 0) {
      plan = planRoles({ guildId: port.guildId, roles: book.list, wantedNames: desired.groups, currentRoleIds: member.roles, reservedNames: reserved });
    }
    if (plan.changed) patch.roles = plan.roleIds;
  }
  if (parts.nickname && options.syncNames && desired.name && (member.nick ?? "") !== desired.name) patch.nick = desired.name;
  return Object.keys(patch).length ? patch : null;
}

export async function syncMember(db: Kysely<DB>, port: DiscordPort, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts, options: DiscordSyncOptions): Promise<SyncOutcome> {
  if (!account.remoteId) return { kind: "gone" };
  const book = new RoleBook(port, options);
  if (parts.groups) await book.load();
  const member = await port.getMember(account.remoteId);
  if (!member) return { kind: "gone" };
  const patch = await memberPatch(book, port, member, desired, parts, options, await reservedNames(db));
  if (!patch) return { kind: "unchanged" };
  return (await port.modifyMember(account.remoteId, patch)) ? { kind: "updated", calls: 1 } : { kind: "gone" };
}

/** Reads every member (pages of MEMBER_PAGE, by user id). */
export async function readAllMembers(port: DiscordPort) {
  const members = new Map<string, DiscordMember>();
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await port.listMembers(after, MEMBER_PAGE);
    pages++;
    for (const m of page) members.set(m.user.id, m);
    if (page.length < MEMBER_PAGE) break;
    after = page[page.length - 1].user.id;
  }
  return { members, pages };
}

const LIST_CAP = 200;

/** The bulk reconcile and its drift report (what differed, what we cannot explain). */
export async function reconcileGuild(
  db: Kysely<DB>,
  port: DiscordPort,
  accounts: ServiceAccount[],
  desired: Map<number, DesiredAccount>,
  parts: SyncParts,
  options: DiscordSyncOptions,
  progress: ReconcileProgress,
  managedGroupNames: Set<string>,
): Promise<ReconcileReport> {
  const before = port.stats();
  const book = new RoleBook(port, options);
  await book.load();
  const { members, pages } = await readAllMembers(port);
  const reserved = await reservedNames(db);
  const goneUserIds: number[] = [];
  const lists: Record<string, string[]> = { changedMembers: [], goneAccounts: [], unlinkedHolders: [], orphanRoles: [], failed: [] };
  let changed = 0;
  let failed = 0;
  const linkedRemote = new Set<string>();
  for (const [i, account] of accounts.entries()) {
    const want = desired.get(account.userId);
    const member = account.remoteId ? members.get(account.remoteId) : undefined;
    if (account.remoteId) linkedRemote.add(account.remoteId);
    if (!member) {
      goneUserIds.push(account.userId);
      push(lists.goneAccounts, `${account.remoteUsername ?? account.remoteId} (user ${account.userId})`);
    } else if (want) {
      try {
        const patch = await memberPatch(book, port, member, want, parts, options, reserved);
        if (patch) {
          if (await port.modifyMember(account.remoteId!, patch)) {
            changed++;
            push(lists.changedMembers, `${account.remoteUsername ?? account.remoteId}: ${Object.keys(patch).join("+")}`);
          } else goneUserIds.push(account.userId);
        }
      } catch (error) {
        failed++;
        push(lists.failed, `${account.remoteUsername ?? account.remoteId}: ${(error as Error).message}`);
      }
    }
    if ((i + 1) % 100 === 0 || i + 1 === accounts.length) await progress(i + 1, accounts.length);
  }
  // Roles we manage: the ones named after a group or state. Who holds them without a linked account?
  const managedIds = new Set(book.list.filter((r) => !r.managed && managedGroupNames.has(r.name)).map((r) => r.id));
  for (const m of members.values()) {
    if (!linkedRemote.has(m.user.id) && m.roles.some((id) => managedIds.has(id))) push(lists.unlinkedHolders, `${m.user.username} (${m.user.id})`);
  }
  // Roles no group or state names and no reservation keeps: the sync strips them from linked members.
  for (const r of book.list) {
    if (r.id !== port.guildId && !r.managed && !managedGroupNames.has(r.name) && !reserved.has(r.name.toLowerCase())) push(lists.orphanRoles, r.name);
  }
  const after = port.stats();
  return {
    changed,
    goneUserIds,
    figures: {
      members: members.size,
      pageReads: pages,
      reads: after.reads - before.reads,
      patches: after.writes - before.writes,
      rateLimited: after.rateLimited - before.rateLimited,
      failed,
      unlinkedHolders: lists.unlinkedHolders.length,
      goneAccounts: lists.goneAccounts.length,
      orphanRoles: lists.orphanRoles.length,
    },
    lists,
  };
}

function push(list: string[], value: string) {
  if (list.length < LIST_CAP) list.push(value);
}
