/** FAT links and participations in the admin site: listed, links renamed or re-timed, both deleted (all audited). */
// Not through admin/resources/shared.server: that module reaches the permission registry, which
// reads the app registry this file is loaded from.
import { z } from "zod";
import type { AdminCtx, AdminResource } from "~/modules/admin/registry.server";
import { writeAudit } from "~/modules/audit/audit.server";
import { countWhere } from "../../../db/dialect";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { DURATION_MAX, FLEET_MAX } from "./permissions";

/** Deletes a link with its participations (an audit row says how many went). */
export async function deleteLink(db: Kysely<DB>, link: { id: number; fleet: string; hash: string }, actor: AdminCtx["actor"]) {
  await db.transaction().execute(async (trx) => {
    const fats = await trx.deleteFrom("fleetactivitytracking_fats").where("fatlink_id", "=", link.id).executeTakeFirst();
    await trx.deleteFrom("fleetactivitytracking_fatlinks").where("id", "=", link.id).execute();
    await writeAudit(trx, actor, { action: "fleetactivitytracking.fatlink_deleted", targetType: "fleetactivitytracking_fatlink", targetId: link.id, before: { fleet: link.fleet, hash: link.hash, fats: Number(fats.numDeletedRows) } });
  });
}

const linksQuery: AdminResource["listQuery"] = (db) =>
  db
    .selectFrom("fleetactivitytracking_fatlinks as l")
    .select(["l.id as id", "l.fleet as fleet", "l.hash as hash", "l.duration as duration", "l.fatdatetime as fatdatetime", "l.creator_name as creator_name"]);

export const fatlinksResource: AdminResource = {
  key: "fatlinks",
  label: "fleetactivitytracking.admin.links",
  appLabel: "fleetactivitytracking",
  model: "fatlink",
  auditType: "fleetactivitytracking_fatlink",
  pk: { expr: "l.id", kind: "number" },
  defaultSort: "fatdatetime",
  columns: [
    { name: "fleet", label: "fleetactivitytracking.field.fleet", expr: "l.fleet", sortable: true },
    { name: "hash", label: "fleetactivitytracking.hash", expr: "l.hash" },
    { name: "duration", label: "fleetactivitytracking.field.duration", expr: "l.duration", kind: "number" },
    { name: "fatdatetime", label: "fleetactivitytracking.created", expr: "l.fatdatetime", sortable: true, kind: "date" },
    { name: "creator_name", label: "fleetactivitytracking.creator", expr: "l.creator_name", sortable: true },
  ],
  search: ["l.fleet", "l.hash", "l.creator_name"],
  listQuery: linksQuery,
  fields: [
    { name: "fleet", label: "fleetactivitytracking.field.fleet", kind: "text" },
    { name: "duration", label: "fleetactivitytracking.field.duration", kind: "number" },
  ],
  schema: z.object({
    fleet: z.string().trim().min(1, "admin.errors.required").max(FLEET_MAX, "admin.errors.tooLong"),
    duration: z.coerce.number().int("fleetactivitytracking.errors.duration").min(1, "fleetactivitytracking.errors.duration").max(DURATION_MAX, "fleetactivitytracking.errors.duration"),
  }),
  get: async (db, id) => (await linksQuery(db).where("l.id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => String(row.fleet),
  related: async (db, id) => {
    return [{ label: "fleetactivitytracking.admin.fats", count: await countWhere(db, "fleetactivitytracking_fats", "fatlink_id", Number(id)) }];
  },
  update: async (ctx, id, v, current) => {
    const after = { fleet: String(v.fleet), duration: Number(v.duration) };
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("fleetactivitytracking_fatlinks").set(after).where("id", "=", Number(id)).execute();
      await writeAudit(trx, ctx.actor, { action: "fleetactivitytracking.fatlink_changed", targetType: "fleetactivitytracking_fatlink", targetId: id, before: { fleet: current.fleet, duration: current.duration }, after });
    });
  },
  remove: async (ctx, id, current) => {
    await deleteLink(ctx.db, { id: Number(id), fleet: String(current.fleet), hash: String(current.hash) }, ctx.actor);
  },
};

const fatsQuery: AdminResource["listQuery"] = (db) =>
  db
    .selectFrom("fleetactivitytracking_fats as f")
    .innerJoin("fleetactivitytracking_fatlinks as l", "l.id", "f.fatlink_id")
    .innerJoin("eve_characters as c", "c.id", "f.character_id")
    .innerJoin("users as u", "u.id", "f.user_id")
    .select([
      "f.id as id",
      "c.character_name as character_name",
      "u.username as username",
      "l.fleet as fleet",
      "f.corporation_name as corporation_name",
      "f.system as system",
      "f.station as station",
      "f.shiptype as shiptype",
      "f.created_at as created_at",
    ]);

export const fatsResource: AdminResource = {
  key: "fats",
  label: "fleetactivitytracking.admin.fats",
  appLabel: "fleetactivitytracking",
  model: "fat",
  auditType: "fleetactivitytracking_fat",
  pk: { expr: "f.id", kind: "number" },
  defaultSort: "created_at",
  columns: [
    { name: "character_name", label: "fleetactivitytracking.character", expr: "c.character_name", sortable: true },
    { name: "username", label: "fleetactivitytracking.admin.user", expr: "u.username" },
    { name: "fleet", label: "fleetactivitytracking.field.fleet", expr: "l.fleet", sortable: true },
    { name: "corporation_name", label: "fleetactivitytracking.corporation", expr: "f.corporation_name" },
    { name: "system", label: "fleetactivitytracking.system", expr: "f.system" },
    { name: "station", label: "fleetactivitytracking.station", expr: "f.station" },
    { name: "shiptype", label: "fleetactivitytracking.ship", expr: "f.shiptype" },
    { name: "created_at", label: "fleetactivitytracking.recorded", expr: "f.created_at", sortable: true, kind: "date" },
  ],
  search: ["c.character_name", "u.username", "l.fleet"],
  listQuery: fatsQuery,
  get: async (db, id) => (await fatsQuery(db).where("f.id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => `${row.character_name} — ${row.fleet}`,
  remove: async (ctx, id, current) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "fleetactivitytracking.fat_removed", targetType: "fleetactivitytracking_fat", targetId: id, before: current });
      await trx.deleteFrom("fleetactivitytracking_fats").where("id", "=", Number(id)).execute();
    });
  },
};
