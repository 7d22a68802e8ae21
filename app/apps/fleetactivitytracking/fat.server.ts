/**
 * Fleet activity tracking: FAT links (a fleet name and how many minutes the link stays open) and the
 * participations members record by clicking one with a character whose token reads its online
 * status, location and ship from ESI. One participation per character and link.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, type AppContext, accessToken, EsiError, EsiUnavailableError, esiClient, insertReturningId, TokenInvalidError, tokensWithScopes, writeAudit } from "../plugin-api.server";
import { DURATION_MAX, FAT_SCOPES, FLEET_MAX } from "./permissions";

/** A refusal for the member, as an i18n key (fleetactivitytracking.errors.*) with its values. */
export class FatError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string> = {},
  ) {
    super(key);
  }
}

export type LinkFormValues = { fleet: string; duration: string };
export type LinkErrors = Partial<Record<keyof LinkFormValues, string>>;

/** Checks the link form: a fleet name (1–50 characters) and a whole number of minutes (1 or more). */
export function validateLink(values: LinkFormValues): { input: { fleet: string; duration: number } | null; errors: LinkErrors } {
  const errors: LinkErrors = {};
  if (!values.fleet) errors.fleet = "fleetactivitytracking.errors.required";
  else if (values.fleet.length > FLEET_MAX) errors.fleet = "fleetactivitytracking.errors.fleetTooLong";
  const duration = /^\d{1,10}$/.test(values.duration) ? Number(values.duration) : NaN;
  if (!values.duration) errors.duration = "fleetactivitytracking.errors.required";
  else if (!Number.isInteger(duration) || duration < 1 || duration > DURATION_MAX) errors.duration = "fleetactivitytracking.errors.duration";
  if (Object.keys(errors).length) return { input: null, errors };
  return { input: { fleet: values.fleet, duration }, errors };
}

export function expiresAt(link: { fatdatetime: Date; duration: number }) {
  return new Date(link.fatdatetime.getTime() + link.duration * 60_000);
}

/** Open while less than `duration` minutes have passed since it was made (the original's rule). */
export function isOpen(link: { fatdatetime: Date; duration: number }, now = new Date()) {
  return now.getTime() < expiresAt(link).getTime();
}

export async function createLink(db: Kysely<DB>, input: { fleet: string; duration: number }, creator: { id: number; name: string }, actor: Actor, now = new Date()) {
  const hash = randomBytes(12).toString("base64url");
  return db.transaction().execute(async (trx) => {
    const id = await insertReturningId(trx, "fleetactivitytracking_fatlinks", { ...input, hash, fatdatetime: now, creator_id: creator.id, creator_name: creator.name.slice(0, 254) });
    await writeAudit(trx, actor, { action: "fleetactivitytracking.fatlink_created", targetType: "fleetactivitytracking_fatlink", targetId: id, after: { ...input, hash } });
    return { id, hash };
  });
}

export async function linkByHash(db: Kysely<DB>, hash: string | undefined) {
  if (!hash || hash.length > 32) return null;
  return (await db.selectFrom("fleetactivitytracking_fatlinks").selectAll().where("hash", "=", hash).executeTakeFirst()) ?? null;
}

export async function updateLink(db: Kysely<DB>, link: { id: number; fleet: string; duration: number }, input: { fleet: string; duration: number }, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("fleetactivitytracking_fatlinks").set(input).where("id", "=", link.id).execute();
    await writeAudit(trx, actor, { action: "fleetactivitytracking.fatlink_changed", targetType: "fleetactivitytracking_fatlink", targetId: link.id, before: { fleet: link.fleet, duration: link.duration }, after: input });
  });
}

