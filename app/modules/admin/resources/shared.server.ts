/** What the resource declarations share: id lists, option loaders, counts, domain errors → form errors, permission sets. */
import type { Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../../../../db/schema";
import { writeAudit } from "../../audit/audit.server";
import { GroupError } from "../../groups/admin.server";
import { StateRuleError } from "../../states/states.server";
import { type AdminCtx, AdminInvalid, type AdminResource, type ColumnDef, type Option } from "../registry.server";

export const ids = z.array(z.number().int().positive()).max(10_000);
export const flag = (label: string, name: string, extra: Partial<ColumnDef> = {}): ColumnDef => ({ name, label, expr: name, kind: "bool", ...extra });

export async function permissionOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("permissions").select(["id", "app_label", "codename"]).orderBy("app_label").orderBy("codename").execute();
  return rows.map((p) => ({ value: String(p.id), label: `${p.app_label}.${p.codename}` }));
}
export async function groupOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.id", "g.name", "s.restricted"]).orderBy("g.name").limit(2000).execute();
  return rows.map((g) => ({ value: String(g.id), label: g.restricted ? `${g.name} (restricted)` : g.name }));
}

/**
 * A user's groups to choose from; for a non-superuser the groups they may not hand out (restricted
 * ones, and those carrying a permission the editor lacks: the rules of planMembershipEdit) are locked.
 */
export async function membershipGroupOptions(ctx: AdminCtx): Promise<Option[]> {
  const options = await groupOptions(ctx);
  if (ctx.user.is_superuser) return options;
  const [restricted, carried] = await Promise.all([
    ctx.db.selectFrom("group_settings").select("group_id").where("restricted", "=", true).execute(),
    ctx.db.selectFrom("group_permissions as gp").innerJoin("permissions as p", "p.id", "gp.permission_id").select(["gp.group_id", "p.app_label", "p.codename"]).execute(),
  ]);
  const locked = new Set(restricted.map((r) => String(r.group_id)));
  for (const p of carried) if (!ctx.user.permissions.has(`${p.app_label}.${p.codename}` as never)) locked.add(String(p.group_id));
  return options.map((o) => (locked.has(o.value) ? { ...o, locked: true } : o));
}
export async function stateOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("states").select(["id", "name"]).orderBy("priority", "desc").execute();
  return rows.map((s) => ({ value: String(s.id), label: s.name }));
}
export { countWhere } from "../../../../db/dialect";
const GROUP_FIELDS: Record<string, string> = { "": "_form", leader: "leaderUserIds", leaderGroup: "leaderGroupIds", states: "stateIds", permissions: "permissionIds" };

/** A domain refusal (state or group rule) becomes a form error on its field. */
export function fromDomainError(error: unknown): never {
  if (error instanceof StateRuleError) {
    const key = error.message.split(":")[0];
    const field = key.endsWith("nameTaken") || key.endsWith("guestRename") ? "name" : key.endsWith("priorityTaken") ? "priority" : "_form";
    throw new AdminInvalid({ [field]: key });
  }
  if (error instanceof GroupError) throw new AdminInvalid({ [GROUP_FIELDS[error.field ?? ""] ?? error.field ?? "_form"]: error.key });
  throw error;
}

export async function checkPermissionIds(ctx: AdminCtx, wanted: number[]) {
  if (!wanted.length) return;
  const rows = await ctx.db.selectFrom("permissions").select("id").where("id", "in", wanted).execute();
  if (rows.length !== wanted.length) throw new AdminInvalid({ permissionIds: "admin.errors.unknownPermission" });
}

export async function replacePermissions(trx: Transaction<DB>, table: "user_permissions" | "group_permissions", column: "user_id" | "group_id", ownerId: number, permissionIds: number[]) {
  await trx.deleteFrom(table).where(column, "=", ownerId).execute();
  if (permissionIds.length) await (trx.insertInto(table) as any).values(permissionIds.map((permission_id) => ({ [column]: ownerId, permission_id }))).execute();
}

/** A resource that is only listed, viewed and (unless `noDelete`) deleted, each deletion audited. */
export function viewDelete(spec: Omit<AdminResource, "get" | "remove"> & { table: keyof DB; deleteWith?: (trx: Transaction<DB>, id: string, ctx: AdminCtx) => Promise<void>; noDelete?: boolean }): AdminResource {
  const { table, deleteWith, noDelete, ...resource } = spec;
  return {
    ...resource,
    get: async (db, id) => (await resource.listQuery(db).where(resource.pk.expr, "=", resource.pk.kind === "number" ? Number(id) : id).executeTakeFirst()) ?? null,
    remove: noDelete
      ? undefined
      : async (ctx, id, cur) => {
          await ctx.db.transaction().execute(async (trx) => {
            await writeAudit(trx, ctx.actor, { action: `${resource.auditType}.delete`, targetType: resource.auditType, targetId: id, before: cur });
            if (deleteWith) await deleteWith(trx, id, ctx);
            else await (trx.deleteFrom(table as "users") as any).where(resource.pk.expr.replace(/^\w+\./, ""), "=", resource.pk.kind === "number" ? Number(id) : id).execute();
          });
        },
  };
}
