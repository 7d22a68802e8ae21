/**
 * Fake EVE SSO v2 + ESI for tests, demo mode and benchmarks. See docs in server.ts (options and hooks),
 * sso.ts and esi.ts (protocol behaviour and documented choices).
 */
export { startFakeEve, type FakeEve, type FakeEveOptions } from "./server";
export { seedDemoWorld, DEMO } from "./demo";
export { ERROR_LIMIT_MESSAGE, type EsiFault } from "./esi";
export type { RequestRecord } from "./http";
export type { NextLogin, RegisteredClient } from "./sso";
export type { Alliance, Character, Corporation, Faction, Location, Online, Ship, Structure } from "./world";
