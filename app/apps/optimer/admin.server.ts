/** Op types in the admin site (the original manages them there): created, renamed, deleted, all audited. */
// Not through admin/resources/shared.server: that module reaches the permission registry, which
// reads the app registry this file is loaded from.
import { z } from "zod";
import { AdminInvalid, type AdminResource } from "~/modules/admin/registry.server";
import { writeAudit } from "~/modules/audit/audit.server";
import { countWhere, insertReturningId } from "../../../db/dialect";

const listQuery: AdminResource["listQuery"] = (db) => db.selectFrom("optimer_types").select(["id", "type"]);

async function unique(ctx: Parameters<NonNullable<AdminResource["create"]>>[0], type: string, id: number | null) {
  const clash = await ctx.db.selectFrom("optimer_types").select("id").where("type", "=", type).executeTakeFirst();
  if (clash && clash.id !== id) throw new AdminInvalid({ type: "optimer.errors.typeTaken" });
}

export const opTypesResource: AdminResource = {
  key: "optimer-types",
  label: "optimer.admin.types",
  appLabel: "optimer",
  model: "optimertype",
  auditType: "optimer_type",
  pk: { expr: "id", kind: "number" },
  defaultSort: "type",
  columns: [{ name: "type", label: "optimer.field.type", expr: "type", sortable: true }],
  search: ["type"],
  listQuery,
  fields: [{ name: "type", label: "optimer.field.type", kind: "text" }],
  schema: z.object({ type: z.string().trim().min(1, "admin.errors.required").max(254, "admin.errors.tooLong") }),
  get: async (db, id) => (await listQuery(db).where("id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => String(row.type),
  related: async (db, id) => {
    return [{ label: "optimer.admin.related", count: await countWhere(db, "optimer_timers", "type_id", Number(id)) }];
  },
  create: async (ctx, v) => {
    const type = String(v.type);
    await unique(ctx, type, null);
    return ctx.db.transaction().execute(async (trx) => {
      const id = await insertReturningId(trx, "optimer_types", { type });
      await writeAudit(trx, ctx.actor, { action: "optimer_type.create", targetType: "optimer_type", targetId: id, after: { type } });
      return id;
    });
  },
  update: async (ctx, id, v, current) => {
    const type = String(v.type);
    await unique(ctx, type, Number(id));
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("optimer_types").set({ type }).where("id", "=", Number(id)).execute();
      await writeAudit(trx, ctx.actor, { action: "optimer_type.change", targetType: "optimer_type", targetId: id, before: current, after: { type } });
    });
  },
  remove: async (ctx, id, current) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "optimer_type.delete", targetType: "optimer_type", targetId: id, before: current });
      await trx.deleteFrom("optimer_types").where("id", "=", Number(id)).execute();
    });
  },
};
