/**
 * The example app's admin pages (list, add, change, delete, history) through the generic admin: the
 * greetings its job sends. Declared with the public API only (docs/extending.md).
 */
import { z } from "zod";
import type { AdminResource } from "../plugin-api.server";
import { createGreeting, deleteGreeting, greetingForForm, updateGreeting } from "./greeting.server";

export const greetingsResource: AdminResource = {
  key: "example-greetings",
  label: "example.admin.title",
  appLabel: "example",
  model: "greeting",
  auditType: "example_greeting",
  pk: { expr: "id", kind: "number" },
  defaultSort: "-created_at",
  columns: [
    { name: "text", label: "example.admin.text", expr: "text", sortable: true },
    { name: "created_at", label: "example.admin.createdAt", expr: "created_at", sortable: true, kind: "date" },
  ],
  search: ["text"],
  listQuery: (db) => db.selectFrom("example_greetings").select(["id", "text", "created_at"]),
  fields: [{ name: "text", label: "example.admin.text", kind: "text" }],
  schema: z.object({ text: z.string().trim().min(1, "admin.errors.required").max(200, "admin.errors.tooLong") }),
  get: async (db, id) => greetingForForm(db, Number(id)),
  title: (row) => String(row.text),
  create: async (ctx, values) => createGreeting(ctx.db, String(values.text), ctx.actor),
  update: async (ctx, id, values, current) => updateGreeting(ctx.db, Number(id), String(values.text), current, ctx.actor),
  remove: async (ctx, id, current) => deleteGreeting(ctx.db, Number(id), current, ctx.actor),
};