/** Removes one participation from a link; false when the link has no such participation. */
export async function removeFat(db: Kysely<DB>, linkId: number, fatId: number, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const fat = await trx.selectFrom("fleetactivitytracking_fats as f").innerJoin("eve_characters as c", "c.id", "f.character_id").select(["f.id", "c.character_name", "f.user_id"]).where("f.id", "=", fatId).where("f.fatlink_id", "=", linkId).executeTakeFirst();
    if (!fat) return false;
    await trx.deleteFrom("fleetactivitytracking_fats").where("id", "=", fat.id).execute();
    await writeAudit(trx, actor, { action: "fleetactivitytracking.fat_removed", targetType: "fleetactivitytracking_fat", targetId: fat.id, before: { fatlink_id: linkId, character: fat.character_name, user_id: fat.user_id } });
    return true;
  });
}

/** The newest links with their participation counts (one grouped query). */
export function latestLinks(db: Kysely<DB>, limit = 50) {
  return db
    .selectFrom("fleetactivitytracking_fatlinks as l")
    .leftJoin("fleetactivitytracking_fats as f", "f.fatlink_id", "l.id")
    .select((eb) => ["l.id", "l.fleet", "l.hash", "l.duration", "l.fatdatetime", "l.creator_name", eb.fn.count<number>("f.id").as("fats")])
    .groupBy(["l.id", "l.fleet", "l.hash", "l.duration", "l.fatdatetime", "l.creator_name"])
    .orderBy("l.fatdatetime", "desc")
    .orderBy("l.id", "desc")
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, fats: Number(r.fats) })));
}

/** The participations of a link, by character name. */
export function linkFats(db: Kysely<DB>, linkId: number) {
  return db
    .selectFrom("fleetactivitytracking_fats as f")
    .innerJoin("eve_characters as c", "c.id", "f.character_id")
    .select(["f.id", "c.character_id", "c.character_name", "f.corporation_name", "f.system", "f.station", "f.shiptype", "f.created_at"])
    .where("f.fatlink_id", "=", linkId)
    .orderBy("c.character_name")
    .execute();
}

/** The query of the user's newest participations with their links (callers may add columns). */
export function userFatsQuery(db: Kysely<DB>, userId: number, limit = 10) {
  return db
    .selectFrom("fleetactivitytracking_fats as f")
    .innerJoin("fleetactivitytracking_fatlinks as l", "l.id", "f.fatlink_id")
    .innerJoin("eve_characters as c", "c.id", "f.character_id")
    .select(["f.id", "l.fleet", "l.fatdatetime", "c.character_id", "c.character_name", "f.system", "f.station", "f.shiptype"])
    .where("f.user_id", "=", userId)
    .orderBy("f.id", "desc")
    .limit(limit);
}

/** The user's newest participations with their links. */
export function userFats(db: Kysely<DB>, userId: number, limit = 10) {
  return userFatsQuery(db, userId, limit).execute();
}

/** The characters the member may click with: their tokens holding every FAT scope. */
export function clickTokens(ctx: AppContext, userId: number) {
  return tokensWithScopes(ctx, userId, FAT_SCOPES);
}

interface Location {
  solar_system_id: number;
  station_id?: number;
  structure_id?: number;
}

/** A thrown ESI answer as the member's refusal: a 403 means the token lacks a scope; the rest is ESI being away. */
function esiRefusal(error: unknown, character: string): never {
  if (error instanceof FatError) throw error;
  if (error instanceof EsiError && error.status === 403) throw new FatError("fleetactivitytracking.errors.scope", { character });
  if (error instanceof EsiError || error instanceof EsiUnavailableError) throw new FatError("fleetactivitytracking.errors.esi");
  throw error;
}

/** The name ESI gives a public thing (system, station, type), or a stand-in when it cannot. */
async function publicName(esi: ReturnType<typeof esiClient>, path: string, fallback: string) {
  try {
    return (await esi.get<{ name: string }>(path)).data.name;
  } catch (error) {
    if (error instanceof EsiError && !error.transient) return fallback;
    throw error;
  }
}

