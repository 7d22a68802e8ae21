/**
 * Import steps for access: permissions (by natural key), states, groups with their settings,
 * leaders, memberships, requests and logs, reserved names, notifications.
 * Rules (docs/decisions/0017-alliance-auth-import.md): a state that exists here under the same name
 * (Member, Blue, Guest) takes the source's priority, flag, members and permissions; a group name
 * that clashes case-insensitively with a group that was not imported gets " (AA <id>)"; a
 * permission we do not declare is created with the source's name so its grants survive, and reported.
 */
import { bool, date, type Executor, type Step, type StepContext } from "./context.server";
import type { SourceRow } from "./source.server";
import { dangling, insertReturningId } from "./steps-identity.server";

type LinkTable =
  | "state_permissions"
  | "state_member_characters"
  | "state_member_corporations"
  | "state_member_alliances"
  | "state_member_factions"
  | "group_states"
  | "group_leaders"
  | "group_leader_groups"
  | "user_groups"
  | "group_permissions"
  | "user_permissions"
  | "ts3_auth_group_server_groups"
  | "ts3_state_groups"
  | "autogroups_config_states";

/** One side of a many-to-many row: source column, the source table its ids map through, our column. */
type Side = [sourceColumn: string, mapTable: string, targetColumn: string];

/** A many-to-many step: both ends mapped, inserted unless the pair is already there. */
export function link(table: string, target: LinkTable, a: Side, b: Side, key = "id"): Step {
  return {
    table,
    key,
    async run(row, { db, maps, problem }) {
      const left = maps.num(a[1], row[a[0]]);
      const right = maps.num(b[1], row[b[0]]);
      if (left === undefined || right === undefined) return dangling(problem, table, row[key], { [a[0]]: row[a[0]], [b[0]]: row[b[0]] });
      const values = { [a[2]]: left, [b[2]]: right };
      const found = await db
        .selectFrom(target as "user_groups")
        .select(a[2] as "user_id")
        .where(a[2] as "user_id", "=", left)
        .where(b[2] as "group_id", "=", right)
        .executeTakeFirst();
      if (!found) await db.insertInto(target as "user_groups").values(values as never).execute();
      return `${left}:${right}`;
    },
  };
}

async function findByName(db: Executor, table: "states" | "auth_groups", name: string) {
  return db.selectFrom(table as "states").select("id").where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase())).executeTakeFirst();
}

async function importState(row: SourceRow, { db, problem }: StepContext): Promise<string | null> {
  const name = String(row.name);
  const priority = Number(row.priority);
  const existing = await findByName(db, "states", name);
  const rival = await db.selectFrom("states").select(["id", "name"]).where("priority", "=", priority).executeTakeFirst();
  if (rival && rival.id !== existing?.id) {
    problem("authentication_state", row.id, `priority ${priority} is held here by state "${rival.name}": state "${name}" skipped`);
    return null;
  }
  if (!existing) return String(await insertReturningId(db, "states", { name, priority, public: bool(row.public) }));
  await db.updateTable("states").set({ priority, public: bool(row.public) }).where("id", "=", existing.id).execute();
  // The source's definition replaces the defaults this install seeded.
  for (const t of ["state_permissions", "state_member_characters", "state_member_corporations", "state_member_alliances", "state_member_factions"] as const) {
    await db.deleteFrom(t).where("state_id", "=", existing.id).execute();
  }
  return String(existing.id);
}

const LEVELS = new Set(["info", "success", "warning", "danger"]);
const REQUEST_TYPES: Record<string, "join" | "leave"> = { "0": "join", "1": "leave", false: "join", true: "leave" };

export const accessSteps: Step[] = [
  {
    table: "auth_permission",
    select: () => "select t.id, t.codename, t.name, ct.app_label from auth_permission t join django_content_type ct on ct.id = t.content_type_id",
    async run(row, { db, unknownPermission }) {
      const appLabel = String(row.app_label);
      const codename = String(row.codename);
      const found = await db.selectFrom("permissions").select("id").where("app_label", "=", appLabel).where("codename", "=", codename).executeTakeFirst();
      if (found) return String(found.id);
      unknownPermission(`${appLabel}.${codename}`);
      return String(await insertReturningId(db, "permissions", { app_label: appLabel, codename, name: String(row.name).slice(0, 255) }));
    },
  },
  { table: "authentication_state", run: importState },
  link("authentication_state_permissions", "state_permissions", ["state_id", "authentication_state", "state_id"], ["permission_id", "auth_permission", "permission_id"]),
  link("authentication_state_member_characters", "state_member_characters", ["state_id", "authentication_state", "state_id"], ["evecharacter_id", "eveonline_evecharacter", "character_id"]),
  link("authentication_state_member_corporations", "state_member_corporations", ["state_id", "authentication_state", "state_id"], ["evecorporationinfo_id", "eveonline_evecorporationinfo", "corporation_id"]),
  link("authentication_state_member_alliances", "state_member_alliances", ["state_id", "authentication_state", "state_id"], ["eveallianceinfo_id", "eveonline_eveallianceinfo", "alliance_id"]),
  link("authentication_state_member_factions", "state_member_factions", ["state_id", "authentication_state", "state_id"], ["evefactioninfo_id", "eveonline_evefactioninfo", "faction_id"]),
];

