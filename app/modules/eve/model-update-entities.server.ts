/**
 * The entity phase of the model update (see model-update.server.ts): which corporations and
 * alliances to read, reading them (through the shared ETag/Expires cache), and the periodic
 * refresh of every stored corporation, alliance and faction, not only those a character points at.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type AllianceData, type CorporationData, type EveProvider, upsertAlliance, upsertCorporation, upsertFaction } from "./entities.server";
import { chunks, mapLimit, orNotFound, orNull, READ_CONCURRENCY, type Tracked } from "./model-update-read.server";

/** A corporation or alliance stored this recently, and not renamed since, is not read from ESI again. */
export const ENTITY_MAX_AGE_MS = 24 * 3_600_000;

export type CurrentName = (id: number | null, category: string) => string | null;

export interface StoredEntities {
  corporations: { corporation_id: number; corporation_name: string; corporation_ticker: string }[];
  alliances: { alliance_id: number | null; alliance_name: string | null; alliance_ticker: string | null }[];
}

/** What the characters say about their corporations and alliances (usually one row per entity). */
export async function entitiesInUse(db: Kysely<DB>): Promise<StoredEntities> {
  const corporations = await db.selectFrom("eve_characters").select(["corporation_id", "corporation_name", "corporation_ticker"]).distinct().execute();
  const alliances = await db.selectFrom("eve_characters").select(["alliance_id", "alliance_name", "alliance_ticker"]).where("alliance_id", "is not", null).distinct().execute();
  return { corporations, alliances };
}

/** Stored corporations and alliances not read for a day: refreshed even when no character points at them. */
export async function staleStoredEntities(db: Kysely<DB>, now: Date) {
  const cutoff = new Date(now.getTime() - ENTITY_MAX_AGE_MS);
  const corporations = await db.selectFrom("eve_corporations").select("corporation_id").where("updated_at", "<", cutoff).execute();
  const alliances = await db.selectFrom("eve_alliances").select("alliance_id").where("updated_at", "<", cutoff).execute();
  return { corporations: corporations.map((c) => c.corporation_id), alliances: alliances.map((a) => a.alliance_id) };
}

/** New homes of moved characters, renamed entities in use, and stale stored ones. */
export function entitiesToRead(tracked: Map<number, Tracked>, inUse: StoredEntities, stale: { corporations: number[]; alliances: number[] }, currentName: CurrentName) {
  const corporations = new Set<number>(stale.corporations);
  const alliances = new Set<number>(stale.alliances);
  for (const t of tracked.values()) {
    if (t.next.corporation_id !== t.row.corporation_id) corporations.add(t.next.corporation_id);
    // Also when the stored name is missing (a row written before its alliance was known).
    if (t.next.alliance_id !== null && (t.next.alliance_id !== orNull(t.row.alliance_id) || t.row.alliance_name === null)) alliances.add(t.next.alliance_id);
  }
  for (const c of inUse.corporations) {
    const name = currentName(c.corporation_id, "corporation");
    if (name !== null && name !== c.corporation_name) corporations.add(c.corporation_id);
  }
  for (const a of inUse.alliances) {
    const name = currentName(a.alliance_id, "alliance");
    if (name !== null && name !== a.alliance_name) alliances.add(a.alliance_id!);
  }
  return { corporations, alliances };
}

export interface ReadEntities {
  corporations: Map<number, CorporationData>;
  alliances: Map<number, AllianceData>;
  fetchedCorporations: CorporationData[];
  fetchedAlliances: AllianceData[];
  alliancesInDb: Set<number>;
}

/**
 * Rows stored in the last day under the name the names route reports now are used as they are;
 * the others are read from ESI and stored. The fresher name from the names route wins.
 */
