/**
 * SRP fleets and requests in the admin site (the original registers both models there): listed,
 * fleets renamed, both deleted (a fleet with its requests); every change audited.
 */
// Not through admin/resources/shared.server: that module reaches the permission registry, which
// reads the app registry this file is loaded from.
import { z } from "zod";
import type { AdminResource } from "~/modules/admin/registry.server";
import { writeAudit } from "~/modules/audit/audit.server";
import { countWhere } from "../../../db/dialect";

const optionalLink = z
  .string()
  .trim()
  .max(254, "admin.errors.tooLong")
  .refine((v) => v === "" || /^https?:\/\/\S+$/i.test(v), "srp.errors.link");

const fleetsQuery: AdminResource["listQuery"] = (db) =>
  db
    .selectFrom("srp_fleets as f")
    .select(["f.id as id", "f.fleet_name as fleet_name", "f.doctrine as doctrine", "f.fleet_time as fleet_time", "f.fleet_srp_code as fleet_srp_code", "f.fleet_srp_status as fleet_srp_status", "f.fleet_commander_name as fleet_commander_name", "f.aar_link as aar_link"]);

export const srpFleetsResource: AdminResource = {
  key: "srp-fleets",
  label: "srp.fleets",
  appLabel: "srp",
  model: "srpfleetmain",
  auditType: "srp_fleet",
  pk: { expr: "f.id", kind: "number" },
  defaultSort: "fleet_time",
  columns: [
    { name: "fleet_name", label: "srp.field.fleetName", expr: "f.fleet_name", sortable: true },
    { name: "doctrine", label: "srp.field.doctrine", expr: "f.doctrine", sortable: true },
    { name: "fleet_time", label: "srp.field.fleetTime", expr: "f.fleet_time", sortable: true, kind: "date" },
    { name: "fleet_srp_code", label: "srp.code", expr: "f.fleet_srp_code" },
    { name: "fleet_srp_status", label: "srp.status", expr: "f.fleet_srp_status" },
    { name: "fleet_commander_name", label: "srp.fc", expr: "f.fleet_commander_name", sortable: true },
  ],
  search: ["f.fleet_name", "f.doctrine", "f.fleet_srp_code", "f.fleet_commander_name"],
  listQuery: fleetsQuery,
  fields: [
    { name: "fleet_name", label: "srp.field.fleetName", kind: "text" },
    { name: "doctrine", label: "srp.field.doctrine", kind: "text" },
    { name: "aar_link", label: "srp.field.aarLink", kind: "text" },
  ],
  schema: z.object({
    fleet_name: z.string().trim().min(1, "admin.errors.required").max(254, "admin.errors.tooLong"),
    doctrine: z.string().trim().min(1, "admin.errors.required").max(254, "admin.errors.tooLong"),
    aar_link: optionalLink,
  }),
  get: async (db, id) => (await fleetsQuery(db).where("f.id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => String(row.fleet_name),
  related: async (db, id) => {
    return [{ label: "srp.requests", count: await countWhere(db, "srp_requests", "fleet_id", Number(id)) }];
  },
  update: async (ctx, id, v, current) => {
    const after = { fleet_name: String(v.fleet_name), doctrine: String(v.doctrine), aar_link: String(v.aar_link ?? "") };
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("srp_fleets").set(after).where("id", "=", Number(id)).execute();
      await writeAudit(trx, ctx.actor, { action: "srp.fleet_changed", targetType: "srp_fleet", targetId: id, before: { fleet_name: current.fleet_name, doctrine: current.doctrine, aar_link: current.aar_link }, after });
    });
  },
  remove: async (ctx, id, current) => {
    await ctx.db.transaction().execute(async (trx) => {
      const requests = await trx.deleteFrom("srp_requests").where("fleet_id", "=", Number(id)).executeTakeFirst();
      await trx.deleteFrom("srp_fleets").where("id", "=", Number(id)).execute();
      await writeAudit(trx, ctx.actor, { action: "srp.fleet_deleted", targetType: "srp_fleet", targetId: id, before: { fleet_name: current.fleet_name, code: current.fleet_srp_code, requests: Number(requests.numDeletedRows) } });
    });
  },
};

const requestsQuery: AdminResource["listQuery"] = (db) =>
  db
    .selectFrom("srp_requests as r")
    .innerJoin("srp_fleets as f", "f.id", "r.fleet_id")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select([
      "r.id as id",
      "r.character_name as character_name",
      "u.username as username",
      "f.fleet_name as fleet_name",
      "r.srp_ship_name as srp_ship_name",
      "r.kill_id as kill_id",
      "r.kb_total_loss as kb_total_loss",
      "r.srp_total_amount as srp_total_amount",
      "r.srp_status as srp_status",
      "r.post_time as post_time",
    ]);

export const srpRequestsResource: AdminResource = {
  key: "srp-requests",
  label: "srp.admin.requests",
  appLabel: "srp",
  model: "srpuserrequest",
  auditType: "srp_request",
  pk: { expr: "r.id", kind: "number" },
  defaultSort: "post_time",
  columns: [
    { name: "character_name", label: "srp.character", expr: "r.character_name", sortable: true },
    { name: "username", label: "srp.admin.user", expr: "u.username" },
    { name: "fleet_name", label: "srp.field.fleetName", expr: "f.fleet_name", sortable: true },
    { name: "srp_ship_name", label: "srp.ship", expr: "r.srp_ship_name" },
    { name: "kill_id", label: "srp.killmail", expr: "r.kill_id", kind: "number" },
    { name: "kb_total_loss", label: "srp.loss", expr: "r.kb_total_loss", kind: "number", sortable: true },
    { name: "srp_total_amount", label: "srp.payout", expr: "r.srp_total_amount", kind: "number", sortable: true },
    { name: "srp_status", label: "srp.status", expr: "r.srp_status" },
    { name: "post_time", label: "srp.admin.filed", expr: "r.post_time", sortable: true, kind: "date" },
  ],
  search: ["r.character_name", "u.username", "f.fleet_name", "r.srp_ship_name"],
  listQuery: requestsQuery,
  get: async (db, id) => (await requestsQuery(db).where("r.id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => `${row.character_name} — ${row.srp_ship_name}`,
  remove: async (ctx, id, current) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "srp.request_deleted", targetType: "srp_request", targetId: id, before: current });
      await trx.deleteFrom("srp_requests").where("id", "=", Number(id)).execute();
    });
  },
};
