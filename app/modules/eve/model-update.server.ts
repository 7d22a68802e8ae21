/**
 * `eveonline.run_model_update` (behaviour reference §2.2 and §3.6): keeps every known character's
 * corporation, alliance, faction and name in step with ESI, with as few ESI calls as possible.
 *
 * The original queues one task per 500 characters, each making two bulk calls (affiliation and
 * names) and then one `update_character` task (several more calls) per changed character, plus one
 * task per corporation and per alliance. Here one job does it all:
 *
 * 1. Affiliation of ALL characters: `POST /characters/affiliation/`, 1,000 ids a call (ESI's
 *    limit). A 4xx on a batch is bisected, since one bad id may fail the whole batch (spec C.4),
 *    so the good ids still update; the bisection stops after a few errors to spare the shared
 *    error budget, and what is left is skipped this run (never deleted).
 * 2. Names: `POST /universe/names/`, 1,000 ids a call, but NOT for every character every run.
 *    Character names almost never change (CCP renames a character only in rare support cases),
 *    so each run checks a rotating quarter of the characters (`character_id % 4`, the slot moving
 *    every 6 hours: every name is checked once a day at the default schedule), plus every
 *    character whose affiliation changed. The same calls carry the ids of the corporations and
 *    alliances in use (a few dozen ids, usually no extra call): that catches corporation and
 *    alliance renames, which the original found through its per-corporation and per-alliance
 *    tasks. Per run that is about N/1000 + N/4000 calls instead of the original's 2 × N/500.
 * 3. Corporations and alliances that characters moved to, or that were renamed, are read once
 *    each (`GET`, served from the shared ETag/Expires cache when fresh) and stored, so that the
 *    names and tickers denormalised onto `eve_characters` are right; one stored in the last day
 *    whose name the names route confirms is not read again. The fresher name from the names
 *    route wins over a cached `GET`.
 * 4. Only characters with a difference are written, grouped by their new values (one UPDATE per
 *    group of up to 1,000 characters, not one per character), in one transaction per 1,000
 *    characters. Users whose main character changed in a batch go to `mainCharacterChanged` in
 *    one call per batch, in the same transaction.
 *
 * ESI is read before anything is written. ESI errors never delete characters, tokens or
 * ownerships: a failed bulk call (5xx, 420, ESI unreachable, error budget spent) fails the job,
 * which the job system retries.
 */
import type { Kysely } from "kysely";
import type { DB, EveCharacter } from "../../../db/schema";
import { type Actor, systemActor } from "../audit/audit.server";
import { EsiClient, EsiError } from "./esi-client.server";
import { type Affiliation, type AllianceData, type CorporationData, EveProvider, upsertAlliance, upsertCorporation } from "./entities.server";
import { mainCharacterChanged } from "./ownership.server";

/** ESI's maximum ids per bulk call, and our batch size for reads and write transactions. */
export const BULK_SIZE = 1000;
/** Each character's name is checked once every this many runs (see the file comment). */
export const NAME_ROTATION = 4;
/** The slot moves with the default schedule (every 6 hours). */
const NAME_SLOT_MS = 6 * 3_600_000;
/** 4xx answers we accept while bisecting in one run before skipping the rest (ESI allows 100 errors a minute). */
const MAX_BISECT_ERRORS = 20;
/** A corporation or alliance stored this recently, and not renamed since, is not read from ESI again. */
const ENTITY_MAX_AGE_MS = 24 * 3_600_000;
/** Entity GETs in flight at once. */
const ENTITY_CONCURRENCY = 4;

export const MODEL_UPDATE_ACTOR = "eveonline.run_model_update";

export interface ModelUpdateOptions {
  /** "rotation" (default): a quarter of the names plus the changed characters; "all": every name. */
  names?: "rotation" | "all";
  /** Decides the name rotation slot. */
  now?: Date;
  actor?: Actor;
}

export interface ModelUpdateResult {
  /** Characters examined. */
  characters: number;
  /** Characters whose row was updated. */
  changed: number;
  /** Requests actually sent to ESI (cached GETs do not count). */
  esiCalls: number;
  affiliationCalls: number;
  nameCalls: number;
  /** Characters ESI did not return (deleted?): left as they are. */
  missing: number;
  /** Characters left for a later run (a 4xx we could not isolate, an entity ESI did not find). */
  skipped: number;
  /** Users whose main character changed. */
  mainsChanged: number;
}

