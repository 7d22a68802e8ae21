/**
 * Desired state, from our data alone, set-based: for a batch of users, whether they may hold the
 * service (active, has a main, holds the access permission by any path) and what the remote side
 * should show (name from the name format, groups + state as remote group names).
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { usersWithoutPermission } from "../auth/permissions.server";
import { permissionKey } from "../auth/permission-types";
import type { DesiredAccount } from "./contract";
import type { ConnectorMeta } from "./meta";
import { DEFAULT_SERVICE_NAME_FORMAT, formatServiceName, type NameFormatSubject } from "./name-format";
import { groupBy } from "../group-by";

type Executor = Kysely<DB> | Transaction<DB>;

export interface ServiceSubject {
  userId: number;
  username: string;
  stateId: number | null;
  stateName: string | null;
  groupNames: string[];
  nameSubject: NameFormatSubject;
  /** May hold the service now (the original's service_active_for_user, plus active and a main). */
  hasAccess: boolean;
  desired: DesiredAccount;
}

/** Reserved group names, lower-cased: remote groups/roles with these names are never removed. */
export async function reservedNames(db: Executor) {
  const rows = await db.selectFrom("reserved_group_names").select("name").execute();
  return new Set(rows.map((r) => r.name.toLowerCase()));
}

/** Remote group names a service manages: every group and state name, sanitised for it (empty results dropped). */
export async function managedGroupNames(db: Executor, meta: ConnectorMeta): Promise<Set<string>> {
  const [groups, states] = await Promise.all([db.selectFrom("auth_groups").select("name").execute(), db.selectFrom("states").select("name").execute()]);
  return new Set([...groups, ...states].map((r) => meta.sanitiseGroupName(r.name)).filter(Boolean));
}

export interface NameFormatRule {
  format: string;
  defaultToUsername: boolean;
}

/** The configured format per state for one service (the original's NameFormatConfig lookup). */
export async function nameFormatRules(db: Executor, service: string): Promise<Map<number, NameFormatRule>> {
  const rows = await db
    .selectFrom("service_name_format_states as s")
    .innerJoin("service_name_formats as f", "f.id", "s.name_format_id")
    .select(["s.state_id", "f.format", "f.default_to_username"])
    .where("f.service", "=", service)
    .execute();
  return new Map(rows.map((r) => [r.state_id, { format: r.format, defaultToUsername: Boolean(r.default_to_username) }]));
}

export function ruleFor(meta: ConnectorMeta, rules: Map<number, NameFormatRule>, stateId: number | null): NameFormatRule {
  return (stateId !== null && rules.get(stateId)) || { format: meta.defaultNameFormat || DEFAULT_SERVICE_NAME_FORMAT, defaultToUsername: true };
}

/** Desired remote group names: the user's groups plus the state name, sanitised, de-duplicated. */
export function desiredGroups(meta: ConnectorMeta, groupNames: string[], stateName: string | null) {
  const names = stateName ? [...groupNames, stateName] : groupNames;
  return [...new Set(names.map((n) => meta.sanitiseGroupName(n)).filter(Boolean))];
}

export async function loadServiceSubjects(db: Executor, meta: ConnectorMeta, userIds: number[]): Promise<Map<number, ServiceSubject>> {
  const out = new Map<number, ServiceSubject>();
  const rules = await nameFormatRules(db, meta.id);
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return out;
  const users = await db
    .selectFrom("users as u")
    .leftJoin("eve_characters as c", "c.id", "u.main_character_id")
    .leftJoin("states as s", "s.id", "u.state_id")
    .select([
      "u.id",
      "u.username",
      "u.email",
      "u.is_active",
      "u.state_id",
      "s.name as state_name",
      "c.character_id",
      "c.character_name",
      "c.corporation_id",
      "c.corporation_name",
      "c.corporation_ticker",
      "c.alliance_id",
      "c.alliance_name",
      "c.alliance_ticker",
    ])
    .where(inIds(db, "u.id", ids))
    .execute();
  const groups = await db.selectFrom("user_groups as ug").innerJoin("auth_groups as g", "g.id", "ug.group_id").select(["ug.user_id", "g.name"]).where(inIds(db, "ug.user_id", ids)).orderBy("g.name").execute();
  const groupsByUser = groupBy(groups, (g) => g.user_id, (g) => g.name);
  const without = new Set(await usersWithoutPermission(db, ids, permissionKey(meta.accessPermission)));
  for (const u of users) {
    const main =
      u.character_id === null || u.character_id === undefined
        ? null
        : {
            character_id: Number(u.character_id),
            character_name: u.character_name!,
            corporation_id: Number(u.corporation_id),
            corporation_name: u.corporation_name!,
            corporation_ticker: u.corporation_ticker!,
            alliance_id: u.alliance_id === null ? null : Number(u.alliance_id),
            alliance_name: u.alliance_name ?? null,
            alliance_ticker: u.alliance_ticker ?? null,
          };
    const nameSubject: NameFormatSubject = { username: u.username, main };
    const groupNames = groupsByUser.get(u.id) ?? [];
    const rule = ruleFor(meta, rules, u.state_id);
    let name: string;
    try {
      name = formatServiceName(rule.format, nameSubject, meta.sanitiseName, rule.defaultToUsername);
    } catch {
      // A broken format (only possible through raw SQL; the admin form validates) falls back to the service default.
      name = formatServiceName(meta.defaultNameFormat, nameSubject, meta.sanitiseName);
    }
    out.set(u.id, {
      userId: u.id,
      username: u.username,
      stateId: u.state_id,
      stateName: u.state_name ?? null,
      groupNames,
      nameSubject,
      hasAccess: Boolean(u.is_active) && main !== null && !without.has(u.id),
      desired: { userId: u.id, name, groups: desiredGroups(meta, groupNames, u.state_name ?? null), displayName: main?.character_name ?? u.username, email: u.email || null, characterId: main?.character_id ?? null },
    });
  }
  return out;
}
