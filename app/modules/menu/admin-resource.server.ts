/**
 * The menu editor: the stored sidebar (menu_items) through the generic admin. The admin reorders
 * (order numbers), renames, hides and nests entries in folders (one level), and adds folders (no
 * address) and links (an address and an icon). Entries of the core, the services and the apps come
 * from the code: they can be changed but not deleted or given an address.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import { insertReturningId } from "../../../db/dialect";
import { writeAudit } from "../audit/audit.server";
import { AdminInvalid, type AdminCtx, type AdminResource, type Values } from "../admin/registry.server";
import { isFolder, MENU_ICONS } from "./stored.server";
import { bumpMenuRevision } from "./revision.server";
import { menuItems } from "./registry.server";

export const MENU_AUDIT_TYPE = "menu_item";
const MAX_ORDER = 1_000_000;

/** A link's address: a path on this site or an http(s) address elsewhere; no spaces, no scripts. */
export function validMenuUrl(url: string): boolean {
  if (url.length > 500 || /[\s\\<>"'`]/.test(url) || /[\u0000-\u001f\u007f]/.test(url)) return false;
  if (url.startsWith("/")) return !url.startsWith("//");
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "https:" || parsed.protocol === "http:") && Boolean(parsed.hostname);
  } catch {
    return false;
  }
}

const schema = z.object({
  label: z.string().max(150, "admin.errors.tooLong"),
  url: z.string().max(500, "admin.errors.tooLong").refine((url) => url === "" || validMenuUrl(url), "menu.errors.url"),
  icon: z.number().int().min(1).max(MENU_ICONS.length).nullable(),
  parent: z.number().int().positive().nullable(),
  order: z.number().int().min(0, "menu.errors.order").max(MAX_ORDER, "menu.errors.order").nullable(),
  hidden: z.boolean(),
});

interface MenuValues {
  label: string | null;
  url: string | null;
  icon: string | null;
  parent_id: number | null;
  sort_order: number;
  is_hidden: boolean;
}

async function itemForForm(db: Kysely<DB>, id: number) {
  const row = await db.selectFrom("menu_items").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const icon = (MENU_ICONS as readonly string[]).indexOf(row.icon ?? "");
  return { label: row.label ?? "", url: row.url ?? "", icon: icon >= 0 ? icon + 1 : null, parent: row.parent_id, order: row.sort_order, hidden: Boolean(row.is_hidden), source: row.source_id };
}

/** Checks the submitted values against the other rows; the row as stored. */
async function checked(ctx: AdminCtx, id: number | null, values: Values, current: Values | null): Promise<MenuValues> {
  const source = (current?.source as string | null | undefined) ?? null;
  const url = String(values.url ?? "");
  const label = String(values.label ?? "").trim();
  const errors: Record<string, string> = {};
  // An entry of the code keeps its own address; an admin's folder stays a folder, a link a link.
  if (source !== null && url !== "") errors.url = "menu.errors.urlOfEntry";
  if (current && source === null && (String(current.url ?? "") === "") !== (url === "")) errors.url = url === "" ? "menu.errors.urlRequired" : "menu.errors.folderUrl";
  if (source === null && label === "") errors.label = "admin.errors.required";
  const folder = source === null && url === "";
  const parent = values.parent === null || values.parent === undefined ? null : Number(values.parent);
  if (parent !== null) {
    const row = await ctx.db.selectFrom("menu_items").select(["id", "source_id", "url", "parent_id"]).where("id", "=", parent).executeTakeFirst();
    if (!row || !isFolder(row) || row.parent_id !== null || row.id === id) errors.parent = "menu.errors.parent";
    else if (folder) errors.parent = "menu.errors.folderInFolder";
  }
  if (Object.keys(errors).length) throw new AdminInvalid(errors);
  const icon = values.icon === null || values.icon === undefined ? null : MENU_ICONS[Number(values.icon) - 1] ?? null;
  return { label: label === "" ? null : label, url: source === null && url !== "" ? url : null, icon, parent_id: parent, sort_order: values.order === null || values.order === undefined ? 9999 : Number(values.order), is_hidden: Boolean(values.hidden) };
}

const audited = (v: MenuValues, source: string | null) => ({ source, ...v });

