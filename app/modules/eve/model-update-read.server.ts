/**
 * The read phases of the model update (see model-update.server.ts): bulk affiliations and names
 * with bisection of a refused batch, and the one-by-one reads of characters a bulk answer left out.
 */
import type { Kysely } from "kysely";
import type { DB, EveCharacter } from "../../../db/schema";
import { EsiError } from "./esi-client.server";
import type { Affiliation, EveProvider } from "./entities.server";

/** ESI's maximum ids per bulk call, and our batch size for reads and write transactions. */
export const BULK_SIZE = 1000;
/** 4xx answers we accept while bisecting in one run before skipping the rest (ESI allows 100 errors a minute). */
const MAX_BISECT_ERRORS = 20;
/** Characters read one by one per run when bulk answers leave them out (each a cached GET). */
const MAX_SINGLE_READS = 500;
/** Entity and character GETs in flight at once. */
export const READ_CONCURRENCY = 4;
/** Doomheim: the corporation of biomassed (deleted) characters. */
export const DOOMHEIM_CORPORATION_ID = 1000001;

export type StoredCharacter = Omit<EveCharacter, "updated_at">;
export type Ids = Pick<EveCharacter, "corporation_id" | "alliance_id" | "faction_id">;

export interface Tracked {
  row: StoredCharacter;
  /** The affiliation ESI reports now. */
  next: Ids;
  affiliationChanged: boolean;
  newName: string | null;
}

export const CHARACTER_COLUMNS = [
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
export const orNull = (value: number | null | undefined) => (value ? value : null);

export function chunks<T>(items: T[], size = BULK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A 4xx that says something about the ids we sent (not auth, not rate limiting). */
function isBadBatch(error: unknown): error is EsiError {
  return error instanceof EsiError && error.status >= 400 && error.status < 500 && !error.transient && error.status !== 401 && error.status !== 403;
}

export interface BisectState {
  errors: number;
}

/**
 * Calls `call(ids)`; on a 4xx splits the batch in halves and tries again, so that one bad id
 * costs about 2·log2(n) calls instead of the whole batch. Ids that stay unresolved are returned.
 */
export async function bisected<T>(ids: number[], call: (ids: number[]) => Promise<T[]>, state: BisectState): Promise<{ results: T[]; unresolved: number[] }> {
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
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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
export async function orNotFound<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof EsiError && (error.status === 404 || error.status === 422)) return null;
    throw error;
  }
}

export interface AffiliationPass {
  characters: number;
  /** Characters with a new affiliation, or whose name is due. */
  tracked: Map<number, Tracked>;
  /** Rows the bulk answer left out (biomassed, some pre-2010 characters) or could not isolate. */
  leftOut: StoredCharacter[];
}

/** Phase 1: the affiliation of every character, in keyset-paged batches of 1,000. */
export async function readAffiliations(
  db: Kysely<DB>,
  provider: EveProvider,
  bisect: BisectState,
  nameDue: (characterId: number) => boolean,
  countCall: () => void,
): Promise<AffiliationPass> {
  const pass: AffiliationPass = { characters: 0, tracked: new Map(), leftOut: [] };
  let lastId = 0;
  for (;;) {
    const rows: StoredCharacter[] = await db.selectFrom("eve_characters").select(CHARACTER_COLUMNS).where("id", ">", lastId).orderBy("id").limit(BULK_SIZE).execute();
    if (rows.length === 0) break;
    lastId = rows[rows.length - 1].id;
    pass.characters += rows.length;
    const { results } = await bisected(
      rows.map((r) => r.character_id),
      (ids) => {
        countCall();
        return provider.esi.post<Affiliation[]>("/characters/affiliation", ids);
      },
      bisect,
    );
    const affiliations = new Map(results.map((a) => [a.character_id, a]));
    for (const row of rows) {
      const affiliation = affiliations.get(row.character_id);
      if (!affiliation) pass.leftOut.push(row);
      else track(pass.tracked, row, affiliation, nameDue(row.character_id), null);
    }
  }
  return pass;
}

function track(tracked: Map<number, Tracked>, row: StoredCharacter, affiliation: Omit<Affiliation, "character_id">, nameDue: boolean, name: string | null) {
  const next: Ids = { corporation_id: affiliation.corporation_id, alliance_id: orNull(affiliation.alliance_id), faction_id: orNull(affiliation.faction_id) };
  const affiliationChanged = next.corporation_id !== row.corporation_id || next.alliance_id !== orNull(row.alliance_id) || next.faction_id !== orNull(row.faction_id);
  const newName = name !== null && name !== row.character_name ? name : null;
  if (affiliationChanged || nameDue || newName !== null) tracked.set(row.character_id, { row, next, affiliationChanged, newName });
}

/**
 * Characters a bulk answer left out are read one by one (`GET /characters/{id}`, cached a day), as
 * the original falls back to single updates. A biomassed one comes back in Doomheim (1000001) and
 * is tracked like any move. Returns how many ESI does not know at all, and how many were left for
 * a later run (beyond the per-run cap).
 */
export async function readOneByOne(provider: EveProvider, rows: StoredCharacter[], tracked: Map<number, Tracked>): Promise<{ notFound: number; deferred: number }> {
  const now = rows.slice(0, MAX_SINGLE_READS);
  const read = await mapLimit(now, READ_CONCURRENCY, (row) => orNotFound(() => provider.publicCharacter(row.character_id)));
  let notFound = 0;
  read.forEach((data, i) => {
    if (!data) notFound++;
    else track(tracked, now[i], data, false, data.name);
  });
  return { notFound, deferred: rows.length - now.length };
}

/**
 * Phase 2: names in bulk (`/universe/names` 404s a whole batch for a character younger than an
 * hour: the batch is bisected, and characters still unresolved are read one by one).
 */
export async function readNames(provider: EveProvider, ids: number[], bisect: BisectState, countCall: () => void) {
  const names = new Map<number, { name: string; category: string }>();
  const unresolved: number[] = [];
  for (const batch of chunks(ids)) {
    const answer = await bisected(
      batch,
      (part) => {
        countCall();
        return provider.esi.post<{ id: number; name: string; category: string }[]>("/universe/names", part);
      },
      bisect,
    );
    for (const n of answer.results) names.set(n.id, n);
    unresolved.push(...answer.unresolved);
  }
  return { names, unresolved };
}
