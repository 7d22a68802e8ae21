/**
 * FAT statistics by calendar month (UTC, as EVE time): per corporation, per member of a
 * corporation, the top pilots, and a member's own year and month. Each is one or two grouped
 * queries; months are counted by the link's time, as in the original.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { precompiled } from "../../../db/precompiled";
import { userFatsQuery } from "./fat.server";

export interface Month {
  year: number;
  /** 1–12 */
  month: number;
}

const index = (m: Month) => m.year * 12 + (m.month - 1);
const fromIndex = (i: number): Month => ({ year: Math.floor(i / 12), month: (i % 12) + 1 });
export const monthOf = (date: Date): Month => ({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 });
export const monthStart = (m: Month) => new Date(Date.UTC(m.year, m.month - 1, 1));
export const shiftMonth = (m: Month, by: number) => fromIndex(index(m) + by);
export const compareMonths = (a: Month, b: Month) => index(a) - index(b);

/** EVE's first year; nothing can be older. */
const FIRST_YEAR = 2003;

/** The month named by path segments, or null (not digits, out of range, or after the current month). */
export function parseMonth(year: string | undefined, month: string | undefined, now = new Date()): Month | null {
  if (!year || !month || !/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month)) return null;
  const m = { year: Number(year), month: Number(month) };
  if (m.month < 1 || m.month > 12 || m.year < FIRST_YEAR || compareMonths(m, monthOf(now)) > 0) return null;
  return m;
}

/** The year named by a path segment, or null (out of range, or after the current year). */
export function parseYear(year: string | undefined, now = new Date()): number | null {
  if (!year || !/^\d{4}$/.test(year)) return null;
  const y = Number(year);
  return y < FIRST_YEAR || y > now.getUTCFullYear() ? null : y;
}

/**
 * Previous and next month, where there is something to see: back to the first month with data
 * (none before), forward to the current month (none after).
 */
export function monthNavigation(m: Month, first: Month | null, now = new Date()) {
  const prev = shiftMonth(m, -1);
  const next = shiftMonth(m, 1);
  return { prev: first && compareMonths(prev, first) >= 0 ? prev : null, next: compareMonths(next, monthOf(now)) <= 0 ? next : null };
}

/** The same for years (the member's own year view). */
export function yearNavigation(year: number, first: number | null, now = new Date()) {
  return { prev: first !== null && year - 1 >= first ? year - 1 : null, next: year + 1 <= now.getUTCFullYear() ? year + 1 : null };
}

type Scope = { corporationId: number } | { userId: number } | null;

/** The month of the oldest link with a participation in scope (for a user, also links they made), or null. */
export async function firstMonth(db: Kysely<DB>, scope: Scope): Promise<Month | null> {
  let query = db.selectFrom("fleetactivitytracking_fats as f").innerJoin("fleetactivitytracking_fatlinks as l", "l.id", "f.fatlink_id").select((eb) => eb.fn.min("l.fatdatetime").as("first"));
  if (scope && "corporationId" in scope) query = query.where("f.corporation_id", "=", scope.corporationId);
  if (scope && "userId" in scope) query = query.where("f.user_id", "=", scope.userId);
  const dates = [(await query.executeTakeFirst())?.first];
  if (scope && "userId" in scope) {
    const created = await db.selectFrom("fleetactivitytracking_fatlinks").select((eb) => eb.fn.min("fatdatetime").as("first")).where("creator_id", "=", scope.userId).executeTakeFirst();
    dates.push(created?.first);
  }
  const times = dates.filter((d): d is Date => d !== null && d !== undefined).map((d) => new Date(d).getTime());
  return times.length ? monthOf(new Date(Math.min(...times))) : null;
}

/** Participations whose link falls in the month. */
function inMonth(db: Kysely<DB>, m: Month) {
  return between(db, monthStart(m), monthStart(shiftMonth(m, 1)));
}

/** Participations whose link is in [from, to). */
function between(db: Kysely<DB>, from: Date, to: Date) {
  return db.selectFrom("fleetactivitytracking_fats as f").innerJoin("fleetactivitytracking_fatlinks as l", "l.id", "f.fatlink_id").where("l.fatdatetime", ">=", from).where("l.fatdatetime", "<", to);
}

const average = (fats: number, of: number) => (of > 0 ? Math.round((fats / of) * 100) / 100 : 0);

