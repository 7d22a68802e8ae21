/** Permission catalogue sync and effective-permission lookup (own ∪ groups'; superuser: all). */
import { type Expression, type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { dialectOf, inIds } from "../../../db/dialect";
import { permissionCatalogue } from "../permission-registry";
import { type PermissionDeclaration, type PermissionKey, permissionKey } from "./permission-types";

type Executor = Kysely<DB> | Transaction<DB>;

/** Inserts declared permissions that are missing and refreshes descriptions. Never deletes grants. */
export async function syncPermissionCatalogue(db: Executor, catalogue: PermissionDeclaration[] = permissionCatalogue()) {
  const existing = await db.selectFrom("permissions").select(["id", "app_label", "codename", "name"]).execute();
  const byKey = new Map(existing.map((row) => [`${row.app_label}.${row.codename}`, row]));
  const missing = catalogue.filter((p) => !byKey.has(permissionKey(p)));
  catalogueCache.delete(db);
  if (missing.length) {
    await db
      .insertInto("permissions")
      .values(missing.map((p) => ({ app_label: p.appLabel, codename: p.codename, name: p.name })))
      .execute();
  }
  for (const p of catalogue) {
    const row = byKey.get(permissionKey(p));
    if (row && row.name !== p.name) await db.updateTable("permissions").set({ name: p.name }).where("id", "=", row.id).execute();
  }
  return { inserted: missing.length };
}

export interface PermissionSubject {
  id: number;
  is_active: boolean;
  is_superuser: boolean;
}

const CATALOGUE_TTL_MS = 30_000;
const catalogueCache = new WeakMap<object, { until: number; keys: PermissionKey[] }>();

/** Every permission key (what a superuser holds); cached briefly, it changes only at migrate time. */
async function allPermissionKeys(db: Executor): Promise<PermissionKey[]> {
  const cached = catalogueCache.get(db);
  if (cached && cached.until > Date.now()) return cached.keys;
  const all = await db.selectFrom("permissions").select(["app_label", "codename"]).execute();
  const keys = all.map((p) => `${p.app_label}.${p.codename}` as PermissionKey);
  catalogueCache.set(db, { until: Date.now() + CATALOGUE_TTL_MS, keys });
  return keys;
}

/**
 * The ids of the permissions the user whose id is `userId` (a value or a column) holds: own ∪
 * groups' ∪ state's, one union that reads each path once. Superusers and inactive users are decided
 * by the caller. UNION, not UNION ALL: with duplicates (one per group granting a key) the session
 * statement's JSON_ARRAYAGG would grow with the groups, and MariaDB bounds it (below); decision 0065.
 */
function heldPermissionIds(db: Executor, userId: number | Expression<number>) {
  return db
    .selectFrom("user_permissions as up")
    .select("up.permission_id")
    .where("up.user_id", "=", userId)
    .union(db.selectFrom("group_permissions as gp").innerJoin("user_groups as ug", "ug.group_id", "gp.group_id").select("gp.permission_id").where("ug.user_id", "=", userId))
    .union(db.selectFrom("state_permissions as sp").innerJoin("users as su", "su.state_id", "sp.state_id").select("sp.permission_id").where("su.id", "=", userId));
}

/** The given keys as a set; superusers hold every permission, inactive users none. */
export async function permissionSet(db: Executor, user: PermissionSubject, keys: Iterable<string>): Promise<Set<PermissionKey>> {
  if (!user.is_active) return new Set();
  if (user.is_superuser) return new Set(await allPermissionKeys(db));
  return new Set(keys as Iterable<PermissionKey>);
}

/**
 * Every `app_label.codename` the user whose id is `userId` holds, as one value of the row (a
 * PostgreSQL text array, a MySQL/MariaDB JSON array; null when none): the session statement reads
 * one row however many permissions its user holds. Read it with `heldKeysOf`. (MariaDB bounds
 * JSON_ARRAYAGG by group_concat_max_len, 1 MB by default: the whole catalogue is about 5 KB; a
 * truncated list would not parse, so it fails rather than drops keys.)
 */
export function heldKeysColumn(db: Executor, userId: Expression<number>) {
  const key = sql<string>`concat(${sql.ref("p.app_label")}, '.', ${sql.ref("p.codename")})`;
  const aggregate = dialectOf(db) === "mysql" ? sql<unknown>`json_arrayagg(${key})` : sql<unknown>`array_agg(${key})`;
  return db.selectFrom(heldPermissionIds(db, userId).as("h")).innerJoin("permissions as p", "p.id", "h.permission_id").select(aggregate.as("keys")).$asScalar();
}

/** The keys `heldKeysColumn` read: a PostgreSQL array, or JSON that mysql2 hands over as text or already parsed (where it sees the JSON type, as in prepared reads). */
export function heldKeysOf(value: unknown): string[] {
  const keys = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (keys === null || keys === undefined) return [];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) throw new Error("held permission keys: not a list of strings");
  return keys;
}

/** The set of `app_label.codename` a user holds: own ∪ groups' ∪ state's, in one query; superusers hold all. */
export async function getEffectivePermissions(db: Executor, user: PermissionSubject): Promise<Set<PermissionKey>> {
  if (!user.is_active || user.is_superuser) return permissionSet(db, user, []);
  const rows = await db
    .selectFrom(heldPermissionIds(db, user.id).as("h"))
    .innerJoin("permissions as p", "p.id", "h.permission_id")
    .select(["p.app_label", "p.codename"])
    .execute();
  return permissionSet(db, user, rows.map((row) => `${row.app_label}.${row.codename}`));
}

export async function findPermissionId(db: Executor, key: PermissionKey): Promise<number | undefined> {
  const [appLabel, codename] = key.split(".");
  const row = await db
    .selectFrom("permissions")
    .select("id")
    .where("app_label", "=", appLabel)
    .where("codename", "=", codename)
    .executeTakeFirst();
  return row?.id;
}

/** The states whose permissions include `key`. */
export async function statesWithPermission(db: Executor, key: PermissionKey): Promise<Set<number>> {
  const permissionId = await findPermissionId(db, key);
  if (permissionId === undefined) return new Set();
  const rows = await db.selectFrom("state_permissions").select("state_id").where("permission_id", "=", permissionId).execute();
  return new Set(rows.map((r) => r.state_id));
}

/** Of `userIds`, those who do not hold `key` by any path (own, group, state); superusers hold everything. */
export async function usersWithoutPermission(db: Executor, userIds: number[], key: PermissionKey): Promise<number[]> {
  if (userIds.length === 0) return [];
  const permissionId = await findPermissionId(db, key);
  if (permissionId === undefined) return [];
  // Three anti-joins (not "not (a or b or c)"), which the planners turn into hashed anti-joins.
  const rows = await db
    .selectFrom("users as u")
    .select("u.id")
    .where(inIds(db, "u.id", [...new Set(userIds)]))
    .where("u.is_superuser", "=", false)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("user_permissions as up").select("up.user_id").whereRef("up.user_id", "=", "u.id").where("up.permission_id", "=", permissionId))))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("user_groups as ug")
            .innerJoin("group_permissions as gp", "gp.group_id", "ug.group_id")
            .select("ug.user_id")
            .whereRef("ug.user_id", "=", "u.id")
            .where("gp.permission_id", "=", permissionId),
        ),
      ),
    )
    .where((eb) => eb.not(eb.exists(eb.selectFrom("state_permissions as sp").select("sp.state_id").whereRef("sp.state_id", "=", "u.state_id").where("sp.permission_id", "=", permissionId))))
    .execute();
  return rows.map((r) => r.id);
}
