/** The announcements' admin pages (list, create, change, delete, history), through the generic admin. */
import { z } from "zod";
import type { AdminResource } from "../plugin-api.server";
import { ANNOUNCEMENT_LEVELS, announcementForForm, createAnnouncement, deleteAnnouncement, updateAnnouncement, type AnnouncementInput } from "./announcements.server";

const ids = z.array(z.number().int().positive()).max(1000);

/** `YYYY-MM-DD HH:MM` in UTC (EVE time), the way the form shows it. */
const STAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;
const stamp = (required: boolean) =>
  z.string().transform((text, ctx) => {
    if (text === "") {
      if (required) ctx.addIssue({ code: "custom", message: "announcements.errors.when" });
      return null;
    }
    const m = STAMP.exec(text);
    const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])) : null;
    if (!date || date.toISOString().slice(0, 16) !== `${m![1]}-${m![2]}-${m![3]}T${m![4]}:${m![5]}`) {
      ctx.addIssue({ code: "custom", message: "announcements.errors.when" });
      return z.NEVER;
    }
    return date;
  });

const schema = z
  .object({
    title: z.string().trim().min(1, "admin.errors.required").max(200, "admin.errors.tooLong"),
    message: z.string().trim().min(1, "admin.errors.required").max(5000, "admin.errors.tooLong"),
    level: z.number({ message: "admin.errors.required" }).int().min(1).max(ANNOUNCEMENT_LEVELS.length),
    startsAt: stamp(true),
    endsAt: stamp(false),
    stateIds: ids,
    groupIds: ids,
  })
  .refine((v) => !v.endsAt || !v.startsAt || v.endsAt > v.startsAt, { path: ["endsAt"], message: "announcements.errors.endBeforeStart" });

function toInput(values: Record<string, unknown>): AnnouncementInput {
  return {
    title: String(values.title),
    message: String(values.message),
    level: ANNOUNCEMENT_LEVELS[Number(values.level) - 1],
    startsAt: values.startsAt as Date,
    endsAt: (values.endsAt as Date | null) ?? null,
    stateIds: values.stateIds as number[],
    groupIds: values.groupIds as number[],
  };
}

export const announcementsResource: AdminResource = {
  key: "announcements",
  label: "announcements.admin",
  appLabel: "announcements",
  model: "announcement",
  auditType: "announcement",
  pk: { expr: "id", kind: "number" },
  defaultSort: "-starts_at",
  columns: [
    { name: "title", label: "announcements.field.title", expr: "title", sortable: true },
    { name: "level", label: "announcements.field.level", expr: "level" },
    { name: "starts_at", label: "announcements.field.startsAt", expr: "starts_at", sortable: true, kind: "date" },
    { name: "ends_at", label: "announcements.field.endsAt", expr: "ends_at", sortable: true, kind: "date" },
  ],
  search: ["title", "message"],
  listQuery: (db) => db.selectFrom("announcements").select(["id", "title", "level", "starts_at", "ends_at"]),
  fields: [
    { name: "title", label: "announcements.field.title", kind: "text" },
    { name: "message", label: "announcements.field.message", kind: "textarea" },
    { name: "level", label: "announcements.field.level", kind: "select", options: async () => ANNOUNCEMENT_LEVELS.map((level, i) => ({ value: String(i + 1), label: level })) },
    { name: "startsAt", label: "announcements.field.startsAt", kind: "text" },
    { name: "endsAt", label: "announcements.field.endsAt", kind: "text" },
    {
      name: "stateIds",
      label: "announcements.field.states",
      kind: "multiselect",
      options: async (ctx) => (await ctx.db.selectFrom("states").select(["id", "name"]).orderBy("name").execute()).map((s) => ({ value: String(s.id), label: s.name })),
    },
    {
      name: "groupIds",
      label: "announcements.field.groups",
      kind: "multiselect",
      options: async (ctx) => (await ctx.db.selectFrom("auth_groups").select(["id", "name"]).orderBy("name").limit(2000).execute()).map((g) => ({ value: String(g.id), label: g.name })),
    },
  ],
  schema,
  get: async (db, id) => announcementForForm(db, Number(id)),
  title: (row) => String(row.title),
  create: async (ctx, values) => createAnnouncement(ctx.db, toInput(values), ctx.actor),
  update: async (ctx, id, values, current) => updateAnnouncement(ctx.db, Number(id), toInput(values), current, ctx.actor),
  remove: async (ctx, id, current) => deleteAnnouncement(ctx.db, Number(id), current, ctx.actor),
};
