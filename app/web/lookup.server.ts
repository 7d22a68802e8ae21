/**
 * The pickers' server side (app/components/multi-picker.tsx): the search the picker calls with
 * JavaScript (`/lookup/<kind>?q=`), and reading a picker field from a submitted form with or
 * without JavaScript. A picker submits its chosen ids under its name, and without JavaScript also
 * a typed list under `<name>__typed` (one name or id a line) that is resolved here.
 */
import { type Kysely, sql } from "kysely";
import { containsPattern, lower } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { EveProvider } from "../modules/eve/entities.server";
import {
  EsiClient,
  EsiUnavailableError,
} from "../modules/eve/esi-client.server";
import {
  ENTITY_KINDS,
  type EntityChoice,
  entityLabels,
  ensureEntitiesStored,
  findEntities,
  resolveTypedEntities,
} from "../modules/eve/lookup.server";
import { getRuntime } from "../modules/runtime.server";
import { MAX_EVE_ID, MAX_ROW_ID, parseId } from "./params.server";

export const LOOKUP_KINDS = [...ENTITY_KINDS, "user"] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

export function isLookupKind(kind: unknown): kind is LookupKind {
  return (
    typeof kind === "string" &&
    (LOOKUP_KINDS as readonly string[]).includes(kind)
  );
}

/** The shared ESI reader for lookups (null when no ESI URL is configured). */
export function lookupProvider(): EveProvider | null {
  const { db, settings } = getRuntime();
  return settings.ESI_API_URL
    ? new EveProvider(new EsiClient(db, settings))
    : null;
}

async function findUsers(
  db: Kysely<DB>,
  query: string,
  limit = 10
): Promise<EntityChoice[]> {
  const text = query.trim();
  if (!text) return [];
  const pattern = containsPattern(text);
  const rows = await db
    .selectFrom("users")
    .select(["id", "username"])
    .where(lower("username"), "like", pattern)
    .orderBy("username")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ value: String(r.id), label: r.username }));
}

/** What the picker lists for a search. */
export async function lookup(
  kind: LookupKind,
  query: string
): Promise<EntityChoice[]> {
  const { db } = getRuntime();
  if (kind === "user") return findUsers(db, query);
  return findEntities(db, lookupProvider(), kind, query);
}

/** Chosen ids with what people read (usernames, entity names). */
export async function pickedLabels(
  kind: LookupKind,
  ids: number[]
): Promise<EntityChoice[]> {
  const { db } = getRuntime();
  if (kind !== "user") return entityLabels(db, kind, ids);
  if (!ids.length) return [];
  const rows = await db
    .selectFrom("users")
    .select(["id", "username"])
    .where("id", "in", ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r.username]));
  return ids.map((id) => ({
    value: String(id),
    label: byId.get(id) ?? String(id),
  }));
}

export interface PickedField {
  ids: number[];
  /** The typed list as submitted (re-rendered after a failed submit). */
  typed: string;
  /** An i18n key when the field is wrong; `unresolved` lists what could not be found. */
  error: string | null;
  unresolved: string[];
}

/**
 * Reads a picker field: the chosen ids (a malformed one is a field error, not a guess) plus the
 * typed entries, resolved to exactly one match each. EVE entities not stored yet are read from ESI
 * and stored, so the caller can save the choice.
 */
export async function readPicked(
  form: FormData,
  name: string,
  kind: LookupKind
): Promise<PickedField> {
  const { db } = getRuntime();
  const max = kind === "user" ? MAX_ROW_ID : MAX_EVE_ID;
  const raw = form.getAll(name).map(String);
  const typed = String(form.get(`${name}__typed`) ?? "").slice(0, 5000);
  const ids: number[] = [];
  const unresolved: string[] = [];
  for (const value of raw) {
    const id = parseId(value, max);
    if (id === null) unresolved.push(value.slice(0, 40));
    else ids.push(id);
  }
  const entries = typed
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 100);
  const provider = kind === "user" ? null : lookupProvider();
  if (entries.length) {
    if (kind === "user") {
      for (const entry of entries) {
        const row = await db
          .selectFrom("users")
          .select("id")
          .where(sql`lower(username)`, "=", entry.toLowerCase())
          .executeTakeFirst();
        if (row) ids.push(row.id);
        else unresolved.push(entry.slice(0, 100));
      }
    } else {
      const resolved = await resolveTypedEntities(db, provider, kind, entries);
      ids.push(...resolved.ids);
      unresolved.push(...resolved.unresolved);
    }
  }
  let unique = [...new Set(ids)];
  // Store what was found (so it shows by name even when the form comes back for another reason).
  if (kind !== "user" && provider) {
    try {
      const unknown = await ensureEntitiesStored(db, provider, kind, unique);
      unique = unique.filter((id) => !unknown.includes(id));
      unresolved.push(...unknown.map(String));
    } catch (error) {
      if (error instanceof EsiUnavailableError) return { ids: unique, typed, error: "picker.errors.esiUnavailable", unresolved: [] };
      throw error;
    }
  }
  if (unresolved.length) return { ids: unique, typed: unresolved.join("\n"), error: "picker.errors.notFound", unresolved };
  return { ids: unique, typed: "", error: null, unresolved: [] };
}