/** Each corporation's participations in the month, its pilots and the average per member (most active first). */
export async function corporationsInMonth(db: Kysely<DB>, m: Month) {
  const rows = await inMonth(db, m)
    .leftJoin("eve_corporations as ec", "ec.corporation_id", "f.corporation_id")
    .select((eb) => ["f.corporation_id", eb.fn.max("f.corporation_name").as("corporation_name"), eb.fn.max("ec.member_count").as("member_count"), eb.fn.count<number>("f.id").as("fats"), eb.fn.count<number>("f.user_id").distinct().as("pilots")])
    .groupBy("f.corporation_id")
    .execute();
  return rows
    .map((r) => ({ corporation_id: r.corporation_id === null ? null : Number(r.corporation_id), corporation_name: String(r.corporation_name ?? ""), fats: Number(r.fats), pilots: Number(r.pilots), member_count: Number(r.member_count ?? 0), average: average(Number(r.fats), Number(r.member_count ?? 0)) }))
    .sort((a, b) => b.fats - a.fats || b.average - a.average || a.corporation_name.localeCompare(b.corporation_name));
}

/** The members with the most participations in the month (of one corporation, when given), with their main character. */
export async function topPilots(db: Kysely<DB>, m: Month, options: { corporationId?: number; limit?: number } = {}) {
  let query = inMonth(db, m)
    .innerJoin("users as u", "u.id", "f.user_id")
    .leftJoin("eve_characters as mc", "mc.id", "u.main_character_id")
    .select((eb) => ["f.user_id", "u.username", "mc.character_id", "mc.character_name", eb.fn.count<number>("f.id").as("fats")])
    .groupBy(["f.user_id", "u.username", "mc.character_id", "mc.character_name"]);
  if (options.corporationId !== undefined) query = query.where("f.corporation_id", "=", options.corporationId);
  const rows = (await query.execute()).map((r) => ({ user_id: r.user_id, name: r.character_name ?? r.username, character_id: r.character_id === null ? null : Number(r.character_id), fats: Number(r.fats) }));
  rows.sort((a, b) => b.fats - a.fats || a.name.localeCompare(b.name));
  return options.limit ? rows.slice(0, options.limit) : rows;
}

/**
 * A corporation's month: every member (a user with a character in it now) and everyone who flew
 * under it that month, with their participations under it and their characters in it.
 */
export async function corporationMembersInMonth(db: Kysely<DB>, corporationId: number, m: Month) {
  const members = await db
    .selectFrom("character_ownerships as o")
    .innerJoin("eve_characters as c", "c.id", "o.character_id")
    .innerJoin("users as u", "u.id", "o.user_id")
    .leftJoin("eve_characters as mc", "mc.id", "u.main_character_id")
    .select((eb) => ["o.user_id", "u.username", "mc.character_id", "mc.character_name", eb.fn.count<number>("c.id").as("characters")])
    .where("c.corporation_id", "=", corporationId)
    .groupBy(["o.user_id", "u.username", "mc.character_id", "mc.character_name"])
    .execute();
  const pilots = await topPilots(db, m, { corporationId });
  const byUser = new Map(pilots.map((p) => [p.user_id, { ...p, characters: 0 }]));
  for (const r of members) {
    const row = byUser.get(r.user_id) ?? { user_id: r.user_id, name: r.character_name ?? r.username, character_id: r.character_id === null ? null : Number(r.character_id), fats: 0, characters: 0 };
    row.characters = Number(r.characters);
    byUser.set(r.user_id, row);
  }
  return [...byUser.values()].map((r) => ({ ...r, average: average(r.fats, r.characters) })).sort((a, b) => b.fats - a.fats || a.name.localeCompare(b.name));
}

/** A corporation's name: from its record, else from the participations recorded under it, else null. */
export async function corporationName(db: Kysely<DB>, corporationId: number) {
  const known = await db.selectFrom("eve_corporations").select("corporation_name").where("corporation_id", "=", corporationId).executeTakeFirst();
  if (known) return known.corporation_name;
  const seen = await db.selectFrom("fleetactivitytracking_fats").select("corporation_name").where("corporation_id", "=", corporationId).orderBy("id", "desc").executeTakeFirst();
  if (seen) return seen.corporation_name;
  const character = await db.selectFrom("eve_characters").select("corporation_name").where("corporation_id", "=", corporationId).executeTakeFirst();
  return character?.corporation_name ?? null;
}

