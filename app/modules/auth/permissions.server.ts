/** Permission catalogue sync and effective-permission lookup (own ∪ groups'; superuser: all). */
import { type Kysely, sql, type Transaction } from "kysely";
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
/**
 * The catalogue as read: every key (what a superuser holds) and each row's key by id. A row's key
 * never changes and no row is deleted (syncPermissionCatalogue and the importer only insert; the
 * admin lists them without deleting), so an id once read keeps its key; an id not read yet (a
 * permission added since) makes the catalogue read again.
 */
interface Catalogue {
  until: number;
  keys: PermissionKey[];
  byId: Map<number, PermissionKey>;
}
const catalogueCache = new WeakMap<object, Catalogue>();

async function readCatalogue(db: Executor): Promise<Catalogue> {
  const rows = await db.selectFrom("permissions").select(["id", "app_label", "codename"]).execute();
  const byId = new Map(rows.map((p) => [Number(p.id), `${p.app_label}.${p.codename}` as PermissionKey]));
  const catalogue = { until: Date.now() + CATALOGUE_TTL_MS, keys: [...byId.values()], byId };
  catalogueCache.set(db, catalogue);
  return catalogue;
}

/** Every permission key (what a superuser holds); cached briefly, it changes only at migrate time. */
async function allPermissionKeys(db: Executor): Promise<PermissionKey[]> {
  const cached = catalogueCache.get(db);
  if (cached && cached.until > Date.now()) return cached.keys;
  return (await readCatalogue(db)).keys;
}

/** The keys of permission ids (repeats dropped); an id the catalogue does not have is an error, not a key dropped. */
export async function keysOfPermissionIds(db: Executor, ids: Iterable<number>): Promise<PermissionKey[]> {
  let catalogue = catalogueCache.get(db);
  const keys = new Set<PermissionKey>();
  for (const id of ids) {
    let key = catalogue?.byId.get(id);
    if (key === undefined) {
      catalogue = await readCatalogue(db);
      key = catalogue.byId.get(id);
      if (key === undefined) throw new Error(`permission ${id}: not in the catalogue`);
    }
    keys.add(key);
  }
  return [...keys];
}

/**
 * The ids of the permissions the user whose id is `userId` holds: own ∪ groups' ∪ state's, one
 * union that reads each path once (getEffectivePermissions; the session statement reads the paths
 * apart, heldIdsColumns). Superusers and inactive users are decided by the caller.
 */
function heldPermissionIds(db: Executor, userId: number) {
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
 * The ids of the permissions a user holds, as three values of the row they are selected on: their
 * own (`u.id`), their groups' and their state's (`u.state_id`), each aggregated (a PostgreSQL integer
 * array, a MySQL/MariaDB JSON array; null when none; the groups' may repeat an id). The session
 * statement reads them so, without a union or a join to the catalogue (MariaDB materialises both
 * per execution); `keysOfPermissionIds` names them from the catalogue this process keeps. Read them
 * with `heldIdsOf`. (MariaDB bounds JSON_ARRAYAGG by group_concat_max_len, 1 MB by default; a
 * truncated list would not parse, so it fails rather than drops ids.)
 */
export function heldIdsColumns(db: Executor) {
  // Correlated with the statement's `users as u`.
  const aggregate = (column: string) => (dialectOf(db) === "mysql" ? sql<unknown>`json_arrayagg(${sql.ref(column)})` : sql<unknown>`array_agg(${sql.ref(column)})`);
  return [
    db.selectFrom("user_permissions as hp").select(aggregate("hp.permission_id").as("ids")).where("hp.user_id", "=", sql.ref<number>("u.id")).$asScalar().as("own_permission_ids"),
    db
      .selectFrom("user_groups as hg")
      .innerJoin("group_permissions as hgp", "hgp.group_id", "hg.group_id")
      .select(aggregate("hgp.permission_id").as("ids"))
      .where("hg.user_id", "=", sql.ref<number>("u.id"))
      .$asScalar()
      .as("group_permission_ids"),
    db.selectFrom("state_permissions as hsp").select(aggregate("hsp.permission_id").as("ids")).where("hsp.state_id", "=", sql.ref<number>("u.state_id")).$asScalar().as("state_permission_ids"),
  ] as const;
}

/** The ids `heldIdsColumns` read, from one of its values: a PostgreSQL array, or JSON that mysql2 hands over as text or already parsed (where it sees the JSON type, as in prepared reads). */
export function heldIdsOf(value: unknown): number[] {
  const ids = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (ids === null || ids === undefined) return [];
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id))) throw new Error("held permission ids: not a list of integers");
  return ids as number[];
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
