/** Admin resource: service name formats (the original's Services → Name format config). */
import { z } from "zod";
import { connectorCatalogue } from "../../connectors/catalogue";
import {
  type AdminResource,
  AdminInvalid,
  type Values,
} from "../admin/registry.server";
import {
  deleteNameFormat,
  getNameFormat,
  type NameFormatInput,
  NameFormatRuleError,
  previewNameFormat,
  saveNameFormat,
} from "./name-formats.server";
import { PROGRESS_RESOURCE } from "./progress.server";

// The admin's select fields carry numbers: a service is chosen by its position in the catalogue.
const serviceIndex = (id: string) =>
  connectorCatalogue.findIndex((m) => m.id === id);

const schema = z.object({
  service: z
    .number({ error: "admin.errors.required" })
    .int()
    .min(0)
    .max(connectorCatalogue.length - 1),
  format: z
    .string()
    .trim()
    .min(1, "admin.errors.required")
    .max(100, "admin.errors.tooLong"),
  default_to_username: z.boolean(),
  stateIds: z.array(z.number().int().positive()).max(1000),
  previewUserId: z.number().int().positive().nullable().optional(),
});

function toInput(v: Values): NameFormatInput {
  return {
    service: connectorCatalogue[Number(v.service)]?.id ?? "",
    format: String(v.format),
    defaultToUsername: Boolean(v.default_to_username),
    stateIds: (v.stateIds as number[]) ?? [],
  };
}

function fromRuleError(error: unknown): never {
  if (error instanceof NameFormatRuleError)
    throw new AdminInvalid({
      [error.field === "service" ? "service" : error.field]: error.key,
    });
  throw error;
}

/** The services' name formats, listed in the admin's resource list. */
export const nameFormatsResource: AdminResource = {
  key: PROGRESS_RESOURCE,
  label: "admin.resources.nameFormats",
  appLabel: "services",
  model: "nameformatconfig",
  auditType: "name_format",
  pk: { expr: "id", kind: "number" },
  defaultSort: "service",
  columns: [
    {
      name: "service",
      label: "services.admin.service",
      expr: "service",
      sortable: true,
    },
    { name: "format", label: "services.admin.format", expr: "format" },
    {
      name: "default_to_username",
      label: "services.admin.defaultToUsername",
      expr: "default_to_username",
      kind: "bool",
    },
  ],
  search: ["service", "format"],
  listQuery: (db) =>
    db
      .selectFrom("service_name_formats")
      .select(["id", "service", "format", "default_to_username"]),
  fields: [
    {
      name: "service",
      label: "services.admin.service",
      kind: "select",
      options: async () =>
        connectorCatalogue.map((m, i) => ({
          value: String(i),
          label: m.title,
        })),
    },
    { name: "format", label: "services.admin.format", kind: "text" },
    {
      name: "default_to_username",
      label: "services.admin.defaultToUsername",
      kind: "checkbox",
    },
    {
      name: "stateIds",
      label: "admin.field.states",
      kind: "multiselect",
      options: async (ctx) =>
        (
          await ctx.db
            .selectFrom("states")
            .select(["id", "name"])
            .orderBy("priority", "desc")
            .execute()
        ).map((s) => ({ value: String(s.id), label: s.name })),
    },
    {
      name: "previewUserId",
      label: "services.admin.previewUser",
      kind: "number",
    },
  ],
  schema,
  get: async (db, id) => {
    const row = await getNameFormat(db, Number(id));
    return row
      ? {
          service: serviceIndex(row.service),
          format: row.format,
          default_to_username: row.defaultToUsername,
          stateIds: row.stateIds,
          previewUserId: null,
        }
      : null;
  },
  title: (row) =>
    `${connectorCatalogue[Number(row.service)]?.title ?? row.service}: ${
      row.format
    }`,
  create: async (ctx, v) => {
    try {
      return await saveNameFormat(ctx.db, null, toInput(v), ctx.actor);
    } catch (error) {
      fromRuleError(error);
    }
  },
  update: async (ctx, id, v) => {
    try {
      await saveNameFormat(ctx.db, Number(id), toInput(v), ctx.actor);
    } catch (error) {
      fromRuleError(error);
    }
  },
  remove: async (ctx, id) => deleteNameFormat(ctx.db, Number(id), ctx.actor),
  preview: async (ctx, _id, v) => {
    try {
      const p = await previewNameFormat(
        ctx.db,
        toInput(v),
        (v.previewUserId as number | null) ?? null
      );
      return p
        ? { summary: "services.admin.preview", params: p }
        : { summary: "services.admin.previewNobody", params: {} };
    } catch (error) {
      fromRuleError(error);
    }
  },
};
