/** The timers in the admin site: listed, viewed and deleted (each deletion audited). */
// Not through admin/resources/shared.server: that module reaches the permission registry, which
// reads the app registry this file is loaded from.
import { writeAudit } from "~/modules/audit/audit.server";
import type { AdminResource } from "~/modules/admin/registry.server";

const listQuery: AdminResource["listQuery"] = (db) =>
  db.selectFrom("timerboard_timers").select(["id", "system", "details", "structure", "timer_type", "objective", "eve_time", "corp_timer", "corporation_name"]);

export const timersResource: AdminResource = {
  key: "timers",
  label: "timerboard.admin.timers",
  appLabel: "timerboard",
  model: "timer",
  auditType: "timerboard_timer",
  pk: { expr: "id", kind: "number" },
  defaultSort: "eve_time",
  columns: [
    { name: "system", label: "timerboard.field.system", expr: "system", sortable: true },
    { name: "details", label: "timerboard.field.details", expr: "details" },
    { name: "structure", label: "timerboard.field.structure", expr: "structure", sortable: true },
    { name: "timer_type", label: "timerboard.field.timerType", expr: "timer_type" },
    { name: "objective", label: "timerboard.field.objective", expr: "objective" },
    { name: "eve_time", label: "evetime.eveTime", expr: "eve_time", sortable: true, kind: "date" },
    { name: "corp_timer", label: "timerboard.field.corpTimer", expr: "corp_timer", kind: "bool" },
    { name: "corporation_name", label: "timerboard.corporation", expr: "corporation_name" },
  ],
  search: ["system", "details", "corporation_name"],
  listQuery,
  get: async (db, id) => (await listQuery(db).where("id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => `${row.system} ${row.details}`,
  remove: async (ctx, id, current) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "timerboard.timer_deleted", targetType: "timerboard_timer", targetId: id, before: current });
      await trx.deleteFrom("timerboard_timers").where("id", "=", Number(id)).execute();
    });
  },
};
