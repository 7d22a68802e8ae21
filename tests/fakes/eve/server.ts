/**
 * startFakeEve(): the fake SSO and the fake ESI on two ports (like two hosts), sharing one world, one clock,
 * one set of signing keys and one request log.
 */
import { FakeEsi, type EsiFault } from "./esi";
import type { RateLimitGroup } from "./esi-rules";
import { serve, type RequestRecord, type RunningServer } from "./http";
import { ISSUERS, SigningKeys } from "./keys";
import { FakeSso, type NextLogin, type RegisteredClient } from "./sso";
import { World, type Alliance, type Character, type Corporation, type Faction, type Killmail, type Location, type Online, type Ship, type Structure } from "./world";

export interface FakeEveOptions {
  host?: string;
  ssoPort?: number;
  esiPort?: number;
  clients: RegisteredClient[];
  /** iss claim: "https://login.eveonline.com" (default), the older bare "login.eveonline.com", or "https://login.eveonline.com/" as CCP's docs write it. */
  issuerStyle?: "https" | "bare" | "slash";
  /** Default true: every refresh returns a new refresh token and the old one becomes invalid_grant. */
  rotateRefreshTokens?: boolean;
  errorLimit?: number;
  errorWindowSeconds?: number;
  /** Sizes of ESI's rate-limit groups ("char-location", "status"); defaults in esi-rules.ts. */
  rateLimitGroups?: Record<string, RateLimitGroup>;
  /** Refresh tokens expire this long after issue (default: never, as CCP documents). */
  refreshTokenLifetimeSeconds?: number;
  /** Base clock in ms (default Date.now); advanceClock() adds its offset on top. */
  now?: () => number;
  /** Extension: salt of the owner hashes. The default is fixed, so hashes survive a restart of the fake. */
  ownerHashSalt?: string;
  /** Extension: how many entries `requests` keeps (oldest dropped first); default 10000. */
  maxRecordedRequests?: number;
}

export interface FakeEve {
  ssoUrl: string;
  esiUrl: string;
  stop(): Promise<void>;
  // world
  addFaction(f: Faction): void;
  addAlliance(a: Alliance): void;
  addCorporation(c: Corporation): void;
  addAccount(accountId: string, label?: string): void;
  addCharacter(c: Character): void;
  setCharacterCorporation(characterId: number, corporationId: number): void;
  setCorporationAlliance(corporationId: number, allianceId: number | null): void;
  transferCharacter(characterId: number, toAccountId: string): void;
  /** The player deleted the character: Doomheim (1000001), and no longer in affiliation answers. */
  biomassCharacter(characterId: number): void;
  ownerHash(characterId: number): string;
  listAccounts(): { accountId: string; label: string; characters: { id: number; name: string }[] }[];
  /** Extension: add or replace a player structure (dockingDenied → 403 on /universe/structures/{id}/). */
  addStructure(s: Structure): void;
  /** Extension: a killmail ESI serves at /killmails/{id}/{hash}/. */
  addKillmail(k: Killmail): void;
  /** Extensions: what the authenticated location routes report (defaults: Jita, a capsule, offline). */
  setCharacterLocation(characterId: number, location: Location): void;
  setCharacterShip(characterId: number, ship: Ship): void;
  setCharacterOnline(characterId: number, online: Online): void;
  // SSO control
  setNextLogin(choice: NextLogin): void;
  revokeCharacterTokens(characterId: number): void;
  advanceClock(seconds: number): void;
  /** Extension: the fake clock in ms (base clock plus advanceClock offset). */
  now(): number;
  rotateSigningKey(): void;
  setSsoDown(down: boolean): void;
  /** The token endpoint answers 429 + Retry-After (null: normal again). */
  setTokenRateLimit(retryAfterSeconds: number | null): void;
  /** JWKS trouble: an error status, or a delay in ms (null: normal again). */
  setJwksFault(fault: { status?: number; delayMs?: number } | null): void;
  /** Refresh tokens of the character are expired from now on (invalid_token). */
  expireRefreshTokens(characterId: number): void;
  /** Refreshing a grant holding this scope is refused with invalid_scope. */
  retireScope(scope: string): void;
  setEsiFault(fault: EsiFault | null): void;
  resetErrorLimit(): void;
  requests: RequestRecord[];
  clearRequests(): void;
  issueAccessToken(characterId: number, scopes: string[], clientId?: string): Promise<string>;
}