/** A user's participations in each month of a year (twelve counts, January first). */
export async function userYear(db: Kysely<DB>, userId: number, year: number) {
  const rows = await db
    .selectFrom("fleetactivitytracking_fats as f")
    .innerJoin("fleetactivitytracking_fatlinks as l", "l.id", "f.fatlink_id")
    .select("l.fatdatetime")
    .where("f.user_id", "=", userId)
    .where("l.fatdatetime", ">=", new Date(Date.UTC(year, 0, 1)))
    .where("l.fatdatetime", "<", new Date(Date.UTC(year + 1, 0, 1)))
    .execute();
  const counts = Array.from({ length: 12 }, () => 0);
  for (const r of rows) counts[new Date(r.fatdatetime).getUTCMonth()] += 1;
  return counts;
}

/** A user's month: participations by ship type, their participations and the links they made. */
export async function userMonth(db: Kysely<DB>, userId: number, m: Month) {
  const fats = await inMonth(db, m)
    .innerJoin("eve_characters as c", "c.id", "f.character_id")
    .select(["f.id", "l.fleet", "l.fatdatetime", "c.character_id", "c.character_name", "f.system", "f.station", "f.shiptype"])
    .where("f.user_id", "=", userId)
    .orderBy("l.fatdatetime")
    .orderBy("f.id")
    .execute();
  const ships = new Map<string, number>();
  for (const f of fats) ships.set(f.shiptype, (ships.get(f.shiptype) ?? 0) + 1);
  const created = await db
    .selectFrom("fleetactivitytracking_fatlinks")
    .select(["id", "fleet", "hash", "fatdatetime", "duration"])
    .where("creator_id", "=", userId)
    .where("fatdatetime", ">=", monthStart(m))
    .where("fatdatetime", "<", monthStart(shiftMonth(m, 1)))
    .orderBy("fatdatetime")
    .execute();
  return { fats, ships: [...ships.entries()].map(([ship, count]) => ({ ship, count })).sort((a, b) => b.count - a.count || a.ship.localeCompare(b.ship)), created };
}

/** The user owning an EVE character (for another member's statistics), with the character's name. */
export async function ownerOfCharacter(db: Kysely<DB>, characterId: number) {
  return (
    (await db
      .selectFrom("eve_characters as c")
      .innerJoin("character_ownerships as o", "o.character_id", "c.id")
      .select(["o.user_id", "c.character_name"])
      .where("c.character_id", "=", characterId)
      .executeTakeFirst()) ?? null
  );
}

/** Everything a member's month page shows, with its navigation (bounded by their first month with data). */
export async function userMonthReport(db: Kysely<DB>, userId: number, m: Month, now = new Date()) {
  const [report, first] = await Promise.all([userMonth(db, userId, m), firstMonth(db, { userId })]);
  return { month: m, nav: monthNavigation(m, first, now), ...report };
}

/**
 * The dashboard widget's data: the member's participations this month (EVE time, by the link's time)
 * and their last few participations.
 */
export async function userActivitySummary(db: Kysely<DB>, userId: number, now = new Date(), limit = 5) {
  const month = monthOf(now);
  const recent = await activitySummary.execute(db, { userId, limit, from: monthStart(month), to: monthStart(shiftMonth(month, 1)) });
  return {
    month,
    count: Number(recent[0]?.month_count ?? 0),
    recent: recent.map((f) => ({ id: f.id, fleet: f.fleet, fatdatetime: new Date(f.fatdatetime).toISOString(), character_name: f.character_name, shiptype: f.shiptype, system: f.system })),
  };
}

export type ActivitySummary = Awaited<ReturnType<typeof userActivitySummary>>;

/**
 * The dashboard widget's one statement, compiled once (db/precompiled.ts): the newest participations,
 * each row carrying the month's count (no rows: none at all).
 */
const activitySummary = precompiled((db, p: { userId: number; limit: number; from: Date; to: Date }) =>
  userFatsQuery(db, p.userId, p.limit).select(() =>
    between(db, p.from, p.to)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("f.user_id", "=", p.userId)
      .as("month_count"),
  ),
);
