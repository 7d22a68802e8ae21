/**
 * The permissions audit (the original's `permissions_tool`): who holds which permission, and
 * through what. A permission reaches a user directly, through a group, or through their state
 * (behaviour reference §2.1); superusers hold every permission without any grant.
 *
 * Everything is set-based: the overview runs one grouped query per source for all permissions at
 * once, and the detail page pages over the union of the three sources in SQL.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { containsPattern } from "../../../db/dialect";
import type { DB } from "../../../db/schema";

type Executor = Kysely<DB> | Transaction<DB>;

export const AUDIT_PERMISSION = "permissions_tool.audit_permissions" as const;

export interface PermissionCounts {
  /** Users holding it directly. */
  users: number;
  /** Groups holding it. */
  groups: number;
  /** Distinct members of those groups. */
  groupUsers: number;
  /** States holding it. */
  states: number;
  /** Users whose state holds it. */
  stateUsers: number;
  /** Distinct users holding it by any source (superusers aside). */
  total: number;
}

export interface PermissionOverviewRow extends PermissionCounts {
  id: number;
  appLabel: string;
  codename: string;
  name: string;
  key: string;
}

export interface OverviewOptions {
  /** Matches `app_label.codename` or the description, case-insensitively. */
  search?: string;
  /** Only permissions that someone holds (the original's default view). */
  onlyUsed?: boolean;
}

const ZERO: PermissionCounts = { users: 0, groups: 0, groupUsers: 0, states: 0, stateUsers: 0, total: 0 };

function countMap(rows: { permission_id: number; n: unknown }[]) {
  return new Map(rows.map((r) => [Number(r.permission_id), Number(r.n)]));
}

/** Every (permission, user) pair a grant produces, one select per source. */
function grantPairs(db: Executor) {
  return db
    .selectFrom("user_permissions")
    .select(["permission_id", "user_id"])
    .union(db.selectFrom("group_permissions as gp").innerJoin("user_groups as ug", "ug.group_id", "gp.group_id").select(["gp.permission_id", "ug.user_id"]))
    .union(db.selectFrom("state_permissions as sp").innerJoin("users as u", "u.state_id", "sp.state_id").select(["sp.permission_id", "u.id as user_id"]));
}

/** Every permission with its counts per source: one query for the list, one grouped query per source. */
export async function permissionOverview(db: Executor, options: OverviewOptions = {}): Promise<PermissionOverviewRow[]> {
  const search = options.search?.trim();
  let permissions = db.selectFrom("permissions as p").select(["p.id", "p.app_label", "p.codename", "p.name"]);
  if (search) {
    const pattern = containsPattern(search);
    permissions = permissions.where((eb) =>
      eb.or([
        eb(eb.fn("lower", [eb.fn("concat", ["p.app_label", sql.lit("."), "p.codename"])]), "like", pattern),
        eb(eb.fn("lower", ["p.name"]), "like", pattern),
      ]),
    );
  }
  const [rows, users, groups, groupUsers, states, stateUsers, total] = await Promise.all([
    permissions.orderBy("p.app_label").orderBy("p.codename").execute(),
    db.selectFrom("user_permissions").select((eb) => ["permission_id", eb.fn.count("user_id").distinct().as("n")]).groupBy("permission_id").execute(),
    db.selectFrom("group_permissions").select((eb) => ["permission_id", eb.fn.countAll().as("n")]).groupBy("permission_id").execute(),
    db
      .selectFrom("group_permissions as gp")
      .innerJoin("user_groups as ug", "ug.group_id", "gp.group_id")
      .select((eb) => ["gp.permission_id", eb.fn.count("ug.user_id").distinct().as("n")])
      .groupBy("gp.permission_id")
      .execute(),
    db.selectFrom("state_permissions").select((eb) => ["permission_id", eb.fn.countAll().as("n")]).groupBy("permission_id").execute(),
    db
      .selectFrom("state_permissions as sp")
      .innerJoin("users as u", "u.state_id", "sp.state_id")
      .select((eb) => ["sp.permission_id", eb.fn.count("u.id").distinct().as("n")])
      .groupBy("sp.permission_id")
      .execute(),
    db
      .selectFrom(grantPairs(db).as("h"))
      .select((eb) => ["h.permission_id", eb.fn.count("h.user_id").distinct().as("n")])
      .groupBy("h.permission_id")
      .execute(),
  ]);
  const maps = {
    users: countMap(users),
    groups: countMap(groups),
    groupUsers: countMap(groupUsers),
    states: countMap(states),
    stateUsers: countMap(stateUsers),
    total: countMap(total),
  };
  const result = rows.map((p) => {
    const counts = { ...ZERO };
    for (const key of Object.keys(maps) as (keyof PermissionCounts)[]) counts[key] = maps[key].get(p.id) ?? 0;
    return { id: p.id, appLabel: p.app_label, codename: p.codename, name: p.name, key: `${p.app_label}.${p.codename}`, ...counts };
  });
  return options.onlyUsed ? result.filter((r) => r.users + r.groups + r.states > 0) : result;
}

/** Active superusers: they hold every permission without a grant. */
export async function listSuperusers(db: Executor) {
  return db.selectFrom("users").select(["id", "username"]).where("is_superuser", "=", true).where("is_active", "=", true).orderBy("username").execute();
}

