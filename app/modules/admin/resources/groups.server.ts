/** Groups in the admin: settings, leaders, leader groups, states and permissions. */
import { z } from "zod";
import { writeAudit } from "../../audit/audit.server";
import { createGroup, getGroupDefinition, type NewGroup, updateGroup } from "../../groups/admin.server";
import { servicesNeedSyncFor } from "../../services/sync.server";
import type { AdminResource, Values } from "../registry.server";
import { checkPermissionIds, countWhere, flag, fromDomainError, groupOptions, ids, permissionOptions, stateOptions } from "./shared.server";

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

const toInput = (v: Values): NewGroup => ({
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
  permissionIds: v.permissionIds as number[],
});

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
    { name: "leaderUserIds", label: "admin.field.leaderUserIds", kind: "multiselect", lookup: "user" },
    { name: "leaderGroupIds", label: "admin.field.leaderGroups", kind: "multiselect", options: groupOptions },
    { name: "stateIds", label: "admin.field.states", kind: "multiselect", options: stateOptions },
    { name: "permissionIds", label: "admin.field.permissions", kind: "multiselect", options: permissionOptions, superuserOnly: true },
  ],
  schema: groupSchema,
  get: async (db, id) => getGroupDefinition(db, Number(id)),
  title: (row) => String(row.name),
  create: async (ctx, v) => {
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    try {
      return (await createGroup(ctx.db, toInput(v), ctx.actor)).id;
    } catch (error) {
      fromDomainError(error);
    }
  },
  update: async (ctx, id, v) => {
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    try {
      await updateGroup(ctx.db, Number(id), toInput(v), ctx.actor);
    } catch (error) {
      fromDomainError(error);
    }
  },
  remove: async (ctx, id, cur) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "group.delete", targetType: "group", targetId: id, before: cur });
      // The members lose the group's roles and permissions: found before the memberships go.
      await servicesNeedSyncFor(trx, { groupIds: [Number(id)] }, "group deleted");
      await trx.deleteFrom("auth_groups").where("id", "=", Number(id)).execute();
    });
  },
  related: async (db, id) => [
    { label: "admin.related.memberships", count: await countWhere(db, "user_groups", "group_id", Number(id)) },
    { label: "admin.related.requests", count: await countWhere(db, "group_requests", "group_id", Number(id)) },
    { label: "admin.related.requestLogs", count: await countWhere(db, "group_request_logs", "group_id", Number(id)) },
  ],
};
