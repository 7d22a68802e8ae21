/**
 * Ship replacement: SRP fleets, the members' requests (one per kill, for a loss of one of their own
 * characters) and the managers' decisions and payouts; the requester is notified of each decision.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { serverT } from "~/i18n/i18n.server";
import { type Actor, writeAudit } from "~/modules/audit/audit.server";
import type { EsiClient } from "~/modules/eve/esi-client.server";
import { formText, parseEveTime } from "~/modules/eve/eve-time";
import type { MainCharacter } from "~/modules/eve/main-character.server";
import { insertReturningId } from "../../../db/dialect";
import { notifyUser } from "~/modules/notifications/notify.server";
import { fetchLoss, KillmailError, parseKillLink } from "./killmails.server";
import type { SrpStatus } from "./permissions";

export class SrpError extends Error {}

export type FleetFormValues = { fleet_name: string; doctrine: string; fleet_time: string; aar_link: string };
export type FleetErrors = Partial<Record<keyof FleetFormValues, string>>;

export function readFleetForm(form: FormData): FleetFormValues {
  return { fleet_name: formText(form, "fleet_name"), doctrine: formText(form, "doctrine"), fleet_time: formText(form, "fleet_time"), aar_link: formText(form, "aar_link") };
}

export function validateFleet(values: FleetFormValues): { input: (Omit<FleetFormValues, "fleet_time"> & { fleet_time: Date }) | null; errors: FleetErrors } {
  const errors: FleetErrors = {};
  for (const f of ["fleet_name", "doctrine", "fleet_time"] as const) if (!values[f]) errors[f] = "srp.errors.required";
  for (const f of ["fleet_name", "doctrine", "aar_link"] as const) if (values[f].length > 254) errors[f] = "srp.errors.tooLong";
  const time = values.fleet_time ? parseEveTime(values.fleet_time) : null;
  if (values.fleet_time && !time) errors.fleet_time = "srp.errors.time";
  if (values.aar_link && !/^https?:\/\/\S+$/i.test(values.aar_link)) errors.aar_link = "srp.errors.link";
  if (Object.keys(errors).length || !time) return { input: null, errors };
  return { input: { ...values, fleet_time: time }, errors };
}

export async function createFleet(db: Kysely<DB>, input: ReturnType<typeof validateFleet>["input"] & object, fc: MainCharacter | null, actor: Actor, now = new Date()) {
  const code = randomBytes(12).toString("base64url").slice(0, 16);
  return db.transaction().execute(async (trx) => {
    const id = await insertReturningId(trx, "srp_fleets", { ...input, fleet_srp_code: code, fleet_srp_status: "", fleet_commander_id: fc?.id ?? null, fleet_commander_name: fc?.character_name ?? null, created_at: now });
    await writeAudit(trx, actor, { action: "srp.fleet_created", targetType: "srp_fleet", targetId: id, after: { ...input, fleet_time: input.fleet_time.toISOString(), code } });
    return { id, code };
  });
}

/** Fleets with their request counts and totals (set-based), newest first. */
export function listFleets(db: Kysely<DB>) {
  return db
    .selectFrom("srp_fleets as f")
    .leftJoin("srp_requests as r", "r.fleet_id", "f.id")
    .select((eb) => [
      "f.id",
      "f.fleet_name",
      "f.doctrine",
      "f.fleet_time",
      "f.fleet_srp_code",
      "f.fleet_srp_status",
      "f.fleet_commander_name",
      "f.aar_link",
      eb.fn.count<number>("r.id").as("requests"),
      eb.fn.coalesce(eb.fn.sum<number>(eb.case().when("r.srp_status", "=", "Approved").then(eb.ref("r.srp_total_amount")).else(0).end()), eb.lit(0)).as("approved_total"),
      eb.fn.coalesce(eb.fn.sum<number>("r.kb_total_loss"), eb.lit(0)).as("loss_total"),
    ])
    .groupBy(["f.id", "f.fleet_name", "f.doctrine", "f.fleet_time", "f.fleet_srp_code", "f.fleet_srp_status", "f.fleet_commander_name", "f.aar_link"])
    .orderBy("f.fleet_time", "desc")
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, requests: Number(r.requests), approved_total: Number(r.approved_total), loss_total: Number(r.loss_total) })));
}

