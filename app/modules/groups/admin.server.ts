/**
 * Groups themselves: creation (with its settings, leaders, leader groups and states), the settings
 * row every group has (the original's AuthGroup, auto-created), and reserved names.
 *
 * Reserved names: the original silently renames a new group with a reserved name to `name_1`…;
 * here a reserved name (compared case-insensitively) cannot be created at all, with a clear error.
 */
import { sql, type Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { DEFAULT_GROUP_SETTINGS } from "./defaults";
import { inTransaction } from "./membership.server";
import type { Executor } from "./queries.server";
import { removeFromStateLimitedGroups } from "./state-limits.server";
import { servicesNeedSyncFor, touchesServiceAccess } from "../services/sync.server";

/**
 * Creates the default settings row for every group that has none (or only for `groupIds`), in one
 * statement. Code that creates groups elsewhere (autogroups, imports) calls this in its transaction.
 */
export async function ensureGroupSettings(db: Executor, groupIds?: number[]) {
  if (groupIds && groupIds.length === 0) return 0;
  let missing = db
    .selectFrom("auth_groups as g")
    .select((eb) => [
      "g.id",
      eb.lit(DEFAULT_GROUP_SETTINGS.internal).as("internal"),
      eb.lit(DEFAULT_GROUP_SETTINGS.hidden).as("hidden"),
      eb.lit(DEFAULT_GROUP_SETTINGS.open).as("open"),
      eb.lit(DEFAULT_GROUP_SETTINGS.public).as("public"),
      eb.lit(DEFAULT_GROUP_SETTINGS.restricted).as("restricted"),
      eb.val(DEFAULT_GROUP_SETTINGS.description).as("description"),
    ])
    .where((eb) => eb.not(eb.exists(eb.selectFrom("group_settings as s").select("s.group_id").whereRef("s.group_id", "=", "g.id"))));
  if (groupIds) missing = missing.where("g.id", "in", groupIds);
  const result = await db
    .insertInto("group_settings")
    .columns(["group_id", "internal", "hidden", "open", "public", "restricted", "description"])
    .expression(missing)
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Is the name reserved? Case-insensitive, as in the original. */
export async function isReservedGroupName(db: Executor, name: string) {
  const row = await db
    .selectFrom("reserved_group_names")
    .select("id")
    .where(sql`lower(name)`, "=", sql`lower(${name.trim()})`)
    .executeTakeFirst();
  return Boolean(row);
}

async function groupNameTaken(db: Executor, name: string, exceptId: number | null = null) {
  let query = db.selectFrom("auth_groups").select("id").where(sql`lower(name)`, "=", sql`lower(${name})`);
  if (exceptId !== null) query = query.where("id", "!=", exceptId);
  return Boolean(await query.executeTakeFirst());
}

/** A domain error carrying an i18n key (shown to the user as is). */
export class GroupError extends Error {
  constructor(
    public readonly key: string,
    public readonly field?: string,
  ) {
    super(key);
    this.name = "GroupError";
  }
}

const idList = z.array(z.number().int().positive()).max(10_000);

export const newGroupSchema = z.object({
  name: z.string().trim().min(1, "groups.errors.nameRequired").max(150, "groups.errors.nameTooLong"),
  description: z.string().trim().max(512, "groups.errors.descriptionTooLong").default(""),
  internal: z.boolean().default(DEFAULT_GROUP_SETTINGS.internal),
  hidden: z.boolean().default(DEFAULT_GROUP_SETTINGS.hidden),
  open: z.boolean().default(DEFAULT_GROUP_SETTINGS.open),
  public: z.boolean().default(DEFAULT_GROUP_SETTINGS.public),
  restricted: z.boolean().default(DEFAULT_GROUP_SETTINGS.restricted),
  leaderUserIds: idList.default([]),
  leaderGroupIds: idList.default([]),
  stateIds: idList.default([]),
  /** Replaces the group's permissions when given; left alone when absent. */
  permissionIds: idList.optional(),
});
export type NewGroup = z.input<typeof newGroupSchema>;
export type GroupDefinition = Required<z.output<typeof newGroupSchema>>;

/** A group as stored: name, settings (defaults when the row is missing), sorted leader, state and permission ids. */
export async function getGroupDefinition(db: Executor, groupId: number): Promise<GroupDefinition | null> {
  const group = await db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.name", "s.description", "s.internal", "s.hidden", "s.open", "s.public", "s.restricted"]).where("g.id", "=", groupId).executeTakeFirst();
  if (!group) return null;
  const [leaders, leaderGroups, states, permissions] = await Promise.all([
    db.selectFrom("group_leaders").select("user_id").where("group_id", "=", groupId).execute(),
    db.selectFrom("group_leader_groups").select("leader_group_id").where("group_id", "=", groupId).execute(),
    db.selectFrom("group_states").select("state_id").where("group_id", "=", groupId).execute(),
    db.selectFrom("group_permissions").select("permission_id").where("group_id", "=", groupId).execute(),
  ]);
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return {
    name: group.name,
    description: group.description ?? DEFAULT_GROUP_SETTINGS.description,
    internal: group.internal ?? DEFAULT_GROUP_SETTINGS.internal,
    hidden: group.hidden ?? DEFAULT_GROUP_SETTINGS.hidden,
    open: group.open ?? DEFAULT_GROUP_SETTINGS.open,
    public: group.public ?? DEFAULT_GROUP_SETTINGS.public,
    restricted: group.restricted ?? DEFAULT_GROUP_SETTINGS.restricted,
    leaderUserIds: sorted(leaders.map((l) => l.user_id)),
    leaderGroupIds: sorted(leaderGroups.map((l) => l.leader_group_id)),
    stateIds: sorted(states.map((s) => s.state_id)),
    permissionIds: sorted(permissions.map((p) => p.permission_id)),
  };
}

function parseGroup(input: NewGroup) {
  const parsed = newGroupSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GroupError(issue.message.startsWith("groups.") ? issue.message : "groups.errors.invalid", String(issue.path[0] ?? ""));
  }
  const unique = (ids: number[]) => [...new Set(ids)];
  const data = parsed.data;
  return { ...data, leaderUserIds: unique(data.leaderUserIds), leaderGroupIds: unique(data.leaderGroupIds), stateIds: unique(data.stateIds), permissionIds: data.permissionIds && unique(data.permissionIds) };
}

/** The one validation of a group's name and links; `current` is the stored group on an update. */
async function checkGroup(trx: Transaction<DB>, data: ReturnType<typeof parseGroup>, groupId: number | null, current: GroupDefinition | null) {
  // A group that predates a reservation keeps its name; only a new or changed name is checked.
  if (!current || current.name.toLowerCase() !== data.name.toLowerCase()) {
    if (await isReservedGroupName(trx, data.name)) throw new GroupError("groups.errors.reservedName", "name");
    if (await groupNameTaken(trx, data.name, groupId)) throw new GroupError("groups.errors.nameTaken", "name");
  }
  const count = async (table: "users" | "auth_groups" | "states" | "permissions", ids: number[]) =>
    ids.length === 0 ? 0 : Number((await trx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("id", "in", ids).executeTakeFirstOrThrow()).n);
  if ((await count("users", data.leaderUserIds)) !== data.leaderUserIds.length) throw new GroupError("groups.errors.unknownLeader", "leader");
  if ((await count("auth_groups", data.leaderGroupIds)) !== data.leaderGroupIds.length) throw new GroupError("groups.errors.unknownGroup", "leaderGroup");
  if ((await count("states", data.stateIds)) !== data.stateIds.length) throw new GroupError("groups.errors.unknownState", "states");
  if (data.permissionIds && (await count("permissions", data.permissionIds)) !== data.permissionIds.length) throw new GroupError("groups.errors.invalid", "permissions");
}

async function replaceLinks(trx: Transaction<DB>, groupId: number, data: ReturnType<typeof parseGroup>) {
  const replace = async <T extends "group_leaders" | "group_leader_groups" | "group_states" | "group_permissions">(table: T, column: string, ids: number[]) => {
    await trx.deleteFrom(table as "group_states").where("group_id", "=", groupId).execute();
    if (ids.length) await (trx.insertInto(table) as any).values(ids.map((id) => ({ group_id: groupId, [column]: id }))).execute();
  };
  await replace("group_leaders", "user_id", data.leaderUserIds);
  await replace("group_leader_groups", "leader_group_id", data.leaderGroupIds);
  await replace("group_states", "state_id", data.stateIds);
  if (data.permissionIds) await replace("group_permissions", "permission_id", data.permissionIds);
}

/**
 * Creates a group with its settings, leaders, leader groups, states (and permissions when given).
 * Refuses (GroupError, nothing written) a reserved name, a name already used (case-insensitive),
 * or unknown leaders, groups, states or permissions.
 */
export async function createGroup(db: Executor, input: NewGroup, actor: Actor) {
  const data = parseGroup(input);
  return inTransaction(db, async (trx) => {
    await checkGroup(trx, data, null, null);
    await trx.insertInto("auth_groups").values({ name: data.name }).execute();
    const group = await trx.selectFrom("auth_groups").select(["id", "name"]).where("name", "=", data.name).executeTakeFirstOrThrow();
    const settings = { internal: data.internal, hidden: data.hidden, open: data.open, public: data.public, restricted: data.restricted, description: data.description };
    await trx.insertInto("group_settings").values({ group_id: group.id, ...settings }).execute();
    await replaceLinks(trx, group.id, data);
    await writeAudit(trx, actor, {
      action: "group.created",
      targetType: "group",
      targetId: group.id,
      after: { name: group.name, ...settings, leader_user_ids: data.leaderUserIds, leader_group_ids: data.leaderGroupIds, state_ids: data.stateIds, ...(data.permissionIds ? { permission_ids: data.permissionIds } : {}) },
    });
    return group;
  });
}

/**
 * Changes a group with the same rules as createGroup. When its states change, members whose state
 * the group no longer allows leave it (audited), as a state change does.
 */
export async function updateGroup(db: Executor, groupId: number, input: NewGroup, actor: Actor) {
  const data = parseGroup(input);
  return inTransaction(db, async (trx) => {
    const current = await getGroupDefinition(trx, groupId);
    if (!current) throw new GroupError("groups.errors.invalid");
    await checkGroup(trx, data, groupId, current);
    await trx.updateTable("auth_groups").set({ name: data.name }).where("id", "=", groupId).execute();
    await ensureGroupSettings(trx, [groupId]);
    await trx.updateTable("group_settings").set({ description: data.description, internal: data.internal, hidden: data.hidden, open: data.open, public: data.public, restricted: data.restricted }).where("group_id", "=", groupId).execute();
    await replaceLinks(trx, groupId, data);
    const after = { ...data, permissionIds: data.permissionIds ?? current.permissionIds };
    await writeAudit(trx, actor, { action: "group.change", targetType: "group", targetId: groupId, before: current, after });
    const statesChanged = [...data.stateIds].sort((a, b) => a - b).join() !== current.stateIds.join();
    const removed = statesChanged ? await removeFromStateLimitedGroups(trx, { groupIds: [groupId] }, actor) : 0;
    // The members' services follow a rename (role names) and a change of a service's access permission.
    if (data.name !== current.name || (await touchesServiceAccess(trx, current.permissionIds, after.permissionIds))) {
      await servicesNeedSyncFor(trx, { groupIds: [groupId] }, "group changed");
    }
    return { removed };
  });
}

/**
 * Reserves a name (stored lower-cased, as the original's admin form does). Refuses a name that an
 * existing group already has (case-insensitive) or that is already reserved.
 */
export async function reserveGroupName(db: Executor, input: { name: string; reason: string }, actor: Actor) {
  const name = input.name.trim().toLowerCase();
  if (!name || name.length > 150) throw new GroupError(name ? "groups.errors.nameTooLong" : "groups.errors.nameRequired", "name");
  return inTransaction(db, async (trx) => {
    if (await groupNameTaken(trx, name)) throw new GroupError("groups.errors.nameTaken", "name");
    if (await isReservedGroupName(trx, name)) throw new GroupError("groups.errors.alreadyReserved", "name");
    await trx.insertInto("reserved_group_names").values({ name, reason: input.reason, created_by: actor.label.slice(0, 255), created_at: new Date() }).execute();
    await writeAudit(trx, actor, { action: "group.name_reserved", targetType: "reserved_group_name", targetId: name, after: { name, reason: input.reason } });
    return name;
  });
}
