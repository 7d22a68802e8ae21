/**
 * The fake EVE universe: factions, alliances, corporations, player accounts and their characters, plus the few
 * per-character details the authenticated ESI routes report (location, ship, online) and player structures.
 * Everything is in memory and mutable through the FakeEve test hooks.
 */
import { createHash } from "node:crypto";

export interface Faction {
  id: number;
  name: string;
  corporationId?: number;
  militiaCorporationId?: number;
}

export interface Alliance {
  id: number;
  name: string;
  ticker: string;
  executorCorporationId?: number;
  factionId?: number;
}

export interface Corporation {
  id: number;
  name: string;
  ticker: string;
  memberCount?: number;
  ceoId?: number;
  allianceId?: number | null;
  factionId?: number | null;
}

export interface Character {
  id: number;
  name: string;
  corporationId: number;
  accountId: string;
  factionId?: number | null;
  /** Corporation title (`title`, renamed `corporation_title` from compatibility date 2026-06-09). */
  title?: string;
  /** Creation time (fake clock, ms): `/universe/names` 404s a batch holding a character younger than an hour. */
  createdAt?: number;
  /** Left out of `/characters/affiliation` answers, as real ESI does with some pre-2010 characters. */
  missingFromAffiliation?: boolean;
}

/** Doomheim, the NPC corporation of biomassed (deleted) characters. */
export const DOOMHEIM = { id: 1000001, name: "Doomheim", ticker: "666" };

export interface Account {
  accountId: string;
  label: string;
}

export interface Location {
  solar_system_id: number;
  station_id?: number;
  structure_id?: number;
}

export interface Ship {
  ship_item_id: number;
  ship_name: string;
  ship_type_id: number;
}

export interface Online {
  online: boolean;
  last_login?: string;
  last_logout?: string;
  logins?: number;
}

/** A loss as ESI's /killmails/{id}/{hash}/ reports it (zKillboard holds the hash and the value). */
export interface Killmail {
  id: number;
  hash: string;
  victimCharacterId: number;
  shipTypeId: number;
  solarSystemId: number;
  /** ms since the epoch */
  time: number;
  attackerCharacterId?: number;
}

export interface Structure {
  id: number;
  name: string;
  ownerId: number;
  solarSystemId: number;
  typeId?: number;
  /** When true, every character gets 403 (no docking access), the commonest real-world answer. */
  dockingDenied?: boolean;
}

/** A tiny static slice of New Eden so that location, ship and /universe/names answers resolve to something real. */
export const SYSTEMS = new Map<number, { name: string; constellation_id: number; security_status: number; star_id: number }>([
  [30000142, { name: "Jita", constellation_id: 20000020, security_status: 0.9459, star_id: 40009076 }],
  [30002187, { name: "Amarr", constellation_id: 20000322, security_status: 1.0, star_id: 40139384 }],
  [30002659, { name: "Dodixie", constellation_id: 20000389, security_status: 0.8693, star_id: 40168839 }],
]);
export const STATIONS = new Map<number, { name: string; system_id: number; type_id: number; owner: number }>([
  [60003760, { name: "Jita IV - Moon 4 - Caldari Navy Assembly Plant", system_id: 30000142, type_id: 52678, owner: 1000035 }],
  [60008494, { name: "Amarr VIII (Oris) - Emperor Family Academy", system_id: 30002187, type_id: 1932, owner: 1000086 }],
]);
export const TYPES = new Map<number, { name: string; group_id: number }>([
  [670, { name: "Capsule", group_id: 29 }],
  [587, { name: "Rifter", group_id: 25 }],
  [24690, { name: "Hurricane", group_id: 419 }],
  [35832, { name: "Astrahus", group_id: 1657 }],
]);

export const DEFAULT_SYSTEM_ID = 30000142;
const CAPSULE_TYPE_ID = 670;

/** Fixed default so that owner hashes are stable across restarts of the fake (demo mode keeps its users). */
export const DEFAULT_OWNER_HASH_SALT = "fake-eve-owner-hash-salt";

export class World {
  readonly factions = new Map<number, Faction>();
  readonly alliances = new Map<number, Alliance>();
  readonly corporations = new Map<number, Corporation>();
  readonly accounts = new Map<string, Account>();
  readonly characters = new Map<number, Character>();
  readonly structures = new Map<number, Structure>();
  readonly killmails = new Map<number, Killmail>();
  readonly locations = new Map<number, Location>();
  readonly ships = new Map<number, Ship>();
  readonly online = new Map<number, Online>();

  constructor(private readonly salt = DEFAULT_OWNER_HASH_SALT) {}

  addFaction(f: Faction): void {
    this.factions.set(f.id, { ...f });
  }

  addAlliance(a: Alliance): void {
    if (a.factionId != null) this.requireFaction(a.factionId);
    this.alliances.set(a.id, { ...a });
  }

  addCorporation(c: Corporation): void {
    if (c.allianceId != null) this.requireAlliance(c.allianceId);
    if (c.factionId != null) this.requireFaction(c.factionId);
    this.corporations.set(c.id, { ...c });
  }

  addAccount(accountId: string, label?: string): void {
    this.accounts.set(accountId, { accountId, label: label ?? accountId });
  }

  addCharacter(c: Character): void {
    this.requireCorporation(c.corporationId);
    this.requireAccount(c.accountId);
    if (c.factionId != null) this.requireFaction(c.factionId);
    this.characters.set(c.id, { ...c });
  }

  addStructure(s: Structure): void {
    this.structures.set(s.id, { ...s });
  }

  setCharacterCorporation(characterId: number, corporationId: number): void {
    this.requireCorporation(corporationId);
    this.requireCharacter(characterId).corporationId = corporationId;
  }

