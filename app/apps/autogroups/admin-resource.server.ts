/**
 * Auto-group configs in the admin (the original's eve_autogroups.AutogroupsConfig): saving and
 * deleting go through configs.server. The app's definition imports this file, and the core imports
 * the app registry, so the domain is loaded on first use (an import cycle otherwise).
 */
import { z } from "zod";
import { AdminInvalid, type AdminCtx, type AdminResource, type Values } from "~/modules/admin/registry.server";
import type { ConfigDefinition } from "./configs.server";
import type { NameSource } from "./naming";

const configs = () => import("./configs.server");
const stateOptions = async (ctx: AdminCtx) => (await import("~/modules/admin/resources/shared.server")).stateOptions(ctx);
const ids = z.array(z.number().int().positive()).max(10_000);

/** The name source as a select: 1 = full name, 2 = ticker (the admin's selects carry ids). */
const SOURCES: NameSource[] = ["name", "ticker"];
const sourceOptions = async () => [
  { value: "1", label: "autogroups.source.name", translate: true },
  { value: "2", label: "autogroups.source.ticker", translate: true },
];
const source = z.number({ error: "admin.errors.choice" }).int().min(1, "admin.errors.choice").max(2, "admin.errors.choice");

const schema = z.object({
  stateIds: ids,
  corp_groups: z.boolean(),
  corp_group_prefix: z.string().max(50, "admin.errors.tooLong"),
  corp_name_source: source,
  alliance_groups: z.boolean(),
  alliance_group_prefix: z.string().max(50, "admin.errors.tooLong"),
  alliance_name_source: source,
  replace_spaces: z.boolean(),
  replace_spaces_with: z.string().max(10, "admin.errors.tooLong"),
});

const toForm = (def: ConfigDefinition): Values => ({ ...def, corp_name_source: SOURCES.indexOf(def.corp_name_source) + 1, alliance_name_source: SOURCES.indexOf(def.alliance_name_source) + 1 });
const fromForm = (v: Values): ConfigDefinition => ({
  stateIds: v.stateIds as number[],
  corp_groups: Boolean(v.corp_groups),
  corp_group_prefix: String(v.corp_group_prefix ?? ""),
  corp_name_source: SOURCES[Number(v.corp_name_source) - 1] ?? "name",
  alliance_groups: Boolean(v.alliance_groups),
  alliance_group_prefix: String(v.alliance_group_prefix ?? ""),
  alliance_name_source: SOURCES[Number(v.alliance_name_source) - 1] ?? "name",
  replace_spaces: Boolean(v.replace_spaces),
  replace_spaces_with: String(v.replace_spaces_with ?? ""),
});

async function domain(error: unknown): Promise<never> {
  if (error instanceof (await configs()).AutogroupsConfigError) throw new AdminInvalid({ [error.field]: error.key });
  throw error;
}

export const autogroupsConfigResource: AdminResource = {
  key: "autogroups",
  label: "autogroups.admin.resource",
  appLabel: "eve_autogroups",
  model: "autogroupsconfig",
  auditType: "autogroups_config",
  pk: { expr: "id", kind: "number" },
  defaultSort: "id",
  columns: [
    { name: "id", label: "autogroups.admin.config", expr: "id", sortable: true, kind: "number" },
    { name: "corp_groups", label: "autogroups.field.corpGroups", expr: "corp_groups", kind: "bool" },
    { name: "corp_group_prefix", label: "autogroups.field.corpPrefix", expr: "corp_group_prefix" },
    { name: "alliance_groups", label: "autogroups.field.allianceGroups", expr: "alliance_groups", kind: "bool" },
    { name: "alliance_group_prefix", label: "autogroups.field.alliancePrefix", expr: "alliance_group_prefix" },
  ],
  search: ["corp_group_prefix", "alliance_group_prefix"],
  listQuery: (db) => db.selectFrom("autogroups_configs").select(["id", "corp_groups", "corp_group_prefix", "alliance_groups", "alliance_group_prefix"]),
  fields: [
    { name: "stateIds", label: "autogroups.field.states", kind: "multiselect", options: stateOptions },
    { name: "corp_groups", label: "autogroups.field.corpGroups", kind: "checkbox" },
    { name: "corp_group_prefix", label: "autogroups.field.corpPrefix", kind: "text", keepSpaces: true },
    { name: "corp_name_source", label: "autogroups.field.corpSource", kind: "select", options: sourceOptions },
    { name: "alliance_groups", label: "autogroups.field.allianceGroups", kind: "checkbox" },
    { name: "alliance_group_prefix", label: "autogroups.field.alliancePrefix", kind: "text", keepSpaces: true },
    { name: "alliance_name_source", label: "autogroups.field.allianceSource", kind: "select", options: sourceOptions },
    { name: "replace_spaces", label: "autogroups.field.replaceSpaces", kind: "checkbox" },
    { name: "replace_spaces_with", label: "autogroups.field.replaceSpacesWith", kind: "text", keepSpaces: true },
  ],
  defaults: { corp_group_prefix: "Corp ", corp_name_source: 1, alliance_group_prefix: "Alliance ", alliance_name_source: 1 },
  schema,
  get: async (db, id) => {
    const def = await (await configs()).getConfig(db, Number(id));
    return def ? { id: Number(id), ...toForm(def) } : null;
  },
  title: (row) => `#${String(row.id)}`,
  create: async (ctx, v) => (await configs()).saveConfig(ctx.db, null, fromForm(v), ctx.actor).catch(domain),
  update: async (ctx, id, v) => {
    await (await configs()).saveConfig(ctx.db, Number(id), fromForm(v), ctx.actor).catch(domain);
  },
  remove: async (ctx, id) => (await configs()).deleteConfig(ctx.db, Number(id), ctx.actor).catch(domain),
  related: async (db, id) => [
    { label: "autogroups.admin.managedGroups", count: Number((await db.selectFrom("autogroups_managed_groups").select((eb) => eb.fn.countAll().as("n")).where("config_id", "=", Number(id)).executeTakeFirstOrThrow()).n) },
  ],
};