export const menuResource: AdminResource = {
  key: "menu",
  label: "menu.admin.title",
  appLabel: "menu",
  model: "menuitem",
  auditType: MENU_AUDIT_TYPE,
  pk: { expr: "m.id", kind: "number" },
  defaultSort: "position",
  columns: [
    { name: "name", label: "menu.field.label", expr: "m.label", i18nFallback: "default_label" },
    { name: "kind", label: "menu.field.kind", expr: "m.id", translate: true },
    { name: "folder", label: "menu.field.parent", expr: "p.label" },
    { name: "position", label: "menu.field.position", expr: "position", sortable: true, kind: "number" },
    { name: "sort_order", label: "menu.field.order", expr: "m.sort_order", sortable: true, kind: "number" },
    { name: "is_hidden", label: "menu.field.hidden", expr: "m.is_hidden", sortable: true, kind: "bool" },
  ],
  search: ["m.label", "m.default_label", "m.url"],
  // Sorted by "position": where the entry shows in the sidebar (a folder's entries right after it).
  listQuery: (db) =>
    db
      .selectFrom((eb: any) =>
        eb
          .selectFrom("menu_items as m")
          .leftJoin("menu_items as p", "p.id", "m.parent_id")
          .select([
            "m.id",
            "m.label as name",
            "m.default_label",
            sql<string>`case when m.source_id is not null then 'menu.kind.entry' when m.url is null then 'menu.kind.folder' else 'menu.kind.link' end`.as("kind"),
            "p.label as folder",
            sql<number>`row_number() over (order by coalesce(p.sort_order, m.sort_order), coalesce(p.id, m.id), case when p.id is null then 0 else 1 end, m.sort_order, m.id)`.as("position"),
            "m.sort_order",
            "m.is_hidden",
            "m.label",
            "m.url",
          ])
          .as("m"),
      )
      .selectAll("m"),
  fields: [
    { name: "label", label: "menu.field.label", kind: "text" },
    { name: "url", label: "menu.field.url", kind: "text" },
    { name: "icon", label: "menu.field.icon", kind: "select", options: async () => MENU_ICONS.map((icon, i) => ({ value: String(i + 1), label: `menu.icon.${icon}`, translate: true })) },
    {
      name: "parent",
      label: "menu.field.parent",
      kind: "select",
      options: async (ctx, id) =>
        (await ctx.db.selectFrom("menu_items").select(["id", "label"]).where("source_id", "is", null).where("url", "is", null).where("parent_id", "is", null).orderBy("sort_order").orderBy("id").execute())
          .filter((row) => String(row.id) !== id)
          .map((row) => ({ value: String(row.id), label: row.label ?? "" })),
    },
    { name: "order", label: "menu.field.order", kind: "number" },
    { name: "hidden", label: "menu.field.hidden", kind: "checkbox" },
  ],
  defaults: { order: 9999 },
  schema,
  get: async (db, id) => itemForForm(db, Number(id)),
  title: (row) => String(row.label || row.source || ""),
  // An entry of the code without a custom label is named by its translated default.
  titleKey: (row) => (row.label || !row.source ? null : (menuItems().find((item) => item.id === row.source)?.label ?? null)),
  create: async (ctx, values) => {
    const row = await checked(ctx, null, values, null);
    return ctx.db.transaction().execute(async (trx) => {
      const id = await insertReturningId(trx, "menu_items", { source_id: null, default_label: null, ...row });
      await bumpMenuRevision(trx);
      await writeAudit(trx, ctx.actor, { action: "menu_item.created", targetType: MENU_AUDIT_TYPE, targetId: String(id), after: audited(row, null) });
      return id;
    });
  },
  update: async (ctx, id, values, current) => {
    const row = await checked(ctx, Number(id), values, current);
    const source = (current.source as string | null) ?? null;
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("menu_items").set(row).where("id", "=", Number(id)).execute();
      await bumpMenuRevision(trx);
      await writeAudit(trx, ctx.actor, { action: "menu_item.changed", targetType: MENU_AUDIT_TYPE, targetId: id, before: current, after: audited(row, source) });
    });
  },
  remove: async (ctx, id, current) => {
    await ctx.db.transaction().execute(async (trx) => {
      // A folder's entries move to the top level.
      await trx.updateTable("menu_items").set({ parent_id: null }).where("parent_id", "=", Number(id)).execute();
      await trx.deleteFrom("menu_items").where("id", "=", Number(id)).where("source_id", "is", null).execute();
      await bumpMenuRevision(trx);
      await writeAudit(trx, ctx.actor, { action: "menu_item.deleted", targetType: MENU_AUDIT_TYPE, targetId: id, before: current });
    });
  },
  undeletable: (current) => (current.source ? "menu.errors.entryUndeletable" : null),
};