/** `app_label.codename` → the permission row, or undefined (also for malformed keys). */
export async function findPermission(db: Executor, key: string) {
  const dot = key.indexOf(".");
  if (dot <= 0 || dot === key.length - 1 || key.length > 255) return undefined;
  return db
    .selectFrom("permissions")
    .select(["id", "app_label", "codename", "name"])
    .where("app_label", "=", key.slice(0, dot))
    .where("codename", "=", key.slice(dot + 1))
    .executeTakeFirst();
}

export type HolderSource = { type: "user" } | { type: "group"; name: string } | { type: "state"; name: string };

export interface Holder {
  id: number;
  username: string;
  isActive: boolean;
  isSuperuser: boolean;
  mainCharacter: string | null;
  mainCorporation: string | null;
  sources: HolderSource[];
}

export interface PermissionHolders {
  permission: { id: number; appLabel: string; codename: string; name: string; key: string };
  /** Distinct users holding it by any source. */
  total: number;
  holders: Holder[];
  groups: { id: number; name: string; members: number }[];
  states: { id: number; name: string; members: number }[];
  superusers: { id: number; username: string }[];
}

/** Ids of every user holding `permissionId` by any source, as one SQL union. */
function holderIds(db: Executor, permissionId: number) {
  return db
    .selectFrom("user_permissions")
    .select("user_id")
    .where("permission_id", "=", permissionId)
    .union(
      db
        .selectFrom("user_groups as ug")
        .innerJoin("group_permissions as gp", "gp.group_id", "ug.group_id")
        .select("ug.user_id")
        .where("gp.permission_id", "=", permissionId),
    )
    .union(
      db
        .selectFrom("users as u")
        .innerJoin("state_permissions as sp", "sp.state_id", "u.state_id")
        .select("u.id as user_id")
        .where("sp.permission_id", "=", permissionId),
    );
}

/**
 * Who holds a permission and through what: a page of holders ordered by username (each with every
 * source that grants it), the groups and states holding it with their member counts, and the
 * superusers. A fixed number of queries whatever the number of holders.
 */
export async function permissionHolders(
  db: Executor,
  permission: { id: number; app_label: string; codename: string; name: string },
  page: { limit: number; offset: number } = { limit: 200, offset: 0 },
): Promise<PermissionHolders> {
  const pid = permission.id;
  const [totalRow, users, groups, states, superusers] = await Promise.all([
    db
      .selectFrom(holderIds(db, pid).as("h"))
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("users as u")
      .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
      .select(["u.id", "u.username", "u.is_active", "u.is_superuser", "c.character_name", "c.corporation_name"])
      .where("u.id", "in", holderIds(db, pid))
      .orderBy("u.username")
      .orderBy("u.id")
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom("group_permissions as gp")
      .innerJoin("auth_groups as g", "g.id", "gp.group_id")
      .leftJoin("user_groups as ug", "ug.group_id", "g.id")
      .select((eb) => ["g.id", "g.name", eb.fn.count("ug.user_id").as("members")])
      .where("gp.permission_id", "=", pid)
      .groupBy(["g.id", "g.name"])
      .orderBy("g.name")
      .execute(),
    db
      .selectFrom("state_permissions as sp")
      .innerJoin("states as s", "s.id", "sp.state_id")
      .leftJoin("users as u", "u.state_id", "s.id")
      .select((eb) => ["s.id", "s.name", "s.priority", eb.fn.count("u.id").as("members")])
      .where("sp.permission_id", "=", pid)
      .groupBy(["s.id", "s.name", "s.priority"])
      .orderBy("s.priority", "desc")
      .execute(),
    listSuperusers(db),
  ]);

  const ids = users.map((u) => u.id);
  const sources = new Map<number, HolderSource[]>(ids.map((id) => [id, []]));
  if (ids.length) {
    const [direct, viaGroups, viaState] = await Promise.all([
      db.selectFrom("user_permissions").select("user_id").where("permission_id", "=", pid).where("user_id", "in", ids).execute(),
      db
        .selectFrom("user_groups as ug")
        .innerJoin("group_permissions as gp", "gp.group_id", "ug.group_id")
        .innerJoin("auth_groups as g", "g.id", "ug.group_id")
        .select(["ug.user_id", "g.name"])
        .where("gp.permission_id", "=", pid)
        .where("ug.user_id", "in", ids)
        .orderBy("g.name")
        .execute(),
      db
        .selectFrom("users as u")
        .innerJoin("state_permissions as sp", "sp.state_id", "u.state_id")
        .innerJoin("states as s", "s.id", "u.state_id")
        .select(["u.id as user_id", "s.name"])
        .where("sp.permission_id", "=", pid)
        .where("u.id", "in", ids)
        .execute(),
    ]);
    for (const row of direct) sources.get(row.user_id)?.push({ type: "user" });
    for (const row of viaGroups) sources.get(row.user_id)?.push({ type: "group", name: row.name });
    for (const row of viaState) sources.get(row.user_id)?.push({ type: "state", name: row.name });
  }

  return {
    permission: { id: pid, appLabel: permission.app_label, codename: permission.codename, name: permission.name, key: `${permission.app_label}.${permission.codename}` },
    total: Number(totalRow.n),
    holders: users.map((u) => ({
      id: u.id,
      username: u.username,
      isActive: Boolean(u.is_active),
      isSuperuser: Boolean(u.is_superuser),
      mainCharacter: u.character_name,
      mainCorporation: u.corporation_name,
      sources: sources.get(u.id) ?? [],
    })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, members: Number(g.members) })),
    states: states.map((s) => ({ id: s.id, name: s.name, members: Number(s.members) })),
    superusers,
  };
}