export async function startFakeEve(options: FakeEveOptions): Promise<FakeEve> {
  const host = options.host ?? "127.0.0.1";
  const baseClock = options.now ?? Date.now;
  let offsetMs = 0;
  const clock = () => baseClock() + offsetMs;

  const world = new World(options.ownerHashSalt);
  const keys = new SigningKeys();
  const requests: RequestRecord[] = [];
  const maxLog = Math.max(1, options.maxRecordedRequests ?? 10_000);
  const clients = options.clients.map((c) => ({ ...c }));
  const sso = new FakeSso({
    world,
    keys,
    clock,
    clients,
    issuer: ISSUERS[{ https: 0, bare: 1, slash: 2 }[options.issuerStyle ?? "https"]],
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds,
  });
  const esi = new FakeEsi({ world, keys, clock, errorLimit: options.errorLimit ?? 100, errorWindowSeconds: options.errorWindowSeconds ?? 60, rateLimitGroups: options.rateLimitGroups });

  const ssoServer = await serve({ service: "sso", host, port: options.ssoPort ?? 0, log: requests, maxLog, clock, handle: (r) => sso.handle(r) });
  let esiServer: RunningServer;
  try {
    esiServer = await serve({ service: "esi", host, port: options.esiPort ?? 0, log: requests, maxLog, clock, handle: (r) => esi.handle(r) });
  } catch (error) {
    await ssoServer.stop();
    throw error;
  }
  sso.baseUrl = ssoServer.url;

  return {
    ssoUrl: ssoServer.url,
    esiUrl: esiServer.url,
    stop: async () => {
      await Promise.all([ssoServer.stop(), esiServer.stop()]);
    },
    addFaction: (f) => world.addFaction(f),
    addAlliance: (a) => world.addAlliance(a),
    addCorporation: (c) => world.addCorporation(c),
    addAccount: (id, label) => world.addAccount(id, label),
    addCharacter: (c) => world.addCharacter(c),
    setCharacterCorporation: (characterId, corporationId) => world.setCharacterCorporation(characterId, corporationId),
    setCorporationAlliance: (corporationId, allianceId) => world.setCorporationAlliance(corporationId, allianceId),
    transferCharacter: (characterId, toAccountId) => world.transferCharacter(characterId, toAccountId),
    biomassCharacter: (characterId) => world.biomassCharacter(characterId),
    ownerHash: (characterId) => world.ownerHash(characterId),
    listAccounts: () => world.listAccounts(),
    addStructure: (s) => world.addStructure(s),
    addKillmail: (k) => void world.killmails.set(k.id, { ...k }),
    setCharacterLocation: (id, location) => void world.locations.set(world.requireCharacter(id).id, { ...location }),
    setCharacterShip: (id, ship) => void world.ships.set(world.requireCharacter(id).id, { ...ship }),
    setCharacterOnline: (id, online) => void world.online.set(world.requireCharacter(id).id, { ...online }),
    setNextLogin: (choice) => {
      // Fail in the test that queues a bad choice, not later inside the token endpoint.
      if (choice && "characterId" in choice) world.requireCharacter(choice.characterId);
      sso.nextLogin = choice;
    },
    revokeCharacterTokens: (characterId) => sso.revokeCharacterTokens(characterId),
    advanceClock: (seconds) => {
      offsetMs += seconds * 1000;
    },
    now: clock,
    rotateSigningKey: () => keys.rotate(),
    setSsoDown: (down) => {
      sso.down = down;
    },
    setTokenRateLimit: (retryAfter) => {
      sso.faults.tokenRateLimit = retryAfter === null ? null : { retryAfter };
    },
    setJwksFault: (fault) => {
      sso.faults.jwks = fault;
    },
    expireRefreshTokens: (characterId) => sso.expireRefreshTokens(characterId),
    retireScope: (scope) => void sso.faults.retiredScopes.add(scope),
    setEsiFault: (fault) => {
      // A /g or /y pattern would keep lastIndex between requests and match only every other time.
      const path = fault?.path ? new RegExp(fault.path.source, fault.path.flags.replace(/[gy]/g, "")) : undefined;
      esi.fault = fault ? { ...fault, path, remaining: fault.times ?? Infinity } : null;
    },
    resetErrorLimit: () => esi.resetErrorLimit(),
    requests,
    clearRequests: () => {
      // In place, so references to `requests` held by tests stay live.
      requests.length = 0;
    },
    issueAccessToken: (characterId, scopes, clientId) => sso.issueAccessToken(characterId, scopes, clientId ?? clients[0]?.clientId ?? "fake-eve-client"),
  };
}
