/**
 * Groups themselves: creation (with its settings, leaders, leader groups and states), the settings
 * row every group has (the original's AuthGroup, auto-created), and reserved names.
 *
 * Reserved names: the original silently renames a new group with a reserved name to `name_1`…;
 * here a reserved name (compared case-insensitively) cannot be created at all, with a clear error.
 */
import { sql } from "kysely";
import { z } from "zod";
import { type Actor, writeAudit } from "../audit/audit.server";
import { DEFAULT_GROUP_SETTINGS } from "./defaults";
import { inTransaction } from "./membership.server";
import type { Executor } from "./queries.server";

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

async function groupNameTaken(db: Executor, name: string) {
  return Boolean(await db.selectFrom("auth_groups").select("id").where(sql`lower(name)`, "=", sql`lower(${name})`).executeTakeFirst());
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

export const newGroupSchema = z.object({
  name: z.string().trim().min(1, "groups.errors.nameRequired").max(150, "groups.errors.nameTooLong"),
  description: z.string().trim().max(512, "groups.errors.descriptionTooLong").default(""),
  internal: z.boolean().default(DEFAULT_GROUP_SETTINGS.internal),
  hidden: z.boolean().default(DEFAULT_GROUP_SETTINGS.hidden),
  open: z.boolean().default(DEFAULT_GROUP_SETTINGS.open),
  public: z.boolean().default(DEFAULT_GROUP_SETTINGS.public),
  restricted: z.boolean().default(DEFAULT_GROUP_SETTINGS.restricted),
  leaderUserIds: z.array(z.number().int().positive()).default([]),
  leaderGroupIds: z.array(z.number().int().positive()).default([]),
  stateIds: z.array(z.number().int().positive()).default([]),
});
export type NewGroup = z.input<typeof newGroupSchema>;

/**
 * Creates a group with its settings, leaders, leader groups and states. Refuses (GroupError, nothing
 * written) a reserved name, a name already used (case-insensitive), or unknown leaders, groups or states.
 */
export async function createGroup(db: Executor, input: NewGroup, actor: Actor) {
  const parsed = newGroupSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GroupError(issue.message.startsWith("groups.") ? issue.message : "groups.errors.invalid", String(issue.path[0] ?? ""));
  }
  const data = parsed.data;
  const unique = (ids: number[]) => [...new Set(ids)];
  const leaderUserIds = unique(data.leaderUserIds);
  const leaderGroupIds = unique(data.leaderGroupIds);
  const stateIds = unique(data.stateIds);
  return inTransaction(db, async (trx) => {
    if (await isReservedGroupName(trx, data.name)) throw new GroupError("groups.errors.reservedName", "name");
    if (await groupNameTaken(trx, data.name)) throw new GroupError("groups.errors.nameTaken", "name");
    const count = async (table: "users" | "auth_groups" | "states", ids: number[]) =>
      ids.length === 0 ? 0 : Number((await trx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("id", "in", ids).executeTakeFirstOrThrow()).n);
    if ((await count("users", leaderUserIds)) !== leaderUserIds.length) throw new GroupError("groups.errors.unknownLeader", "leader");
    if ((await count("auth_groups", leaderGroupIds)) !== leaderGroupIds.length) throw new GroupError("groups.errors.unknownGroup", "leaderGroup");
    if ((await count("states", stateIds)) !== stateIds.length) throw new GroupError("groups.errors.unknownState", "states");

    await trx.insertInto("auth_groups").values({ name: data.name }).execute();
    const group = await trx.selectFrom("auth_groups").select(["id", "name"]).where("name", "=", data.name).executeTakeFirstOrThrow();
    const settings = { internal: data.internal, hidden: data.hidden, open: data.open, public: data.public, restricted: data.restricted, description: data.description };
    await trx.insertInto("group_settings").values({ group_id: group.id, ...settings }).execute();
    if (leaderUserIds.length) await trx.insertInto("group_leaders").values(leaderUserIds.map((user_id) => ({ group_id: group.id, user_id }))).execute();
    if (leaderGroupIds.length) await trx.insertInto("group_leader_groups").values(leaderGroupIds.map((leader_group_id) => ({ group_id: group.id, leader_group_id }))).execute();
    if (stateIds.length) await trx.insertInto("group_states").values(stateIds.map((state_id) => ({ group_id: group.id, state_id }))).execute();
    await writeAudit(trx, actor, {
      action: "group.created",
      targetType: "group",
      targetId: group.id,
      after: { name: group.name, ...settings, leader_user_ids: leaderUserIds, leader_group_ids: leaderGroupIds, state_ids: stateIds },
    });
    return group;
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
