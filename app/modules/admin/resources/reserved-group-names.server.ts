/** Reserved group names: created and deleted (never changed), both audited. */
import { z } from "zod";
import { writeAudit } from "../../audit/audit.server";
import { reserveGroupName } from "../../groups/admin.server";
import type { AdminResource } from "../registry.server";
import { fromDomainError } from "./shared.server";

export const reservedGroupNamesResource: AdminResource = {
  key: "reserved-group-names",
  label: "admin.resources.reservedGroupNames",
  appLabel: "groupmanagement",
  model: "reservedgroupname",
  auditType: "reserved_group_name",
  pk: { expr: "id", kind: "number" },
  defaultSort: "name",
  columns: [
    { name: "name", label: "admin.col.name", expr: "name", sortable: true },
    { name: "reason", label: "admin.field.reason", expr: "reason" },
    { name: "created_by", label: "admin.field.createdBy", expr: "created_by" },
    { name: "created_at", label: "admin.col.created", expr: "created_at", sortable: true, kind: "date" },
  ],
  search: ["name", "reason"],
  listQuery: (db) => db.selectFrom("reserved_group_names").select(["id", "name", "reason", "created_by", "created_at"]),
  fields: [
    { name: "name", label: "admin.col.name", kind: "text", createOnly: true },
    { name: "reason", label: "admin.field.reason", kind: "text", createOnly: true },
  ],
  schema: z.object({ name: z.string().trim().min(1, "admin.errors.required").max(150, "admin.errors.tooLong"), reason: z.string().trim().min(1, "admin.errors.required").max(255, "admin.errors.tooLong") }),
  get: async (db, id) => (await db.selectFrom("reserved_group_names").select(["name", "reason", "created_by", "created_at"]).where("id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => String(row.name),
  auditIds: (id, cur) => [id, String(cur.name)],
  create: async (ctx, v) => {
    try {
      const name = await reserveGroupName(ctx.db, { name: String(v.name), reason: String(v.reason) }, ctx.actor);
      return (await ctx.db.selectFrom("reserved_group_names").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
    } catch (error) {
      fromDomainError(error);
    }
  },
  remove: async (ctx, id, cur) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "group.name_unreserved", targetType: "reserved_group_name", targetId: id, before: cur });
      await trx.deleteFrom("reserved_group_names").where("id", "=", Number(id)).execute();
    });
  },
};