  setCorporationAlliance(corporationId: number, allianceId: number | null): void {
    if (allianceId != null) this.requireAlliance(allianceId);
    this.requireCorporation(corporationId).allianceId = allianceId;
  }

  /** The player deleted the character: it moves to Doomheim and drops out of affiliation answers. */
  biomassCharacter(characterId: number): void {
    if (!this.corporations.has(DOOMHEIM.id)) this.addCorporation({ ...DOOMHEIM, memberCount: 0, ceoId: 1 });
    const c = this.requireCharacter(characterId);
    c.corporationId = DOOMHEIM.id;
    c.factionId = null;
    c.missingFromAffiliation = true;
  }

  transferCharacter(characterId: number, toAccountId: string): void {
    this.requireAccount(toAccountId);
    this.requireCharacter(characterId).accountId = toAccountId;
  }

  /**
   * Like the real owner hash: 28 base64 characters (a 20-byte digest) that depend on the character and the account
   * owning it, so a transfer changes it and a transfer back restores the old one.
   */
  ownerHash(characterId: number): string {
    const c = this.requireCharacter(characterId);
    return createHash("sha1").update(`${c.id}:${c.accountId}:${this.salt}`).digest("base64");
  }

  listAccounts(): { accountId: string; label: string; characters: { id: number; name: string }[] }[] {
    return [...this.accounts.values()].map((a) => ({
      accountId: a.accountId,
      label: a.label,
      characters: [...this.characters.values()].filter((c) => c.accountId === a.accountId).map((c) => ({ id: c.id, name: c.name })),
    }));
  }

  /** The alliance comes from the corporation; the faction from the character, else its corporation, else its alliance. */
  affiliation(characterId: number): { corporationId: number; allianceId: number | null; factionId: number | null } | null {
    const c = this.characters.get(characterId);
    if (!c) return null;
    const corp = this.corporations.get(c.corporationId);
    const allianceId = corp?.allianceId ?? null;
    const alliance = allianceId != null ? this.alliances.get(allianceId) : undefined;
    return { corporationId: c.corporationId, allianceId, factionId: c.factionId ?? corp?.factionId ?? alliance?.factionId ?? null };
  }

  corporationMembers(corporationId: number): number[] {
    return [...this.characters.values()].filter((c) => c.corporationId === corporationId).map((c) => c.id);
  }

  allianceCorporations(allianceId: number): number[] {
    return [...this.corporations.values()].filter((c) => c.allianceId === allianceId).map((c) => c.id);
  }

  location(characterId: number): Location {
    return this.locations.get(characterId) ?? { solar_system_id: DEFAULT_SYSTEM_ID };
  }

  ship(characterId: number): Ship {
    const c = this.requireCharacter(characterId);
    return this.ships.get(characterId) ?? { ship_item_id: 1_000_000_000_000 + c.id, ship_name: `${c.name}'s Capsule`, ship_type_id: CAPSULE_TYPE_ID };
  }

  onlineStatus(characterId: number): Online {
    return this.online.get(characterId) ?? { online: false, last_login: "2024-01-01T12:00:00Z", last_logout: "2024-01-01T14:00:00Z", logins: 1 };
  }

  /** Resolves an id to a name and an ESI /universe/names category, or null. */
  resolveId(id: number): { id: number; name: string; category: string } | null {
    const hit =
      (this.characters.has(id) && { name: this.characters.get(id)!.name, category: "character" }) ||
      (this.corporations.has(id) && { name: this.corporations.get(id)!.name, category: "corporation" }) ||
      (this.alliances.has(id) && { name: this.alliances.get(id)!.name, category: "alliance" }) ||
      (this.factions.has(id) && { name: this.factions.get(id)!.name, category: "faction" }) ||
      (SYSTEMS.has(id) && { name: SYSTEMS.get(id)!.name, category: "solar_system" }) ||
      (STATIONS.has(id) && { name: STATIONS.get(id)!.name, category: "station" }) ||
      (TYPES.has(id) && { name: TYPES.get(id)!.name, category: "inventory_type" }) ||
      null;
    return hit ? { id, ...hit } : null;
  }

  /** Exact-name lookup for POST /universe/ids/, keyed by the ESI response category. */
  lookupNames(names: string[]): Record<string, { id: number; name: string }[]> {
    const wanted = new Set(names);
    const out: Record<string, { id: number; name: string }[]> = {};
    const add = (category: string, entries: Iterable<[number, { name: string }]>) => {
      for (const [id, e] of entries) {
        if (wanted.has(e.name)) (out[category] ??= []).push({ id, name: e.name });
      }
    };
    add("alliances", this.alliances);
    add("characters", this.characters);
    add("corporations", this.corporations);
    add("factions", this.factions);
    add("inventory_types", TYPES);
    add("stations", STATIONS);
    add("systems", SYSTEMS);
    return out;
  }

  requireCharacter(id: number): Character {
    const c = this.characters.get(id);
    if (!c) throw new Error(`fake EVE: unknown character ${id}`);
    return c;
  }

  requireCorporation(id: number): Corporation {
    const c = this.corporations.get(id);
    if (!c) throw new Error(`fake EVE: unknown corporation ${id}`);
    return c;
  }

  private requireAlliance(id: number): Alliance {
    const a = this.alliances.get(id);
    if (!a) throw new Error(`fake EVE: unknown alliance ${id}`);
    return a;
  }

  private requireFaction(id: number): Faction {
    const f = this.factions.get(id);
    if (!f) throw new Error(`fake EVE: unknown faction ${id}`);
    return f;
  }

  private requireAccount(id: string): Account {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`fake EVE: unknown account ${id}`);
    return a;
  }
}
