/**
 * Finding any EVE character, corporation, alliance or faction by name or id, wherever one is
 * chosen (state editor, admin, apps). Stored rows answer first (substring of the name, or the id);
 * ESI answers for the rest: an id through `POST /universe/names`, a name through `POST
 * /universe/ids` (exact names, which is all ESI offers without a character's token). A chosen
 * entity that is not stored yet is read from ESI and stored before the choice is saved, so a
 * fresh install can put any corporation, alliance or faction into a state.
 */
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import { containsPattern, lower } from "../../../db/dialect";
import type { DB } from "../../../db/schema";
import {
  type EveProvider,
  upsertAlliance,
  upsertCharacter,
  upsertCorporation,
  upsertFaction,
} from "./entities.server";
import { EsiError, EsiUnavailableError } from "./esi-client.server";

export const ENTITY_KINDS = [
  "character",
  "corporation",
  "alliance",
  "faction",
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One choice: the id as the form submits it, and what people read. */
export interface EntityChoice {
  value: string;
  label: string;
}

/** ESI's category names (`/universe/names`) and result keys (`/universe/ids`). */
const CATEGORY: Record<EntityKind, { single: string; plural: string }> = {
  character: { single: "character", plural: "characters" },
  corporation: { single: "corporation", plural: "corporations" },
  alliance: { single: "alliance", plural: "alliances" },
  faction: { single: "faction", plural: "factions" },
};

const MAX_ID = Number.MAX_SAFE_INTEGER;
const idOf = (text: string) =>
  /^[1-9][0-9]{0,15}$/.test(text) && Number(text) <= MAX_ID
    ? Number(text)
    : null;

interface StoredRow {
  id: number;
  name: string;
  ticker: string | null;
}

/** The four tables behind one shape (id, name, ticker), for the shared filters below. */
function storedQuery(
  db: Kysely<DB>,
  kind: EntityKind
): SelectQueryBuilder<DB, any, StoredRow> {
  return storedQueryOf(db, kind) as unknown as SelectQueryBuilder<
    DB,
    any,
    StoredRow
  >;
}

function storedQueryOf(db: Kysely<DB>, kind: EntityKind) {
  switch (kind) {
    case "character":
      return db
        .selectFrom("eve_characters")
        .select([
          "character_id as id",
          "character_name as name",
          sql<string>`corporation_ticker`.as("ticker"),
        ]);
    case "corporation":
      return db
        .selectFrom("eve_corporations")
        .select([
          "corporation_id as id",
          "corporation_name as name",
          "corporation_ticker as ticker",
        ]);
    case "alliance":
      return db
        .selectFrom("eve_alliances")
        .select([
          "alliance_id as id",
          "alliance_name as name",
          "alliance_ticker as ticker",
        ]);
    case "faction":
      return db
        .selectFrom("eve_factions")
        .select([
          "faction_id as id",
          "faction_name as name",
          sql<string | null>`null`.as("ticker"),
        ]);
  }
}

const COLUMNS: Record<EntityKind, { id: string; name: string }> = {
  character: { id: "character_id", name: "character_name" },
  corporation: { id: "corporation_id", name: "corporation_name" },
  alliance: { id: "alliance_id", name: "alliance_name" },
  faction: { id: "faction_id", name: "faction_name" },
};

function choice(row: StoredRow): EntityChoice {
  return {
    value: String(row.id),
    label: row.ticker ? `${row.name} [${row.ticker}]` : row.name,
  };
}

/** Stored entities whose name contains `query` (case-insensitive), or whose id it is. */
export async function searchStored(
  db: Kysely<DB>,
  kind: EntityKind,
  query: string,
  limit = 10
): Promise<EntityChoice[]> {
  const text = query.trim();
  if (!text) return [];
  const { id: idColumn, name: nameColumn } = COLUMNS[kind];
  const id = idOf(text);
  const pattern = containsPattern(text);
  const rows = await storedQuery(db, kind)
    .where((eb: any) =>
      id === null
        ? eb(lower(nameColumn), "like", pattern)
        : eb.or([
            eb(sql.ref(idColumn), "=", id),
            eb(lower(nameColumn), "like", pattern),
          ])
    )
    .orderBy(sql.ref(nameColumn))
    .limit(limit)
    .execute();
  return rows.map(choice);
}

/** What ESI knows under this id or exact name (nothing when ESI cannot be reached or does not know it). */
export async function searchEsi(
  provider: EveProvider,
  kind: EntityKind,
  query: string
): Promise<EntityChoice[]> {
  const text = query.trim();
  if (!text || text.length > 100) return [];
  try {
    const id = idOf(text);
    if (id !== null) {
      const [hit] = await provider.names([id]);
      return hit && hit.category === CATEGORY[kind].single
        ? [{ value: String(hit.id), label: hit.name }]
        : [];
    }
    const found = await provider.esi.post<
      Record<string, { id: number; name: string }[]>
    >("/universe/ids", [text]);
    return (found[CATEGORY[kind].plural] ?? []).map((hit) => ({
      value: String(hit.id),
      label: hit.name,
    }));
  } catch (error) {
    if (error instanceof EsiError || error instanceof EsiUnavailableError)
      return [];
    throw error;
  }
}

/** Stored matches first, then what ESI adds (without repeating an id). */
export async function findEntities(
  db: Kysely<DB>,
  provider: EveProvider | null,
  kind: EntityKind,
  query: string,
  limit = 10
): Promise<EntityChoice[]> {
  const stored = await searchStored(db, kind, query, limit);
  if (!provider) return stored;
  const seen = new Set(stored.map((c) => c.value));
  const remote = (await searchEsi(provider, kind, query)).filter(
    (c) => !seen.has(c.value)
  );
  return [...stored, ...remote].slice(0, limit);
}

/** Labels of the given ids, in the given order (an id nothing is stored for shows as itself). */
export async function entityLabels(
  db: Kysely<DB>,
  kind: EntityKind,
  ids: number[]
): Promise<EntityChoice[]> {
  if (!ids.length) return [];
  const rows = await storedQuery(db, kind)
    .where(sql.ref(COLUMNS[kind].id), "in", ids)
    .execute();
  const byId = new Map(rows.map((r) => [String(r.id), choice(r)]));
  return ids.map(
    (id) => byId.get(String(id)) ?? { value: String(id), label: String(id) }
  );
}

/**
 * Stores every chosen entity that is not stored yet, read from ESI. Returns the ids ESI does not
 * know as this kind (the caller reports them); throws EsiUnavailableError when ESI cannot answer.
 */
export async function ensureEntitiesStored(
  db: Kysely<DB>,
  provider: EveProvider,
  kind: EntityKind,
  ids: number[]
): Promise<number[]> {
  if (!ids.length) return [];
  const stored = new Set(
    (
      await storedQuery(db, kind)
        .where(sql.ref(COLUMNS[kind].id), "in", ids)
        .execute()
    ).map((r) => Number(r.id))
  );
  const missing = ids.filter((id) => !stored.has(id));
  const unknown: number[] = [];
  if (kind === "faction" && missing.length) {
    const factions = await provider.allFactions();
    for (const id of missing) {
      const faction = factions.find((f) => f.faction_id === id);
      if (faction) await upsertFaction(db, faction);
      else unknown.push(id);
    }
    return unknown;
  }
  for (const id of missing) {
    try {
      if (kind === "corporation")
        await upsertCorporation(db, await provider.corporation(id));
      else if (kind === "alliance")
        await upsertAlliance(db, await provider.alliance(id));
      else await upsertCharacter(db, await provider.character(id));
    } catch (error) {
      if (error instanceof EsiError && (error.notFound || error.status === 400))
        unknown.push(id);
      else if (error instanceof EsiError)
        throw new EsiUnavailableError(error.message);
      else throw error;
    }
  }
  return unknown;
}

/**
 * Typed entries (the picker without JavaScript: one name or id a line) → ids. An entry matches
 * when exactly one stored or ESI entity has that id or that exact name (case-insensitive).
 */
export async function resolveTypedEntities(
  db: Kysely<DB>,
  provider: EveProvider | null,
  kind: EntityKind,
  entries: string[]
): Promise<{ ids: number[]; unresolved: string[] }> {
  const ids: number[] = [];
  const unresolved: string[] = [];
  for (const entry of entries) {
    const found = await findEntities(db, provider, kind, entry, 50);
    const id = idOf(entry);
    const exact = found.filter((c) =>
      id !== null
        ? c.value === String(id)
        : c.label.replace(/ \[[^\]]*\]$/, "").toLowerCase() ===
          entry.toLowerCase()
    );
    if (exact.length === 1) ids.push(Number(exact[0].value));
    else unresolved.push(entry.slice(0, 100));
  }
  return { ids: [...new Set(ids)], unresolved };
}
