/** Groups in the admin: settings, leaders, leader groups, states and permissions. */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../../../db/schema";
import { writeAudit } from "../../audit/audit.server";
import { createGroup, ensureGroupSettings, isReservedGroupName } from "../../groups/admin.server";
import { type AdminResource, AdminInvalid, type Values } from "../registry.server";
import { checkPermissionIds, countWhere, flag, fromDomainError, groupOptions, ids, permissionOptions, replacePermissions, stateOptions } from "./shared.server";

const groupSchema = z.object({
  name: z.string().trim().min(1, "admin.errors.required").max(150, "admin.errors.tooLong"),
  description: z.string().trim().max(512, "admin.errors.tooLong"),
  internal: z.boolean(),
  hidden: z.boolean(),
  open: z.boolean(),
  public: z.boolean(),
  restricted: z.boolean(),
  leaderUserIds: ids,
  leaderGroupIds: ids,
  stateIds: ids,
  permissionIds: ids,
});

async function groupValues(db: Kysely<DB>, id: string): Promise<Values | null> {
  const gid = Number(id);
  const group = await db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.id", "g.name", "s.description", "s.internal", "s.hidden", "s.open", "s.public", "s.restricted"]).where("g.id", "=", gid).executeTakeFirst();
  if (!group) return null;
  const [leaders, leaderGroups, states, permissions] = await Promise.all([
    db.selectFrom("group_leaders").select("user_id").where("group_id", "=", gid).execute(),
    db.selectFrom("group_leader_groups").select("leader_group_id").where("group_id", "=", gid).execute(),
    db.selectFrom("group_states").select("state_id").where("group_id", "=", gid).execute(),
    db.selectFrom("group_permissions").select("permission_id").where("group_id", "=", gid).execute(),
  ]);
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return {
    name: group.name,
    description: group.description ?? "",
    internal: group.internal ?? true,
    hidden: group.hidden ?? true,
    open: group.open ?? false,
    public: group.public ?? false,
    restricted: group.restricted ?? false,
    leaderUserIds: sorted(leaders.map((l) => l.user_id)),
    leaderGroupIds: sorted(leaderGroups.map((l) => l.leader_group_id)),
    stateIds: sorted(states.map((s) => s.state_id)),
    permissionIds: sorted(permissions.map((p) => p.permission_id)),
  };
}

