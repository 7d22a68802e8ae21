/** States in the admin: the same definition, rules and preview as the states pages (the domain's). */
import { z } from "zod";
import { GUEST } from "../../states/evaluate.server";
import { deleteState, getStateDefinition, previewStateDefinition, saveStateDefinition, type StateDefinition, withGuestRule } from "../../states/states.server";
import type { AdminResource, Values } from "../registry.server";
import { countWhere, flag, fromDomainError, ids, permissionOptions } from "./shared.server";

const stateSchema = z.object({
  name: z.string().trim().min(1, "admin.errors.required").max(32, "admin.errors.tooLong"),
  priority: z.number({ error: "admin.errors.number" }).int("admin.errors.number").min(-1_000_000, "admin.errors.number").max(1_000_000, "admin.errors.number"),
  public: z.boolean(),
  permissionIds: ids,
  characterIds: ids,
  corporationIds: ids,
  allianceIds: ids,
  factionIds: ids,
});

function toDefinition(v: Values, cur: Values | null): StateDefinition {
  const def: StateDefinition = {
    name: String(v.name),
    priority: Number(v.priority),
    public: Boolean(v.public),
    permissionIds: v.permissionIds as number[],
    characterIds: v.characterIds as number[],
    corporationIds: v.corporationIds as number[],
    allianceIds: v.allianceIds as number[],
    factionIds: v.factionIds as number[],
  };
  return withGuestRule(def, cur as StateDefinition | null);
}

export const statesResource: AdminResource = {
  key: "states",
  label: "admin.resources.states",
  appLabel: "authentication",
  model: "state",
  auditType: "state",
  pk: { expr: "id", kind: "number" },
  defaultSort: "priority",
  columns: [
    { name: "name", label: "admin.col.name", expr: "name", sortable: true },
    { name: "priority", label: "admin.col.priority", expr: "priority", sortable: true, kind: "number" },
    flag("admin.col.public", "public"),
  ],
  search: ["name"],
  listQuery: (db) => db.selectFrom("states").select(["id", "name", "priority", "public"]),
  fields: [
    { name: "name", label: "admin.col.name", kind: "text" },
    { name: "priority", label: "admin.col.priority", kind: "number" },
    { name: "public", label: "admin.col.public", kind: "checkbox" },
    { name: "permissionIds", label: "admin.field.permissions", kind: "multiselect", options: permissionOptions, superuserOnly: true },
    { name: "corporationIds", label: "admin.field.corporations", kind: "multiselect", eveIds: true, lookup: "corporation" },
    { name: "allianceIds", label: "admin.field.alliances", kind: "multiselect", eveIds: true, lookup: "alliance" },
    { name: "factionIds", label: "admin.field.factions", kind: "multiselect", eveIds: true, lookup: "faction" },
    { name: "characterIds", label: "admin.field.characterIds", kind: "multiselect", eveIds: true, lookup: "character" },
  ],
  schema: stateSchema,
  get: async (db, id) => {
    const def = await getStateDefinition(db, Number(id));
    if (!def) return null;
    const { id: _id, ...values } = def;
    return values;
  },
  title: (row) => String(row.name),
  create: async (ctx, v) => {
    try {
      return (await saveStateDefinition(ctx.db, null, toDefinition(v, null), ctx.actor)).id;
    } catch (error) {
      fromDomainError(error);
    }
  },
  update: async (ctx, id, v, cur) => {
    try {
      await saveStateDefinition(ctx.db, Number(id), toDefinition(v, cur), ctx.actor);
    } catch (error) {
      fromDomainError(error);
    }
  },
  preview: async (ctx, id, v) => {
    try {
      const cur = id ? await getStateDefinition(ctx.db, Number(id)) : null;
      const p = await previewStateDefinition(ctx.db, id ? Number(id) : null, toDefinition(v, cur as Values | null));
      return { summary: "admin.preview.summary", params: { gaining: p.gaining, losing: p.losing, names: [...p.sampleGaining, ...p.sampleLosing].join(", ") } };
    } catch (error) {
      fromDomainError(error);
    }
  },
  remove: async (ctx, id) => {
    try {
      await deleteState(ctx.db, Number(id), ctx.actor);
    } catch (error) {
      fromDomainError(error);
    }
  },
  undeletable: (cur) => (cur.name === GUEST ? "admin.errors.guestUndeletable" : null),
  related: async (db, id) => [
    { label: "admin.related.stateHolders", count: await countWhere(db, "users", "state_id", Number(id)) },
    { label: "admin.related.groupStates", count: await countWhere(db, "group_states", "state_id", Number(id)) },
  ],
};