export async function fleetByCode(db: Kysely<DB>, code: string) {
  return (await db.selectFrom("srp_fleets").selectAll().where("fleet_srp_code", "=", code).executeTakeFirst()) ?? null;
}
export async function fleetById(db: Kysely<DB>, id: number) {
  return (await db.selectFrom("srp_fleets").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

export function fleetRequests(db: Kysely<DB>, fleetId: number) {
  return db.selectFrom("srp_requests").selectAll().where("fleet_id", "=", fleetId).orderBy("post_time").orderBy("id").execute();
}

/**
 * Files a loss: the fleet must be open, the link a zKillboard or ESI killmail link naming a kill not
 * filed before, and the victim one of the requester's characters. Throws SrpError with an i18n key.
 */
export async function fileRequest(db: Kysely<DB>, settings: Settings, esi: EsiClient, userId: number, fleetId: number, link: string, info: string, actor: Actor, now = new Date()) {
  const fleet = await fleetById(db, fleetId);
  if (!fleet || fleet.fleet_srp_status === "Completed") throw new SrpError("srp.errors.fleetClosed");
  const parsed = parseKillLink(link);
  if (!parsed) throw new SrpError("srp.errors.badLink");
  const duplicate = async () => Boolean(await db.selectFrom("srp_requests").select("id").where("kill_id", "=", parsed.killId).executeTakeFirst());
  if (await duplicate()) throw new SrpError("srp.errors.duplicate");
  let loss;
  try {
    loss = await fetchLoss(settings, esi, parsed);
  } catch (error) {
    if (error instanceof KillmailError) throw new SrpError(error.message);
    throw error;
  }
  const victim =
    loss.victimCharacterId === null
      ? undefined
      : await db
          .selectFrom("character_ownerships as o")
          .innerJoin("eve_characters as c", "c.id", "o.character_id")
          .select(["c.id", "c.character_name"])
          .where("o.user_id", "=", userId)
          .where("c.character_id", "=", loss.victimCharacterId)
          .executeTakeFirst();
  if (!victim) throw new SrpError("srp.errors.notYours");
  return db.transaction().execute(async (trx) => {
    if (await duplicate()) throw new SrpError("srp.errors.duplicate");
    const id = await insertReturningId(trx, "srp_requests", {
      fleet_id: fleetId,
      user_id: userId,
      character_id: victim.id,
      character_name: victim.character_name,
      killboard_link: link,
      kill_id: loss.killId,
      additional_info: info,
      srp_status: "Pending",
      srp_total_amount: 0,
      kb_total_loss: loss.totalValue,
      ship_type_id: loss.shipTypeId,
      srp_ship_name: loss.shipName,
      post_time: now,
    });
    await writeAudit(trx, actor, { action: "srp.request_filed", targetType: "srp_request", targetId: id, after: { fleetId, killId: loss.killId, value: loss.totalValue } });
    return id;
  });
}

/** Approves or rejects requests of a fleet; each requester is notified (in the site's language). */
export async function decide(db: Kysely<DB>, settings: Settings, fleetId: number, requestIds: number[], status: Exclude<SrpStatus, "Pending">, actor: Actor) {
  if (!requestIds.length) return 0;
  const t = serverT(settings.LANGUAGE_CODE);
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("srp_requests").selectAll().where("fleet_id", "=", fleetId).where("id", "in", requestIds).execute();
    if (!rows.length) return 0;
    await trx.updateTable("srp_requests").set({ srp_status: status }).where("id", "in", rows.map((r) => r.id)).execute();
    for (const r of rows) {
      const params = { ship: r.srp_ship_name, character: r.character_name, amount: r.srp_total_amount.toLocaleString("en-US") };
      const key = status === "Approved" ? "approved" : "rejected";
      await notifyUser(trx, r.user_id, { title: t(`srp.notify.${key}.title`, params), message: t(`srp.notify.${key}.message`, params), level: status === "Approved" ? "success" : "danger" }, settings.NOTIFICATIONS_MAX_PER_USER);
      await writeAudit(trx, actor, { action: `srp.request_${key}`, targetType: "srp_request", targetId: r.id, before: { status: r.srp_status }, after: { status } });
    }
    return rows.length;
  });
}

/** Reads an ISK amount: digits with optional separators (1,500,000 or 1 500 000) or a k/m/b suffix (1.5m). */
export function parseIsk(raw: string): number | null {
  const value = raw.trim().toLowerCase().replace(/\s*isk$/, "");
  const suffix = /^(\d{1,6}(?:[.,]\d{1,3})?)\s*([kmb])$/.exec(value);
  if (suffix) return Math.round(Number(suffix[1].replace(",", ".")) * { k: 1e3, m: 1e6, b: 1e9 }[suffix[2] as "k" | "m" | "b"]);
  const plain = value.replace(/[,.\s'_]/g, "");
  if (!/^\d{1,15}$/.test(plain)) return null;
  return Number(plain);
}

export async function setPayout(db: Kysely<DB>, fleetId: number, requestId: number, amount: number, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("srp_requests").select(["id", "srp_total_amount"]).where("id", "=", requestId).where("fleet_id", "=", fleetId).executeTakeFirst();
    if (!row) throw new SrpError("srp.errors.noRequest");
    await trx.updateTable("srp_requests").set({ srp_total_amount: amount }).where("id", "=", requestId).execute();
    await writeAudit(trx, actor, { action: "srp.payout_set", targetType: "srp_request", targetId: requestId, before: { amount: row.srp_total_amount }, after: { amount } });
  });
}

export async function setFleetCompleted(db: Kysely<DB>, fleetId: number, completed: boolean, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("srp_fleets").set({ fleet_srp_status: completed ? "Completed" : "" }).where("id", "=", fleetId).execute();
    await writeAudit(trx, actor, { action: completed ? "srp.fleet_completed" : "srp.fleet_reopened", targetType: "srp_fleet", targetId: fleetId });
  });
}

/** The user's own requests with their fleets, newest first. */
export function myRequests(db: Kysely<DB>, userId: number) {
  return db
    .selectFrom("srp_requests as r")
    .innerJoin("srp_fleets as f", "f.id", "r.fleet_id")
    .select(["r.id", "f.fleet_name", "r.srp_ship_name", "r.character_name", "r.srp_status", "r.srp_total_amount", "r.post_time"])
    .where("r.user_id", "=", userId)
    .orderBy("r.post_time", "desc")
    .execute();
}
