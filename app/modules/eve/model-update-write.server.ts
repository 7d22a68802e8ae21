/**
 * The write phase of the model update (see model-update.server.ts): what each tracked character
 * should look like, and the grouped writes of the characters that differ.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Actor } from "../audit/audit.server";
import type { ReadEntities, StoredEntities } from "./model-update-entities.server";
import { CHARACTER_COLUMNS, chunks, orNull, type StoredCharacter, type Tracked } from "./model-update-read.server";
import { mainCharacterChanged } from "./ownership.server";

export interface Change {
  row: StoredCharacter;
  values: Omit<StoredCharacter, "id" | "character_id" | "character_name">;
  affiliationDiffers: boolean;
  newName: string | null;
}

/** Corporations and alliances whose denormalised name or ticker is stale on some character: track their members too. */
export async function sweepStaleNames(db: Kysely<DB>, tracked: Map<number, Tracked>, inUse: StoredEntities, read: ReadEntities) {
  const staleCorporations = inUse.corporations
    .filter((c) => {
      const fresh = read.corporations.get(c.corporation_id);
      return fresh && (fresh.corporation_name !== c.corporation_name || fresh.corporation_ticker.slice(0, 5) !== c.corporation_ticker);
    })
    .map((c) => c.corporation_id);
  const staleAlliances = inUse.alliances
    .filter((a) => {
      const fresh = read.alliances.get(a.alliance_id!);
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
}

/** The characters that differ from what ESI says; `skipped` counts those whose new entity ESI did not describe. */
export function buildChanges(tracked: Map<number, Tracked>, read: ReadEntities, factionNames: Map<number, string>): { changes: Change[]; skipped: number } {
  const changes: Change[] = [];
  let skipped = 0;
  for (const t of tracked.values()) {
    const { row, next } = t;
    const corporation = read.corporations.get(next.corporation_id);
    if (!corporation && next.corporation_id !== row.corporation_id) {
      skipped++; // ESI did not describe its new corporation; try again next run
      continue;
    }
    const alliance = next.alliance_id === null ? null : read.alliances.get(next.alliance_id);
    if (next.alliance_id !== null && !alliance && next.alliance_id !== orNull(row.alliance_id)) {
      skipped++;
      continue;
    }
    const knownFaction = next.faction_id === null ? undefined : factionNames.get(next.faction_id);
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
  return { changes, skipped };
}

/**
 * Writes the changes: one UPDATE per group of equal new values, names one by one (rare), in one
 * transaction per 1,000 characters; users whose main changed go to mainCharacterChanged there too.
 * Returns how many users' mains changed.
 */
export async function writeChanges(db: Kysely<DB>, changes: Change[], actor: Actor, now: Date): Promise<number> {
  let mainsChanged = 0;
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
      mainsChanged += mains.length;
    });
  }
  return mainsChanged;
}