export async function readEntities(db: Kysely<DB>, provider: EveProvider, toRead: { corporations: Set<number>; alliances: Set<number> }, currentName: CurrentName, now: Date): Promise<ReadEntities> {
  const cutoff = new Date(now.getTime() - ENTITY_MAX_AGE_MS);
  const out: ReadEntities = { corporations: new Map(), alliances: new Map(), fetchedCorporations: [], fetchedAlliances: [], alliancesInDb: new Set() };
  for (const batch of chunks([...toRead.corporations])) {
    const rows = await db
      .selectFrom("eve_corporations")
      .select(["corporation_id", "corporation_name", "corporation_ticker", "member_count", "ceo_id", "alliance_id", "faction_id"])
      .where("corporation_id", "in", batch)
      .where("updated_at", ">=", cutoff)
      .execute();
    for (const row of rows) {
      const name = currentName(row.corporation_id, "corporation");
      if (name === null || name === row.corporation_name) out.corporations.set(row.corporation_id, row);
    }
  }
  const corporationReads = [...toRead.corporations].filter((id) => !out.corporations.has(id));
  for (const data of await mapLimit(corporationReads, READ_CONCURRENCY, (id) => orNotFound(() => provider.corporation(id)))) {
    if (!data) continue;
    const fresh = { ...data, corporation_name: currentName(data.corporation_id, "corporation") ?? data.corporation_name };
    out.corporations.set(data.corporation_id, fresh);
    out.fetchedCorporations.push(fresh);
  }
  // A stored corporation points at its alliance (foreign key): also read the alliances we do not have.
  const corporationAlliances = [...new Set(out.fetchedCorporations.map((c) => c.alliance_id).filter((id): id is number => id !== null))];
  for (const batch of chunks(corporationAlliances)) {
    for (const row of await db.selectFrom("eve_alliances").select("alliance_id").where("alliance_id", "in", batch).execute()) out.alliancesInDb.add(row.alliance_id);
  }
  const alliancesToRead = new Set(toRead.alliances);
  for (const id of corporationAlliances) if (!out.alliancesInDb.has(id)) alliancesToRead.add(id);
  for (const batch of chunks([...alliancesToRead])) {
    const rows = await db.selectFrom("eve_alliances").select(["alliance_id", "alliance_name", "alliance_ticker", "executor_corp_id"]).where("alliance_id", "in", batch).where("updated_at", ">=", cutoff).execute();
    for (const row of rows) {
      const name = currentName(row.alliance_id, "alliance");
      if (name === null || name === row.alliance_name) out.alliances.set(row.alliance_id, row);
    }
  }
  const allianceReads = [...alliancesToRead].filter((id) => !out.alliances.has(id));
  for (const data of await mapLimit(allianceReads, READ_CONCURRENCY, (id) => orNotFound(() => provider.alliance(id)))) {
    if (!data) continue;
    const fresh = { ...data, alliance_name: currentName(data.alliance_id, "alliance") ?? data.alliance_name };
    out.alliances.set(data.alliance_id, fresh);
    out.fetchedAlliances.push(fresh);
  }
  return out;
}

/** Stores what was read: alliances first (corporations point at them). */
export async function storeEntities(db: Kysely<DB>, read: ReadEntities, now: Date) {
  if (!read.fetchedAlliances.length && !read.fetchedCorporations.length) return;
  await db.transaction().execute(async (trx) => {
    for (const alliance of read.fetchedAlliances) await upsertAlliance(trx, alliance, now);
    for (const corporation of read.fetchedCorporations) {
      // An alliance ESI could not describe is not stored; the corporation then points at none.
      const allianceStored = corporation.alliance_id === null || read.alliances.has(corporation.alliance_id) || read.alliancesInDb.has(corporation.alliance_id);
      await upsertCorporation(trx, allianceStored ? corporation : { ...corporation, alliance_id: null }, now);
    }
  });
}

/** Every stored faction from one bulk read (`GET /universe/factions`, cached a day). Returns the names by id. */
export async function refreshFactions(db: Kysely<DB>, provider: EveProvider): Promise<Map<number, string>> {
  const names = new Map((await provider.allFactions()).map((f) => [f.faction_id, f.name]));
  for (const row of await db.selectFrom("eve_factions").select(["faction_id", "faction_name"]).execute()) {
    const name = names.get(row.faction_id);
    if (name !== undefined && name !== row.faction_name) await upsertFaction(db, { faction_id: row.faction_id, name });
  }
  return names;
}
