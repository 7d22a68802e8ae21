/**
 * A small, believable universe for demo mode, benchmarks and tests: one faction, two alliances, four player
 * corporations, three player accounts with two or three characters each, and a few losses. IDs sit in the real ranges
 * (characters 9000000x, corporations 9800000x, alliances 9900000x, faction 500001).
 */
import type { FakeEve } from "./server";

export const DEMO = {
  factionId: 500001,
  alliances: { meridian: 99000001, covenant: 99000002 },
  corporations: { logistics: 98000001, mining: 98000002, vanguard: 98000003, prospectors: 98000004 },
  accounts: { alice: "account-alice", bob: "account-bob", carol: "account-carol" },
  characters: {
    aliceMain: 90000001,
    aliceAlt: 90000002,
    aliceHauler: 90000003,
    bobMain: 90000004,
    bobAlt: 90000005,
    carolMain: 90000006,
    carolScout: 90000007,
    carolCyno: 90000008,
  },
  structures: { tradeHub: 1035466617946, deniedKeepstar: 1035466617947 },
  /**
   * Losses ESI serves at /killmails/{id}/{hash}/ and the demo zKillboard knows (hash and value), for
   * ship replacement: two of Cyno Alt's, one of Aria Solenne's.
   */
  kills: {
    cynoHurricane: { id: 120000001, hash: "5d41402abc4b2a76b9719d911017c592a1b2c3d4", victim: 90000008, shipTypeId: 24690, value: 48_250_000, time: Date.UTC(2026, 0, 10, 19, 42) },
    cynoRifter: { id: 120000002, hash: "7e240de74fb1ed08fa08d38063f6a6a91462a815", victim: 90000008, shipTypeId: 587, value: 1_375_000, time: Date.UTC(2026, 0, 11, 20, 5) },
    ariaRifter: { id: 120000003, hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", victim: 90000001, shipTypeId: 587, value: 1_290_000, time: Date.UTC(2026, 0, 12, 18, 30) },
  },
} as const;

export function seedDemoWorld(fake: FakeEve): void {
  const { factionId, alliances: a, corporations: c, accounts, characters: ch, structures } = DEMO;
  fake.addFaction({ id: factionId, name: "Caldari State", corporationId: 1000035, militiaCorporationId: 1000180 });

  fake.addAlliance({ id: a.meridian, name: "Silent Meridian", ticker: "MRDN", executorCorporationId: c.logistics });
  fake.addAlliance({ id: a.covenant, name: "Ashen Covenant", ticker: "ASHC", executorCorporationId: c.vanguard, factionId });

  fake.addCorporation({ id: c.logistics, name: "Meridian Logistics", ticker: "MRLOG", allianceId: a.meridian, ceoId: ch.aliceMain });
  fake.addCorporation({ id: c.mining, name: "Deep Core Extraction", ticker: "DCEX", allianceId: a.meridian, ceoId: ch.bobMain });
  fake.addCorporation({ id: c.vanguard, name: "Ashen Vanguard", ticker: "ASHV", allianceId: a.covenant, factionId, ceoId: ch.carolMain });
  fake.addCorporation({ id: c.prospectors, name: "Lone Prospectors", ticker: "LONE", allianceId: null });

  fake.addAccount(accounts.alice, "Alice (3 characters)");
  fake.addAccount(accounts.bob, "Bob (2 characters)");
  fake.addAccount(accounts.carol, "Carol (3 characters)");

  fake.addCharacter({ id: ch.aliceMain, name: "Aria Solenne", corporationId: c.logistics, accountId: accounts.alice });
  fake.addCharacter({ id: ch.aliceAlt, name: "Kaito Varn", corporationId: c.logistics, accountId: accounts.alice });
  fake.addCharacter({ id: ch.aliceHauler, name: "Hauler McHaulface", corporationId: c.prospectors, accountId: accounts.alice });
  fake.addCharacter({ id: ch.bobMain, name: "Brannoc Ydris", corporationId: c.mining, accountId: accounts.bob });
  fake.addCharacter({ id: ch.bobAlt, name: "Ore Whisperer", corporationId: c.mining, accountId: accounts.bob });
  fake.addCharacter({ id: ch.carolMain, name: "Carys O'Daire", corporationId: c.vanguard, accountId: accounts.carol });
  fake.addCharacter({ id: ch.carolScout, name: "Nyx Tallow", corporationId: c.vanguard, accountId: accounts.carol });
  fake.addCharacter({ id: ch.carolCyno, name: "Cyno Alt", corporationId: c.prospectors, accountId: accounts.carol });

  fake.addStructure({ id: structures.tradeHub, name: "Jita - Meridian Trade Tower", ownerId: c.logistics, solarSystemId: 30000142, typeId: 35832 });
  fake.addStructure({ id: structures.deniedKeepstar, name: "Jita - Covenant Citadel", ownerId: c.vanguard, solarSystemId: 30000142, typeId: 35832, dockingDenied: true });
  fake.setCharacterLocation(ch.aliceMain, { solar_system_id: 30000142, station_id: 60003760 });
  // Two pilots logged in, for fleet activity tracking (everyone else is offline, in a capsule in Jita).
  fake.setCharacterOnline(ch.aliceMain, { online: true, last_login: "2024-01-01T12:00:00Z", logins: 2 });
  fake.setCharacterShip(ch.aliceMain, { ship_item_id: 1_100_000_000_001, ship_name: "Aria's Rifter", ship_type_id: 587 });
  fake.setCharacterOnline(ch.carolCyno, { online: true, last_login: "2024-01-01T12:00:00Z", logins: 7 });
  fake.setCharacterLocation(ch.carolCyno, { solar_system_id: 30000142, structure_id: structures.tradeHub });
  fake.setCharacterShip(ch.carolCyno, { ship_item_id: 1_100_000_000_002, ship_name: "Cyno Hurricane", ship_type_id: 24690 });
  for (const k of Object.values(DEMO.kills)) fake.addKillmail({ id: k.id, hash: k.hash, victimCharacterId: k.victim, shipTypeId: k.shipTypeId, solarSystemId: 30000142, time: k.time });
}
