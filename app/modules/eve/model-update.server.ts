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
 *    every 6 hours, whatever the run cadence: every name is checked once a day), plus every
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
 * 5. Characters a bulk answer left out (the affiliation route omits biomassed and some pre-2010
 *    characters; the names route 404s a batch holding a character younger than an hour) are read
 *    one by one (`GET /characters/{id}`, cached a day), as the original falls back to single
 *    updates; the bisection that isolates them stays within the error budget.
 * 6. Every stored corporation and alliance not read for a day is read again (not only those a
 *    character points at), and every stored faction is refreshed from one bulk read.
 * 7. Biomassed characters (now in Doomheim) lose their tokens and ownerships; owners are told.
 *
 * The phases live in model-update-read, -entities and -write.server.ts, biomass in biomass.server.ts.
 * ESI is read before anything is written. ESI errors never delete characters, tokens or
 * ownerships: a failed bulk call (5xx, 420, ESI unreachable, error budget spent) fails the job,
 * which the job system retries.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, systemActor } from "../audit/audit.server";
import { type BiomassSettings, cleanUpBiomassed } from "./biomass.server";
import type { EsiClient } from "./esi-client.server";
import { EveProvider } from "./entities.server";
import { entitiesInUse, entitiesToRead, readEntities, refreshFactions, staleStoredEntities, storeEntities } from "./model-update-entities.server";
import { type BisectState, readAffiliations, readNames, readOneByOne } from "./model-update-read.server";
import { buildChanges, sweepStaleNames, writeChanges } from "./model-update-write.server";

export { BULK_SIZE } from "./model-update-read.server";

/** Each character's name is checked once every this many runs (see the file comment). */
export const NAME_ROTATION = 4;
/** The slot moves every 6 hours, whatever EVE_AFFILIATION_UPDATE_MINUTES is. */
const NAME_SLOT_MS = 6 * 3_600_000;

export const MODEL_UPDATE_ACTOR = "eveonline.run_model_update";

export interface ModelUpdateOptions {
  /** "rotation" (default): a quarter of the names plus the changed characters; "all": every name. */
  names?: "rotation" | "all";
  /** Decides the name rotation slot. */
  now?: Date;
  actor?: Actor;
  /** Language and cap of the notifications to owners of biomassed characters. */
  settings?: BiomassSettings;
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
  /** Characters ESI does not know (neither in bulk answers nor one by one): left as they are. */
  missing: number;
  /** Characters left for a later run (a 4xx we could not isolate, an entity ESI did not find). */
  skipped: number;
  /** Users whose main character changed. */
  mainsChanged: number;
  /** Biomassed characters whose tokens and ownerships were removed. */
  biomassed: number;
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
  const result: ModelUpdateResult = { characters: 0, changed: 0, esiCalls: 0, affiliationCalls: 0, nameCalls: 0, missing: 0, skipped: 0, mainsChanged: 0, biomassed: 0 };
  const bisect: BisectState = { errors: 0 };
  const now = new Date();
  const inUse = await entitiesInUse(db);

  // 1. Affiliations in bulk; what the answers left out, one by one.
  const pass = await readAffiliations(db, provider, bisect, nameDue, () => result.affiliationCalls++);
  result.characters = pass.characters;
  const { tracked } = pass;
  const single = await readOneByOne(provider, pass.leftOut, tracked);
  result.missing += single.notFound;
  result.skipped += single.deferred;

  // 2. Names: the due characters, the changed ones, and the corporations and alliances in use.
  const corporationIds = new Set(inUse.corporations.map((c) => c.corporation_id));
  const allianceIds = new Set(inUse.alliances.map((a) => a.alliance_id!));
  for (const t of tracked.values()) {
    if (!t.affiliationChanged) continue;
    corporationIds.add(t.next.corporation_id);
    if (t.next.alliance_id) allianceIds.add(t.next.alliance_id);
  }
  const nameIds = [...new Set([...tracked.keys(), ...corporationIds, ...allianceIds])];
  const { names, unresolved } = await readNames(provider, nameIds, bisect, () => result.nameCalls++);
  const currentName = (id: number | null, category: string) => {
    const hit = id === null ? undefined : names.get(id);
    return hit?.category === category ? hit.name : null;
  };
  for (const t of tracked.values()) {
    const name = currentName(t.row.character_id, "character");
    if (name !== null && name !== t.row.character_name) t.newName = name;
  }
  // Characters the names route would not resolve (too young, say): their own record has the name.
  const unnamed = unresolved.filter((id) => tracked.has(id)).map((id) => tracked.get(id)!.row);
  const named = await readOneByOne(provider, unnamed, tracked);
  result.skipped += named.deferred;

  // 3. Corporations, alliances and factions: what moved characters need, renamed ones, stale stored ones.
  const toRead = entitiesToRead(tracked, inUse, await staleStoredEntities(db, now), currentName);
  const read = await readEntities(db, provider, toRead, currentName, now);
  const factionNames = await refreshFactions(db, provider);
  await sweepStaleNames(db, tracked, inUse, read);

  // 4. What each tracked character should look like; 5. write entities, then characters.
  const { changes, skipped } = buildChanges(tracked, read, factionNames);
  result.skipped += skipped;
  await storeEntities(db, read, now);
  result.mainsChanged = await writeChanges(db, changes, actor, now);
  result.changed = changes.length;

  // 6. Biomassed characters lose their tokens and ownerships.
  result.biomassed = await cleanUpBiomassed(db, options.settings ?? { LANGUAGE_CODE: "en", NOTIFICATIONS_MAX_PER_USER: 50 }, actor);

  result.esiCalls = esi.calls - callsBefore;
  return result;
}
