/**
 * After an import: per user, our stored state, groups, effective permissions and main against what
 * the source database implies (AA's rules: superusers hold every permission, inactive users none,
 * otherwise direct ∪ groups' ∪ state's). Also lists users whose stored state our rules would change.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { getEffectivePermissions } from "../auth/permissions.server";
import { computeStateChanges } from "../states/evaluate.server";
import { bool, type ImportReport } from "./context.server";
import type { Source } from "./source.server";
import { groupBy } from "../group-by";

export interface SourceUserView {
  username: string;
  state: string | null;
  groups: string[];
  permissions: string[];
  mainCharacterId: number | null;
  isSuperuser: boolean;
}

function groupRows(rows: Record<string, unknown>[], key: string, value: string) {
  return groupBy(rows, (r) => String(r[key]), (r) => String(r[value]));
}

/** What the source implies for every user, keyed by source user id. */
export async function sourceUserViews(source: Source): Promise<Map<string, SourceUserView>> {
  const perms = await source.query("select p.id, concat(ct.app_label, '.', p.codename) as k from auth_permission p join django_content_type ct on ct.id = p.content_type_id");
  const permKey = new Map(perms.map((p) => [String(p.id), String(p.k)]));
  const allKeys = [...new Set(permKey.values())].sort();
  const groupNames = new Map((await source.query("select id, name from auth_group")).map((g) => [String(g.id), String(g.name)]));
  const userGroups = groupRows(await source.query("select user_id, group_id from auth_user_groups"), "user_id", "group_id");
  const groupPerms = groupRows(await source.query("select group_id, permission_id from auth_group_permissions"), "group_id", "permission_id");
  const userPerms = groupRows(await source.query("select user_id, permission_id from auth_user_user_permissions"), "user_id", "permission_id");
  const statePerms = groupRows(await source.query("select state_id, permission_id from authentication_state_permissions"), "state_id", "permission_id");
  const users = await source.query(
    `select u.id, u.username, u.is_active, u.is_superuser, p.state_id, s.name as state_name, c.character_id as main
       from auth_user u left join authentication_userprofile p on p.user_id = u.id
       left join authentication_state s on s.id = p.state_id left join eveonline_evecharacter c on c.id = p.main_character_id`,
  );
  const views = new Map<string, SourceUserView>();
  for (const u of users) {
    const id = String(u.id);
    const groups = userGroups.get(id) ?? [];
    let permissions: string[] = [];
    if (bool(u.is_active)) {
      if (bool(u.is_superuser)) permissions = allKeys;
      else {
        const keys = new Set<string>();
        const add = (ids: string[] | undefined) => ids?.forEach((p) => keys.add(permKey.get(p)!));
        add(userPerms.get(id));
        for (const g of groups) add(groupPerms.get(g));
        add(statePerms.get(String(u.state_id)));
        permissions = [...keys].sort();
      }
    }
    views.set(id, {
      username: String(u.username),
      state: u.state_name === null ? null : String(u.state_name),
      groups: groups.map((g) => groupNames.get(g)!).sort(),
      permissions,
      mainCharacterId: u.main === null ? null : Number(u.main),
      isSuperuser: bool(u.is_superuser),
    });
  }
  return views;
}

/** Our view of one user, the same shape. */
export async function ourUserView(db: Kysely<DB>, userId: number) {
  const user = await db
    .selectFrom("users as u")
    .leftJoin("states as s", "s.id", "u.state_id")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .select(["u.id", "u.username", "u.is_active", "u.is_superuser", "s.name as state", "c.character_id as main"])
    .where("u.id", "=", userId)
    .executeTakeFirstOrThrow();
  const groups = await db.selectFrom("user_groups as ug").innerJoin("auth_groups as g", "g.id", "ug.group_id").select("g.name").where("ug.user_id", "=", userId).execute();
  const permissions = [...(await getEffectivePermissions(db, { id: user.id, is_active: Boolean(user.is_active), is_superuser: Boolean(user.is_superuser) }))].sort();
  return { username: user.username, state: user.state, groups: groups.map((g) => g.name).sort(), permissions, mainCharacterId: user.main === null ? null : Number(user.main) };
}

export async function compareWithSource(source: Source, db: Kysely<DB>, report: ImportReport) {
  const views = await sourceUserViews(source);
  const map = await db.selectFrom("import_map").select(["source_id", "target_id"]).where("source_table", "=", "auth_user").execute();
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const { source_id, target_id } of map) {
    const theirs = views.get(source_id);
    if (!theirs) continue;
    const ours = await ourUserView(db, Number(target_id));
    for (const field of ["state", "groups", "mainCharacterId"] as const) {
      if (!same(ours[field], theirs[field])) report.differences.push({ username: theirs.username, field, ours: ours[field], source: theirs[field] });
    }
    // A superuser holds every permission here too, which may be more than the source had.
    const permsDiffer = theirs.isSuperuser ? theirs.permissions.some((p) => !(ours.permissions as string[]).includes(p)) : !same(ours.permissions, theirs.permissions);
    if (permsDiffer) report.differences.push({ username: theirs.username, field: "permissions", ours: ours.permissions, source: theirs.permissions });
  }
  const names = new Map((await db.selectFrom("states").select(["id", "name"]).execute()).map((s) => [s.id, s.name]));
  report.stateRuleExceptions = (await computeStateChanges(db)).map((c) => ({ username: c.username, stored: c.from === null ? null : (names.get(c.from) ?? null), rules: names.get(c.to) ?? null }));
}