export const groupsResource: AdminResource = {
  key: "groups",
  label: "admin.resources.groups",
  appLabel: "auth",
  model: "group",
  auditType: "group",
  pk: { expr: "g.id", kind: "number" },
  defaultSort: "name",
  columns: [
    { name: "name", label: "admin.col.name", expr: "g.name", sortable: true },
    flag("admin.field.internal", "internal"),
    flag("admin.field.hidden", "hidden"),
    flag("admin.field.open", "open"),
    flag("admin.col.public", "public"),
    flag("admin.field.restricted", "restricted"),
  ],
  search: ["g.name"],
  listQuery: (db) => db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.id as id", "g.name as name", "s.internal as internal", "s.hidden as hidden", "s.open as open", "s.public as public", "s.restricted as restricted"]),
  fields: [
    { name: "name", label: "admin.col.name", kind: "text" },
    { name: "description", label: "admin.field.description", kind: "textarea" },
    { name: "internal", label: "admin.field.internal", kind: "checkbox" },
    { name: "hidden", label: "admin.field.hidden", kind: "checkbox" },
    { name: "open", label: "admin.field.open", kind: "checkbox" },
    { name: "public", label: "admin.col.public", kind: "checkbox" },
    { name: "restricted", label: "admin.field.restricted", kind: "checkbox", superuserOnly: true },
    { name: "leaderUserIds", label: "admin.field.leaderUserIds", kind: "idlist" },
    { name: "leaderGroupIds", label: "admin.field.leaderGroups", kind: "multiselect", options: groupOptions },
    { name: "stateIds", label: "admin.field.states", kind: "multiselect", options: stateOptions },
    { name: "permissionIds", label: "admin.field.permissions", kind: "multiselect", options: permissionOptions, superuserOnly: true },
  ],
  schema: groupSchema,
  get: groupValues,
  title: (row) => String(row.name),
  create: async (ctx, v) => {
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    try {
      return await ctx.db.transaction().execute(async (trx) => {
        const group = await createGroup(
          trx,
          {
            name: String(v.name),
            description: String(v.description ?? ""),
            internal: Boolean(v.internal),
            hidden: Boolean(v.hidden),
            open: Boolean(v.open),
            public: Boolean(v.public),
            restricted: Boolean(v.restricted),
            leaderUserIds: v.leaderUserIds as number[],
            leaderGroupIds: v.leaderGroupIds as number[],
            stateIds: v.stateIds as number[],
          },
          ctx.actor,
        );
        const permissionIds = v.permissionIds as number[];
        if (permissionIds.length) {
          await replacePermissions(trx, "group_permissions", "group_id", group.id, permissionIds);
          await writeAudit(trx, ctx.actor, { action: "group.permissions_set", targetType: "group", targetId: group.id, after: { permissionIds } });
        }
        return group.id;
      });
    } catch (error) {
      fromDomainError(error);
    }
  },
  update: async (ctx, id, v, cur) => {
    const gid = Number(id);
    const name = String(v.name);
    if (name.toLowerCase() !== String(cur.name).toLowerCase()) {
      if (await isReservedGroupName(ctx.db, name)) throw new AdminInvalid({ name: "groups.errors.reservedName" });
      const taken = await ctx.db.selectFrom("auth_groups").select("id").where(sql`lower(name)`, "=", name.toLowerCase()).where("id", "!=", gid).executeTakeFirst();
      if (taken) throw new AdminInvalid({ name: "groups.errors.nameTaken" });
    }
    const count = async (table: "users" | "auth_groups" | "states", list: number[]) => (list.length ? (await ctx.db.selectFrom(table).select("id").where("id", "in", list).execute()).length : 0);
    const leaders = v.leaderUserIds as number[];
    const leaderGroups = v.leaderGroupIds as number[];
    const states = v.stateIds as number[];
    if ((await count("users", leaders)) !== leaders.length) throw new AdminInvalid({ leaderUserIds: "admin.errors.unknownUser" });
    if ((await count("auth_groups", leaderGroups)) !== leaderGroups.length) throw new AdminInvalid({ leaderGroupIds: "admin.errors.unknownGroup" });
    if ((await count("states", states)) !== states.length) throw new AdminInvalid({ stateIds: "admin.errors.choice" });
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("auth_groups").set({ name }).where("id", "=", gid).execute();
      await ensureGroupSettings(trx, [gid]);
      await trx
        .updateTable("group_settings")
        .set({ description: String(v.description ?? ""), internal: Boolean(v.internal), hidden: Boolean(v.hidden), open: Boolean(v.open), public: Boolean(v.public), restricted: Boolean(v.restricted) })
        .where("group_id", "=", gid)
        .execute();
      await trx.deleteFrom("group_leaders").where("group_id", "=", gid).execute();
      if (leaders.length) await trx.insertInto("group_leaders").values(leaders.map((user_id) => ({ group_id: gid, user_id }))).execute();
      await trx.deleteFrom("group_leader_groups").where("group_id", "=", gid).execute();
      if (leaderGroups.length) await trx.insertInto("group_leader_groups").values(leaderGroups.map((leader_group_id) => ({ group_id: gid, leader_group_id }))).execute();
      await trx.deleteFrom("group_states").where("group_id", "=", gid).execute();
      if (states.length) await trx.insertInto("group_states").values(states.map((state_id) => ({ group_id: gid, state_id }))).execute();
      await replacePermissions(trx, "group_permissions", "group_id", gid, v.permissionIds as number[]);
      await writeAudit(trx, ctx.actor, { action: "group.change", targetType: "group", targetId: gid, before: cur, after: v });
    });
  },
  remove: async (ctx, id, cur) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "group.delete", targetType: "group", targetId: id, before: cur });
      await trx.deleteFrom("auth_groups").where("id", "=", Number(id)).execute();
    });
  },
  related: async (db, id) => [
    { label: "admin.related.memberships", count: await countWhere(db, "user_groups", "group_id", Number(id)) },
    { label: "admin.related.requests", count: await countWhere(db, "group_requests", "group_id", Number(id)) },
    { label: "admin.related.requestLogs", count: await countWhere(db, "group_request_logs", "group_id", Number(id)) },
  ],
};