type StoredCharacter = Omit<EveCharacter, "updated_at">;
type Ids = Pick<EveCharacter, "corporation_id" | "alliance_id" | "faction_id">;

interface Tracked {
  row: StoredCharacter;
  /** The affiliation ESI reports now. */
  next: Ids;
  affiliationChanged: boolean;
  newName: string | null;
}

const CHARACTER_COLUMNS = [
  "id",
  "character_id",
  "character_name",
  "corporation_id",
  "corporation_name",
  "corporation_ticker",
  "alliance_id",
  "alliance_name",
  "alliance_ticker",
  "faction_id",
  "faction_name",
] as const;

/** The original treats a falsy stored alliance or faction id as none. */
const orNull = (value: number | null | undefined) => (value ? value : null);

function chunks<T>(items: T[], size = BULK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A 4xx that says something about the ids we sent (not auth, not rate limiting). */
function isBadBatch(error: unknown): error is EsiError {
  return error instanceof EsiError && error.status >= 400 && error.status < 500 && !error.transient && error.status !== 401 && error.status !== 403;
}

interface BisectState {
  errors: number;
}

/**
 * Calls `call(ids)`; on a 4xx splits the batch in halves and tries again, so that one bad id
 * costs about 2·log2(n) calls instead of the whole batch. Ids that stay unresolved are returned.
 */
async function bisected<T>(ids: number[], call: (ids: number[]) => Promise<T[]>, state: BisectState): Promise<{ results: T[]; unresolved: number[] }> {
  try {
    return { results: await call(ids), unresolved: [] };
  } catch (error) {
    if (!isBadBatch(error)) throw error;
    state.errors++;
    if (ids.length === 1 || state.errors >= MAX_BISECT_ERRORS) return { results: [], unresolved: ids };
    const middle = Math.ceil(ids.length / 2);
    const left = await bisected(ids.slice(0, middle), call, state);
    const right = await bisected(ids.slice(middle), call, state);
    return { results: [...left.results, ...right.results], unresolved: [...left.unresolved, ...right.unresolved] };
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; rethrows the first error once all have settled. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/** null when ESI does not know the entity (404); other errors propagate (the job retries). */
async function orNotFound<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof EsiError && (error.status === 404 || error.status === 422)) return null;
    throw error;
  }
}

export function nameRotationSlot(now: Date) {
  return Math.floor(now.getTime() / NAME_SLOT_MS) % NAME_ROTATION;
}