export const groupSteps: Step[] = [
  {
    table: "auth_group",
    async run(row, { db, problem }) {
      let name = String(row.name);
      if (await findByName(db, "auth_groups", name)) {
        const renamed = `${name.slice(0, 130)} (AA ${row.id})`;
        problem("auth_group", row.id, `group name "${name}" is taken here (case-insensitively): imported as "${renamed}"`);
        name = renamed;
      }
      return String(await insertReturningId(db, "auth_groups", { name }));
    },
  },
  {
    table: "groupmanagement_authgroup",
    key: "group_id",
    async run(row, { db, maps, problem }) {
      const group = maps.num("auth_group", row.group_id);
      if (group === undefined) return dangling(problem, "groupmanagement_authgroup", row.group_id, { group: row.group_id });
      let description = String(row.description ?? "");
      if (description.length > 512) {
        problem("groupmanagement_authgroup", row.group_id, `description of ${description.length} characters cut to 512`);
        description = description.slice(0, 512);
      }
      const values = { internal: bool(row.internal), hidden: bool(row.hidden), open: bool(row.open), public: bool(row.public), restricted: bool(row.restricted), description };
      const found = await db.selectFrom("group_settings").select("group_id").where("group_id", "=", group).executeTakeFirst();
      if (found) await db.updateTable("group_settings").set(values).where("group_id", "=", group).execute();
      else await db.insertInto("group_settings").values({ group_id: group, ...values }).execute();
      return String(group);
    },
  },
  link("groupmanagement_authgroup_states", "group_states", ["authgroup_id", "auth_group", "group_id"], ["state_id", "authentication_state", "state_id"]),
  link("groupmanagement_authgroup_group_leaders", "group_leaders", ["authgroup_id", "auth_group", "group_id"], ["user_id", "auth_user", "user_id"]),
  link("groupmanagement_authgroup_group_leader_groups", "group_leader_groups", ["authgroup_id", "auth_group", "group_id"], ["group_id", "auth_group", "leader_group_id"]),
  link("auth_user_groups", "user_groups", ["user_id", "auth_user", "user_id"], ["group_id", "auth_group", "group_id"]),
  link("auth_group_permissions", "group_permissions", ["group_id", "auth_group", "group_id"], ["permission_id", "auth_permission", "permission_id"]),
  link("auth_user_user_permissions", "user_permissions", ["user_id", "auth_user", "user_id"], ["permission_id", "auth_permission", "permission_id"]),
  {
    table: "groupmanagement_grouprequest",
    async run(row, { db, maps, problem, now }) {
      const user = maps.num("auth_user", row.user_id);
      const group = maps.num("auth_group", row.group_id);
      if (user === undefined || group === undefined) return dangling(problem, "groupmanagement_grouprequest", row.id, { user: row.user_id, group: row.group_id });
      // AA keeps no date on a pending request: the import time stands in.
      return String(await insertReturningId(db, "group_requests", { user_id: user, group_id: group, leave_request: bool(row.leave_request), created_at: now }));
    },
  },
  {
    table: "groupmanagement_requestlog",
    async run(row, { db, maps, problem }) {
      const group = maps.num("auth_group", row.group_id);
      if (group === undefined) return dangling(problem, "groupmanagement_requestlog", row.id, { group: row.group_id });
      const info = String(row.request_info);
      // AA stores the requester only as "username:group name"; link it when that user came along.
      const requestorName = info.split(":")[0];
      const requestor = await db.selectFrom("users").select("id").where("username", "=", requestorName).executeTakeFirst();
      return String(
        await insertReturningId(db, "group_request_logs", {
          group_id: group,
          request_type: row.request_type === null ? "removed" : REQUEST_TYPES[String(row.request_type)],
          request_info: info,
          requestor_id: requestor?.id ?? null,
          action: bool(row.action),
          request_actor_id: maps.num("auth_user", row.request_actor_id) ?? null,
          created_at: date(row.date),
        }),
      );
    },
  },
  {
    table: "groupmanagement_reservedgroupname",
    async run(row, { db, problem }) {
      const name = String(row.name);
      const found = await db.selectFrom("reserved_group_names").select("id").where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase())).executeTakeFirst();
      if (found) {
        problem("groupmanagement_reservedgroupname", row.id, `"${name}" is already reserved here`);
        return String(found.id);
      }
      return String(await insertReturningId(db, "reserved_group_names", { name, reason: String(row.reason), created_by: String(row.created_by), created_at: date(row.created_at) }));
    },
  },
  {
    table: "notifications_notification",
    async run(row, { db, maps, problem }) {
      const user = maps.num("auth_user", row.user_id);
      if (user === undefined) return dangling(problem, "notifications_notification", row.id, { user: row.user_id });
      const level = LEVELS.has(String(row.level)) ? (String(row.level) as "info") : "info";
      if (level !== row.level) problem("notifications_notification", row.id, `level "${row.level}" read as info`);
      return String(
        await insertReturningId(db, "notifications", { user_id: user, level, title: String(row.title), message: String(row.message), viewed: bool(row.viewed), created_at: date(row.timestamp) }),
      );
    },
  },
];
