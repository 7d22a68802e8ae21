/**
 * Characters, corporations, alliances and factions: read from ESI, stored with the denormalised
 * fields the original keeps on EveCharacter. ESI is read before the transaction that writes.
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import type { DB, EveAlliancesTable, EveCharacter, EveCorporationsTable } from "../../../db/schema";
import { EsiClient } from "./esi-client.server";

type Executor = Kysely<DB> | Transaction<DB>;

export interface EsiCharacter {
  name: string;
  corporation_id: number;
  alliance_id?: number;
  faction_id?: number;
}
/** `GET /corporations/{id}` on both sides of the 2026-07-21 change (faction_id → enlisted_faction_id, ceo_id optional). */
export interface EsiCorporation {
  name: string;
  ticker: string;
  member_count: number;
  ceo_id?: number;
  alliance_id?: number;
  faction_id?: number;
  enlisted_faction_id?: number;
}
export interface EsiAlliance {
  name: string;
  ticker: string;
  executor_corporation_id?: number;
  faction_id?: number;
}
export interface EsiFaction {
  faction_id: number;
  name: string;
}
export interface Affiliation {
  character_id: number;
  corporation_id: number;
  alliance_id?: number;
  faction_id?: number;
}

/** A character row without the keys we manage (id, updated_at). */
export type CharacterData = Omit<EveCharacter, "id" | "updated_at">;

/** A corporation row without the key we manage (updated_at). */
export type CorporationData = Omit<Selectable<EveCorporationsTable>, "updated_at">;

/** An alliance row without the key we manage (updated_at). */
export type AllianceData = Omit<Selectable<EveAlliancesTable>, "updated_at">;

/** ESI reads for entities; every call goes through the shared client (cache, budget). */
export class EveProvider {
  private factions: Map<number, string> | null = null;

  constructor(readonly esi: EsiClient) {}

  async corporation(id: number): Promise<CorporationData> {
    const { data } = await this.esi.get<EsiCorporation>(`/corporations/${id}`);
    return {
      corporation_id: id,
      corporation_name: data.name,
      corporation_ticker: data.ticker,
      member_count: data.member_count,
      ceo_id: data.ceo_id ?? null,
      alliance_id: data.alliance_id ?? null,
      faction_id: data.enlisted_faction_id ?? data.faction_id ?? null,
    };
  }

  async alliance(id: number): Promise<AllianceData> {
    const { data } = await this.esi.get<EsiAlliance>(`/alliances/${id}`);
    return { alliance_id: id, alliance_name: data.name, alliance_ticker: data.ticker, executor_corp_id: data.executor_corporation_id ?? null };
  }

  async allianceCorporations(id: number): Promise<number[]> {
    return (await this.esi.get<number[]>(`/alliances/${id}/corporations`)).data;
  }

  async factionName(id: number): Promise<string | null> {
    if (!this.factions) {
      const { data } = await this.esi.get<EsiFaction[]>("/universe/factions");
      this.factions = new Map(data.map((f) => [f.faction_id, f.name]));
    }
    return this.factions.get(id) ?? null;
  }

  async allFactions(): Promise<EsiFaction[]> {
    return (await this.esi.get<EsiFaction[]>("/universe/factions")).data;
  }

  /** The public character record (cached a day): name and affiliation ids. */
  async publicCharacter(id: number): Promise<EsiCharacter> {
    return (await this.esi.get<EsiCharacter>(`/characters/${id}`)).data;
  }

  /** A character with its corporation, alliance and faction names, as the original stores them. */
  async character(id: number): Promise<CharacterData> {
    const data = await this.publicCharacter(id);
    // The affiliation route is fresher than the cached public character record.
    const [affiliation] = await this.affiliations([id]);
    return this.describe(id, data.name, affiliation ?? { character_id: id, corporation_id: data.corporation_id, alliance_id: data.alliance_id, faction_id: data.faction_id });
  }

  async describe(id: number, name: string, affiliation: Affiliation): Promise<CharacterData> {
    const corp = await this.corporation(affiliation.corporation_id);
    const allianceId = affiliation.alliance_id ?? null;
    const alliance = allianceId ? await this.alliance(allianceId) : null;
    const factionId = affiliation.faction_id ?? null;
    return {
      character_id: id,
      character_name: name,
      corporation_id: corp.corporation_id,
      corporation_name: corp.corporation_name,
      corporation_ticker: corp.corporation_ticker,
      alliance_id: allianceId,
      alliance_name: alliance?.alliance_name ?? null,
      alliance_ticker: alliance?.alliance_ticker ?? null,
      faction_id: factionId,
      faction_name: factionId ? await this.factionName(factionId) : null,
    };
  }

  /** Bulk affiliation, 1,000 ids per call (ESI's limit). */
  async affiliations(ids: number[]): Promise<Affiliation[]> {
    const out: Affiliation[] = [];
    for (let i = 0; i < ids.length; i += 1000) out.push(...(await this.esi.post<Affiliation[]>("/characters/affiliation", ids.slice(i, i + 1000))));
    return out;
  }

  /** Bulk id → name, 1,000 ids per call. */
  async names(ids: number[]): Promise<{ id: number; name: string; category: string }[]> {
    const out: { id: number; name: string; category: string }[] = [];
    for (let i = 0; i < ids.length; i += 1000) out.push(...(await this.esi.post<{ id: number; name: string; category: string }[]>("/universe/names", ids.slice(i, i + 1000))));
    return out;
  }
}

export async function upsertCorporation(db: Executor, data: CorporationData, now = new Date()) {
  const values = { ...data, updated_at: now };
  const updated = await db.updateTable("eve_corporations").set(values).where("corporation_id", "=", data.corporation_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("eve_corporations").values(values).execute();
}

export async function upsertAlliance(db: Executor, data: AllianceData, now = new Date()) {
  const values = { ...data, updated_at: now };
  const updated = await db.updateTable("eve_alliances").set(values).where("alliance_id", "=", data.alliance_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("eve_alliances").values(values).execute();
}

export async function upsertFaction(db: Executor, faction: EsiFaction) {
  const updated = await db.updateTable("eve_factions").set({ faction_name: faction.name }).where("faction_id", "=", faction.faction_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("eve_factions").values({ faction_id: faction.faction_id, faction_name: faction.name }).execute();
}

/** Inserts or updates the character row; returns it. */
export async function upsertCharacter(db: Executor, data: CharacterData, now = new Date()): Promise<EveCharacter> {
  const values = { ...data, corporation_ticker: data.corporation_ticker.slice(0, 5), alliance_ticker: data.alliance_ticker?.slice(0, 5) ?? null, updated_at: now };
  const updated = await db.updateTable("eve_characters").set(values).where("character_id", "=", data.character_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("eve_characters").values(values).execute();
  return db.selectFrom("eve_characters").selectAll().where("character_id", "=", data.character_id).executeTakeFirstOrThrow();
}

export async function findCharacter(db: Executor, characterId: number) {
  return db.selectFrom("eve_characters").selectAll().where("character_id", "=", characterId).executeTakeFirst();
}