/**
 * Records the participation of the token's character in the link: the link must be open, the
 * token the user's with every FAT scope, the character online; location and ship are read from
 * ESI. Throws FatError (expired, already recorded, offline, missing scope, ESI away).
 */
export async function clickLink(ctx: AppContext, link: { id: number; fatdatetime: Date; duration: number; fleet: string }, userId: number, tokenId: number, actor: Actor, now = new Date()) {
  const { db } = ctx;
  if (!isOpen(link, now)) throw new FatError("fleetactivitytracking.errors.expired");
  const token = (await clickTokens(ctx, userId)).find((t) => t.id === tokenId);
  if (!token) throw new FatError("fleetactivitytracking.errors.noToken");
  const character = await db.selectFrom("eve_characters").select(["id", "character_id", "character_name", "corporation_id", "corporation_name"]).where("character_id", "=", token.character_id).executeTakeFirstOrThrow();
  const name = character.character_name;
  const recorded = () => db.selectFrom("fleetactivitytracking_fats").select("id").where("fatlink_id", "=", link.id).where("character_id", "=", character.id).executeTakeFirst();
  if (await recorded()) throw new FatError("fleetactivitytracking.errors.already", { character: name });

  const esi = esiClient(ctx);
  const id = character.character_id;
  let fat;
  try {
    const access = await accessToken(ctx, tokenId, actor).catch((error: unknown) => {
      // Gone for good: a new token is needed. Anything else (the SSO away, say) is worth a retry.
      if (error instanceof TokenInvalidError) throw new FatError("fleetactivitytracking.errors.tokenInvalid", { character: name });
      throw new FatError("fleetactivitytracking.errors.esi");
    });
    const online = (await esi.get<{ online: boolean }>(`/characters/${id}/online`, { token: access })).data;
    if (!online.online) throw new FatError("fleetactivitytracking.errors.offline", { character: name });
    const location = (await esi.get<Location>(`/characters/${id}/location`, { token: access })).data;
    const ship = (await esi.get<{ ship_type_id: number }>(`/characters/${id}/ship`, { token: access })).data;
    const system = await publicName(esi, `/universe/systems/${location.solar_system_id}`, String(location.solar_system_id));
    let station = "No Station";
    if (location.station_id) station = await publicName(esi, `/universe/stations/${location.station_id}`, String(location.station_id));
    else if (location.structure_id) {
      try {
        station = (await esi.get<{ name: string }>(`/universe/structures/${location.structure_id}`, { token: access })).data.name;
      } catch (error) {
        // No docking access (403) or a structure gone (404): its id stands in, as the click is still real.
        if (!(error instanceof EsiError) || error.transient) throw error;
        station = String(location.structure_id);
      }
    }
    const shiptype = await publicName(esi, `/universe/types/${ship.ship_type_id}`, String(ship.ship_type_id));
    fat = { system: system.slice(0, 30), solar_system_id: location.solar_system_id, station: station.slice(0, 125), shiptype: shiptype.slice(0, 100), ship_type_id: ship.ship_type_id };
  } catch (error) {
    esiRefusal(error, name);
  }
  const insert = db.transaction().execute(async (trx) => {
    const fatId = await insertReturningId(trx, "fleetactivitytracking_fats", {
      fatlink_id: link.id,
      character_id: character.id,
      user_id: userId,
      corporation_id: character.corporation_id,
      corporation_name: character.corporation_name,
      ...fat,
      created_at: now,
    });
    await writeAudit(trx, actor, { action: "fleetactivitytracking.fat_recorded", targetType: "fleetactivitytracking_fat", targetId: fatId, after: { fatlink_id: link.id, character: name, ...fat } });
    return { id: fatId, character: name, ...fat };
  });
  try {
    return await insert;
  } catch (error) {
    // A second click of the same character at the same moment: the unique key (link, character) refused it.
    if (await recorded()) throw new FatError("fleetactivitytracking.errors.already", { character: name });
    throw error;
  }
}