export async function runModelUpdate(db: Kysely<DB>, esi: EsiClient, options: ModelUpdateOptions = {}): Promise<ModelUpdateResult> {
  const provider = new EveProvider(esi);
  const actor = options.actor ?? systemActor(MODEL_UPDATE_ACTOR);
  const slot = nameRotationSlot(options.now ?? new Date());
  const nameDue = (characterId: number) => options.names === "all" || characterId % NAME_ROTATION === slot;
  const callsBefore = esi.calls;
  const result: ModelUpdateResult = { characters: 0, changed: 0, esiCalls: 0, affiliationCalls: 0, nameCalls: 0, missing: 0, skipped: 0, mainsChanged: 0 };
  const bisect: BisectState = { errors: 0 };

  // What the characters say about their corporations and alliances (usually one row per entity).
  const storedCorporations = await db.selectFrom("eve_characters").select(["corporation_id", "corporation_name", "corporation_ticker"]).distinct().execute();
  const storedAlliances = await db
    .selectFrom("eve_characters")
    .select(["alliance_id", "alliance_name", "alliance_ticker"])
    .where("alliance_id", "is not", null)
    .distinct()
    .execute();

  // 1. Affiliation of every character, in keyset-paged batches of 1,000.
  const tracked = new Map<number, Tracked>();
  let lastId = 0;
  for (;;) {
    const rows: StoredCharacter[] = await db.selectFrom("eve_characters").select(CHARACTER_COLUMNS).where("id", ">", lastId).orderBy("id").limit(BULK_SIZE).execute();
    if (rows.length === 0) break;
    lastId = rows[rows.length - 1].id;
    result.characters += rows.length;
    const { results, unresolved } = await bisected(
      rows.map((r) => r.character_id),
      (ids) => {
        result.affiliationCalls++;
        return esi.post<Affiliation[]>("/characters/affiliation", ids);
      },
      bisect,
    );
    const affiliations = new Map(results.map((a) => [a.character_id, a]));
    const unresolvedIds = new Set(unresolved);
    for (const row of rows) {
      const affiliation = affiliations.get(row.character_id);
      if (!affiliation) {
        if (unresolvedIds.has(row.character_id)) result.skipped++;
        else result.missing++;
        continue;
      }
      const next: Ids = { corporation_id: affiliation.corporation_id, alliance_id: orNull(affiliation.alliance_id), faction_id: orNull(affiliation.faction_id) };
      const affiliationChanged =
        next.corporation_id !== row.corporation_id || next.alliance_id !== orNull(row.alliance_id) || next.faction_id !== orNull(row.faction_id);
      if (affiliationChanged || nameDue(row.character_id)) tracked.set(row.character_id, { row, next, affiliationChanged, newName: null });
    }
  }

  // 2. Names: the due characters, the changed ones, and the corporations and alliances in use.
  const corporationIds = new Set(storedCorporations.map((c) => c.corporation_id));
  const allianceIds = new Set(storedAlliances.map((a) => a.alliance_id!));
  for (const t of tracked.values()) {
    if (!t.affiliationChanged) continue;
    corporationIds.add(t.next.corporation_id);
    if (t.next.alliance_id) allianceIds.add(t.next.alliance_id);
  }
  const nameIds = [...new Set([...tracked.keys(), ...corporationIds, ...allianceIds])];
  const names = new Map<number, { name: string; category: string }>();
  for (const batch of chunks(nameIds)) {
    const { results } = await bisected(
      batch,
      (ids) => {
        result.nameCalls++;
        return esi.post<{ id: number; name: string; category: string }[]>("/universe/names", ids);
      },
      bisect,
    );
    for (const n of results) names.set(n.id, n);
  }
  const currentName = (id: number | null, category: string) => {
    const hit = id === null ? undefined : names.get(id);
    return hit?.category === category ? hit.name : null;
  };
  for (const t of tracked.values()) {
    const name = currentName(t.row.character_id, "character");
    if (name !== null && name !== t.row.character_name) t.newName = name;
  }

  // 3. Corporations and alliances to read: new homes of moved characters, and renamed ones.
  const corporationsToRead = new Set<number>();
  const alliancesToRead = new Set<number>();
  for (const t of tracked.values()) {
    if (t.next.corporation_id !== t.row.corporation_id) corporationsToRead.add(t.next.corporation_id);
    // Also when the stored name is missing (a row written before its alliance was known).
    if (t.next.alliance_id !== null && (t.next.alliance_id !== orNull(t.row.alliance_id) || t.row.alliance_name === null)) alliancesToRead.add(t.next.alliance_id);
  }
  for (const c of storedCorporations) {
    const name = currentName(c.corporation_id, "corporation");
    if (name !== null && name !== c.corporation_name) corporationsToRead.add(c.corporation_id);
  }
  for (const a of storedAlliances) {
    const name = currentName(a.alliance_id, "alliance");
    if (name !== null && name !== a.alliance_name) alliancesToRead.add(a.alliance_id!);
  }

  // Rows stored in the last day under the name the names route reports now are used as they are;
  // the others are read from ESI (served from the ETag/Expires cache when fresh) and stored.
  const cutoff = new Date(Date.now() - ENTITY_MAX_AGE_MS);
  const corporations = new Map<number, CorporationData>();
  const fetchedCorporations: CorporationData[] = [];
  for (const batch of chunks([...corporationsToRead])) {
    const rows = await db
      .selectFrom("eve_corporations")
      .select(["corporation_id", "corporation_name", "corporation_ticker", "member_count", "ceo_id", "alliance_id", "faction_id"])
      .where("corporation_id", "in", batch)
      .where("updated_at", ">=", cutoff)
      .execute();
    for (const row of rows) {
      const name = currentName(row.corporation_id, "corporation");
      if (name === null || name === row.corporation_name) corporations.set(row.corporation_id, row);
    }
  }
  const corporationReads = [...corporationsToRead].filter((id) => !corporations.has(id));
  for (const data of await mapLimit(corporationReads, ENTITY_CONCURRENCY, (id) => orNotFound(() => provider.corporation(id)))) {
    if (!data) continue;
    const fresh = { ...data, corporation_name: currentName(data.corporation_id, "corporation") ?? data.corporation_name };
    corporations.set(data.corporation_id, fresh);
    fetchedCorporations.push(fresh);
  }
  // A stored corporation points at its alliance (foreign key): also read the alliances we do not have.
  const corporationAlliances = [...new Set(fetchedCorporations.map((c) => c.alliance_id).filter((id): id is number => id !== null))];
  const alliancesInDb = new Set<number>();
  for (const batch of chunks(corporationAlliances)) {
    for (const row of await db.selectFrom("eve_alliances").select("alliance_id").where("alliance_id", "in", batch).execute()) alliancesInDb.add(row.alliance_id);
  }
  for (const id of corporationAlliances) if (!alliancesInDb.has(id)) alliancesToRead.add(id);
  const alliances = new Map<number, AllianceData>();
  const fetchedAlliances: AllianceData[] = [];
  for (const batch of chunks([...alliancesToRead])) {
    const rows = await db
      .selectFrom("eve_alliances")
      .select(["alliance_id", "alliance_name", "alliance_ticker", "executor_corp_id"])
      .where("alliance_id", "in", batch)
      .where("updated_at", ">=", cutoff)
      .execute();
    for (const row of rows) {
      const name = currentName(row.alliance_id, "alliance");
      if (name === null || name === row.alliance_name) alliances.set(row.alliance_id, row);
    }
  }
  const allianceReads = [...alliancesToRead].filter((id) => !alliances.has(id));
  for (const data of await mapLimit(allianceReads, ENTITY_CONCURRENCY, (id) => orNotFound(() => provider.alliance(id)))) {
    if (!data) continue;
    const fresh = { ...data, alliance_name: currentName(data.alliance_id, "alliance") ?? data.alliance_name };
    alliances.set(data.alliance_id, fresh);
    fetchedAlliances.push(fresh);
  }
  const factionNames = new Map<number, string | null>();
  for (const t of tracked.values()) {
    const id = t.next.faction_id;
    if (id !== null && (id !== orNull(t.row.faction_id) || t.row.faction_name === null) && !factionNames.has(id)) factionNames.set(id, await provider.factionName(id));
  }

  // Corporations and alliances whose denormalised name or ticker is stale on some character: sweep their members.
  const staleCorporations = storedCorporations
    .filter((c) => {
      const fresh = corporations.get(c.corporation_id);
      return fresh && (fresh.corporation_name !== c.corporation_name || fresh.corporation_ticker.slice(0, 5) !== c.corporation_ticker);
    })
    .map((c) => c.corporation_id);
  const staleAlliances = storedAlliances
    .filter((a) => {
      const fresh = alliances.get(a.alliance_id!);
      return fresh && (fresh.alliance_name !== a.alliance_name || fresh.alliance_ticker.slice(0, 5) !== a.alliance_ticker);
    })
    .map((a) => a.alliance_id!);
  const sweep = async (column: "corporation_id" | "alliance_id", ids: number[]) => {
    for (const batch of chunks([...new Set(ids)])) {
      const rows: StoredCharacter[] = await db.selectFrom("eve_characters").select(CHARACTER_COLUMNS).where(column, "in", batch).execute();
      for (const row of rows) {
        if (tracked.has(row.character_id)) continue;
        // Affiliation as stored: a moved character is already tracked.
        tracked.set(row.character_id, { row, next: { corporation_id: row.corporation_id, alliance_id: orNull(row.alliance_id), faction_id: orNull(row.faction_id) }, affiliationChanged: false, newName: null });
      }
    }
  };
  await sweep("corporation_id", staleCorporations);
  await sweep("alliance_id", staleAlliances);

  // 4. What each tracked character should look like; keep the ones that differ.
  interface Change {
    row: StoredCharacter;
    values: Omit<StoredCharacter, "id" | "character_id" | "character_name">;
    affiliationDiffers: boolean;
    newName: string | null;
  }
  const changes: Change[] = [];
  for (const t of tracked.values()) {
    const { row, next } = t;
    const corporation = corporations.get(next.corporation_id);
    const sameCorporation = next.corporation_id === row.corporation_id;
    if (!corporation && !sameCorporation) {
      result.skipped++; // ESI did not describe its new corporation; try again next run
      continue;
    }
    const alliance = next.alliance_id === null ? null : alliances.get(next.alliance_id);
    if (next.alliance_id !== null && !alliance && next.alliance_id !== orNull(row.alliance_id)) {
      result.skipped++;
      continue;
    }
    const knownFaction = factionNames.get(next.faction_id ?? 0);
    const values = {
      corporation_id: next.corporation_id,
      corporation_name: corporation ? corporation.corporation_name : row.corporation_name,
      corporation_ticker: corporation ? corporation.corporation_ticker.slice(0, 5) : row.corporation_ticker,
      alliance_id: next.alliance_id,
      alliance_name: next.alliance_id === null ? null : alliance ? alliance.alliance_name : row.alliance_name,
      alliance_ticker: next.alliance_id === null ? null : alliance ? alliance.alliance_ticker.slice(0, 5) : row.alliance_ticker,
      faction_id: next.faction_id,
      faction_name: next.faction_id === null ? null : knownFaction !== undefined ? knownFaction : row.faction_name,
    };
    const affiliationDiffers =
      values.corporation_id !== row.corporation_id ||
      values.corporation_name !== row.corporation_name ||
      values.corporation_ticker !== row.corporation_ticker ||
      values.alliance_id !== orNull(row.alliance_id) ||
      values.alliance_name !== row.alliance_name ||
      values.alliance_ticker !== row.alliance_ticker ||
      values.faction_id !== orNull(row.faction_id) ||
      values.faction_name !== row.faction_name;
    if (affiliationDiffers || t.newName !== null) changes.push({ row, values, affiliationDiffers, newName: t.newName });
  }
  changes.sort((a, b) => a.row.id - b.row.id);

  // 5. Write: entities first (characters' names come from them), then characters batch by batch.
  const now = new Date();
  if (fetchedAlliances.length || fetchedCorporations.length) {
    await db.transaction().execute(async (trx) => {
      for (const alliance of fetchedAlliances) await upsertAlliance(trx, alliance, now);
      for (const corporation of fetchedCorporations) {
        // An alliance ESI could not describe is not stored; the corporation then points at none.
        const allianceStored = corporation.alliance_id === null || alliances.has(corporation.alliance_id) || alliancesInDb.has(corporation.alliance_id);
        await upsertCorporation(trx, allianceStored ? corporation : { ...corporation, alliance_id: null }, now);
      }
    });
  }
  for (const batch of chunks(changes)) {
    await db.transaction().execute(async (trx) => {
      const groups = new Map<string, { values: Change["values"]; ids: number[] }>();
      for (const change of batch) {
        if (!change.affiliationDiffers) continue;
        const key = JSON.stringify(change.values);
        const group = groups.get(key) ?? { values: change.values, ids: [] };
        group.ids.push(change.row.character_id);
        groups.set(key, group);
      }
      for (const { values, ids } of groups.values()) {
        await trx
          .updateTable("eve_characters")
          .set({ ...values, updated_at: now })
          .where("character_id", "in", ids)
          .execute();
      }
      for (const change of batch) {
        if (change.newName === null) continue;
        await trx.updateTable("eve_characters").set({ character_name: change.newName, updated_at: now }).where("character_id", "=", change.row.character_id).execute();
      }
      const mains = await trx
        .selectFrom("users")
        .select("id")
        .where(
          "main_character_id",
          "in",
          batch.map((c) => c.row.id),
        )
        .orderBy("id")
        .execute();
      if (mains.length) {
        await mainCharacterChanged(
          trx,
          mains.map((u) => u.id),
          actor,
          "ESI model update: the main character's corporation, alliance, faction or name changed",
        );
      }
      result.mainsChanged += mains.length;
    });
    result.changed += batch.length;
  }

  result.esiCalls = esi.calls - callsBefore;
  return result;
}
