/**
 * The fake ESI (spec section C, checklist E.3): the routes Alliance Auth and its usual apps call, with ESI's
 * caching headers and 304s, the legacy error limit (420), bearer-token checks and fault injection.
 *
 * Documented choices where real ESI is vague:
 * - A missing, malformed, badly signed (for example after a key rotation) or expired token gets
 *   403 `{"error": ..., "sso_status": 401}`; 401 is never used.
 * - Authenticated routes answer `Cache-Control: private, max-age=N`, public ones `public, max-age=N`.
 * - World changes are visible at once (real ESI would keep serving its cached copy until Expires).
 * - One error-limit window for the whole fake (real ESI keys it by client IP; tests all come from one address).
 * - X-Compatibility-Date (or ?compatibility_date=) must be a date from MIN_COMPATIBILITY_DATE to ESI's today
 *   (else 400); the answer carries the effective date and uses the schema of that date (esi-rules.ts).
 * - Paths are the current OpenAPI ones, without a trailing slash; `/x/` is 404. The legacy versioned
 *   style (`/latest/x/`, `/v4/x/`) is still routed, with its trailing slash.
 * - Routes in a rate-limit group (character location, ship and online; status) send `X-Ratelimit-*`
 *   instead of the error-limit headers, and answer 429 + Retry-After when their bucket is spent.
 * - Bulk POSTs refuse duplicate ids (uniqueItems) and send ETag, Last-Modified and Cache-Control.
 */
import { createHash, randomUUID } from "node:crypto";
import { httpDate, json, type FakeRequest, type Reply } from "./http";
import type { SigningKeys } from "./keys";
import { CHARACTER_TITLE_RENAMED, compatibilityDate, CORPORATION_ENLISTED_FACTION, DEFAULT_RATE_LIMIT_GROUPS, type RateLimitGroup, RateLimiter } from "./esi-rules";
import { type Location, type Ship, STATIONS, SYSTEMS, TYPES, type World } from "./world";

export const ERROR_LIMIT_MESSAGE =
  "This software has exceeded the error limit for ESI. If you are a user, please contact the maintainer of this software. If you are a developer/maintainer, please make a greater effort in the future to receive valid responses. For tips on how, come have a chat with us in ##3rd-party-dev-and-esi on the EVE Online Discord. https://www.eveonline.com/discord";

export interface EsiFault {
  status: 502 | 503 | 504;
  times?: number;
  path?: RegExp;
}

const FAULT_BODIES: Record<EsiFault["status"], object> = {
  502: { error: "Bad gateway" },
  503: { error: "Service unavailable" },
  504: { error: "Timeout contacting tranquility", timeout: 10 },
};

const MAX_IDS = 1000;
const MAX_NAMES = 500;

interface Auth {
  characterId: number;
  scopes: string[];
}

interface RouteContext {
  params: number[];
  /** The path parameters as matched (for non-numeric ones such as a killmail hash). */
  raw: string[];
  body: unknown;
  auth: Auth | null;
  /** The effective compatibility date (YYYY-MM-DD). */
  compat: string;
  now: number;
}

/** A handler answers either a value (200, JSON) or a complete Reply (errors). */
type Outcome = { value: unknown } | Reply;

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  /** x-cached-seconds from the ESI spec (bulk POSTs: Cache-Control and ETag, no Expires). */
  cacheSeconds?: number;
  /** Floating-window rate-limit group (spec C.3); such routes have no error-limit headers. */
  rateLimitGroup?: string;
  scope?: string;
  /** Authenticated character routes: the token must belong to the character in the path (first parameter). */
  characterInPath?: boolean;
  handle(ctx: RouteContext): Outcome;
}

const err = (status: number, error: string, extra: object = {}): Reply => json(status, { error, ...extra });

/** Drops keys whose value is null or undefined: ESI omits optional fields instead of sending null. */
function compact<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

function isIntArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v > 0);
}

/** The checks of a bulk id body (spec C.4): non-empty ints, at most 1000, no duplicates (uniqueItems). */
function badIdBody(body: unknown, what: string): Reply | null {
  if (!isIntArray(body) || body.length === 0) return err(400, `Body must be a non-empty JSON array of ${what}`);
  if (body.length > MAX_IDS) return err(400, `Too many IDs: at most ${MAX_IDS} are allowed`);
  if (new Set(body).size !== body.length) return err(400, "Invalid body: items must be unique (uniqueItems)");
  return null;
}

/** The character id in a bearer token (unverified: only to key rate-limit buckets), else "public". */
function bucketKey(req: FakeRequest): string {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers["authorization"] ?? "")?.[1];
  try {
    const payload = JSON.parse(Buffer.from(token?.split(".")[1] ?? "", "base64url").toString("utf8")) as { azp?: string; sub?: string };
    return `${payload.azp}:${String(payload.sub).split(":").pop()}`;
  } catch {
    return "public";
  }
}

/** Deterministic character details, so that repeated answers (and their ETags) stay stable. */
function characterDetails(id: number) {
  const races = [
    { race_id: 1, bloodlines: [1, 2, 11] },
    { race_id: 2, bloodlines: [3, 4, 14] },
    { race_id: 4, bloodlines: [5, 6, 13] },
    { race_id: 8, bloodlines: [7, 8, 12] },
  ];
  const race = races[id % races.length];
  const birthday = new Date(Date.UTC(2015, 0, 1, 12, 0, 0) + (id % 3000) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { race_id: race.race_id, bloodline_id: race.bloodlines[id % 3], gender: id % 2 ? "male" : "female", birthday };
}

export class FakeEsi {
  fault: (EsiFault & { remaining: number }) | null = null;
  private errorsLeft: number;
  private windowEnd: number | null = null;
  private readonly cacheState = new Map<string, { etag: string; lastModified: number }>();
  private readonly startTime: string;
  private readonly routes: Route[];
  readonly limiter: RateLimiter;

  constructor(
    private readonly deps: {
      world: World;
      keys: SigningKeys;
      clock: () => number;
      errorLimit: number;
      errorWindowSeconds: number;
      rateLimitGroups?: Record<string, RateLimitGroup>;
    },
  ) {
    this.limiter = new RateLimiter({ ...DEFAULT_RATE_LIMIT_GROUPS, ...deps.rateLimitGroups });
    this.errorsLeft = deps.errorLimit;
    this.startTime = new Date(deps.clock()).toISOString().replace(/\.\d{3}Z$/, "Z");
    this.routes = this.buildRoutes();
  }

  resetErrorLimit(): void {
    this.errorsLeft = this.deps.errorLimit;
    this.windowEnd = null;
    this.limiter.reset();
  }

  async handle(req: FakeRequest): Promise<Reply> {
    const control = this.control(req);
    if (control) return control;
    const now = this.deps.clock();
    if (this.windowEnd === null || now >= this.windowEnd) {
      this.windowEnd = now + this.deps.errorWindowSeconds * 1000;
      this.errorsLeft = this.deps.errorLimit;
    }
    const compat = compatibilityDate(req.headers["x-compatibility-date"] ?? req.url.searchParams.get("compatibility_date"), now);
    const group = this.match(req)?.route?.rateLimitGroup;
    let reply: Reply;
    let limitHeaders: Record<string, string>;
    if (group) {
      // Rate-limited routes: X-Ratelimit-* only, and errors there do not count against the error limit.
      const key = bucketKey(req);
      const limited = this.limiter.check(group, key, now);
      reply = limited ?? (await this.dispatch(req, now, compat));
      limitHeaders = limited ? {} : this.limiter.charge(group, key, reply.status, now);
    } else {
      if (this.errorsLeft <= 0) {
        reply = err(420, ERROR_LIMIT_MESSAGE);
      } else {
        reply = await this.dispatch(req, now, compat);
        if (reply.status >= 400 && reply.status !== 420) this.errorsLeft -= 1;
      }
      limitHeaders = {
        "x-esi-error-limit-remain": String(Math.max(0, this.errorsLeft)),
        "x-esi-error-limit-reset": String(Math.max(0, Math.ceil((this.windowEnd - now) / 1000))),
      };
    }
    reply.headers = {
      ...reply.headers,
      ...limitHeaders,
      ...("date" in compat ? { "x-compatibility-date": compat.date } : {}),
      "access-control-allow-origin": "*",
      "x-esi-request-id": randomUUID(),
    };
    return reply;
  }

  /**
   * Extension for demo mode and browser tests, which cannot reach the fake's objects: `PUT
   * /_fake/characters/{id}/state` with `{online?, location?, ship?}` (as the routes answer them)
   * sets what the location, ship and online routes report. Not an ESI route: no limits, no logs of errors.
   */
  private control(req: FakeRequest): Reply | null {
    const m = /^\/_fake\/characters\/(\d+)\/state$/.exec(req.url.pathname);
    if (!m && !req.url.pathname.startsWith("/_fake/")) return null;
    if (!m) return err(404, "Not found");
    if (req.method !== "PUT") return err(405, "Method not allowed");
    const w = this.deps.world;
    const id = Number(m[1]);
    if (!w.characters.has(id)) return err(404, "Character not found");
    let body: { online?: boolean; location?: Location; ship?: Partial<Ship> };
    try {
      body = JSON.parse(req.body || "{}");
    } catch {
      return err(400, "Invalid JSON body");
    }
    if (body.online !== undefined) w.online.set(id, { ...w.onlineStatus(id), online: body.online === true });
    if (body.location) w.locations.set(id, compact(body.location) as Location);
    if (body.ship) w.ships.set(id, { ...w.ship(id), ...body.ship });
    return json(200, { online: w.onlineStatus(id).online, location: w.location(id), ship: w.ship(id) });
  }

  private match(req: FakeRequest): { route: Route; params: number[]; raw: string[] } | { route: null; pathExists: boolean } | null {
    const path = normalise(req.url.pathname);
    if (path === null) return null;
    const method = req.method === "HEAD" ? "GET" : req.method;
    let pathExists = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathExists = true;
      if (route.method === method) return { route, params: m.slice(1).map(Number), raw: m.slice(1) };
    }
    return { route: null, pathExists };
  }

  private async dispatch(req: FakeRequest, now: number, compat: { date: string } | { error: string }): Promise<Reply> {
    if ("error" in compat) return err(400, compat.error);
    const path = normalise(req.url.pathname);

    const fault = this.fault;
    if (fault && (!fault.path || (path !== null && fault.path.test(path)) || fault.path.test(req.url.pathname))) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.fault = null;
      return json(fault.status, FAULT_BODIES[fault.status]);
    }

    const matched = this.match(req);
    if (!matched || !matched.route) return matched?.pathExists ? err(405, "Method not allowed") : err(404, "Not found");
    const { route, params, raw } = matched;

    let auth: Auth | null = null;
    if (route.scope) {
      const result = await this.authenticate(req, route.scope, route.characterInPath ? params[0] : null, now);
      if ("status" in result) return result;
      auth = result;
    }

    let body: unknown = undefined;
    if (route.method === "POST") {
      try {
        body = JSON.parse(req.body);
      } catch {
        return err(400, "Invalid JSON body");
      }
    }

    const outcome = route.handle({ params, raw, body, auth, compat: compat.date, now });
    if ("status" in outcome) return outcome;
    const text = JSON.stringify(outcome.value);
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    const cacheKey = route.method === "POST" ? `${path} ${req.body}` : `${path} ${compat.date}`;
    return this.cached(req, cacheKey, text, route, now, headers);
  }

  /** ESI's cache headers on a 200, or a bodiless 304 when If-None-Match carries the current ETag. */
  private cached(req: FakeRequest, path: string, text: string, route: Route, now: number, headers: Record<string, string>): Reply {
    const etag = `"${createHash("sha256").update(text).digest("hex").slice(0, 40)}"`;
    let state = this.cacheState.get(path);
    if (!state || state.etag !== etag) {
      state = { etag, lastModified: now };
      this.cacheState.set(path, state);
    }
    const seconds = route.cacheSeconds ?? 0;
    const cacheHeaders: Record<string, string> = {
      etag,
      "last-modified": httpDate(state.lastModified),
      ...(route.method === "GET" ? { expires: httpDate(now + seconds * 1000) } : {}),
      "cache-control": `${route.scope ? "private" : "public"}, max-age=${seconds}`,
    };
    const ifNoneMatch = req.headers["if-none-match"];
    if (ifNoneMatch) {
      const tags = ifNoneMatch.split(",").map((t) => t.trim().replace(/^W\//, ""));
      if (tags.includes(etag) || tags.includes("*")) return { status: 304, headers: cacheHeaders };
    }
    return { status: 200, headers: { ...headers, ...cacheHeaders }, body: text };
  }

  private async authenticate(req: FakeRequest, scope: string, pathCharacterId: number | null, now: number): Promise<Auth | Reply> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers["authorization"] ?? "");
    if (!match) return err(403, "authorization not provided", { sso_status: 401 });
    const result = await this.deps.keys.verify(match[1], now);
    if (!result.ok) return err(403, result.reason === "expired" ? "token is expired" : "invalid token", { sso_status: 401 });
    const sub = /^CHARACTER:EVE:(\d+)$/.exec(String(result.payload.sub ?? ""));
    if (!sub) return err(403, "invalid token", { sso_status: 401 });
    const characterId = Number(sub[1]);
    const scp = result.payload.scp;
    const scopes = scp === undefined ? [] : Array.isArray(scp) ? scp.map(String) : [String(scp)];
    if (pathCharacterId !== null && pathCharacterId !== characterId) return err(403, "token not valid for character");
    if (!scopes.includes(scope)) return err(403, "token not valid for scope");
    return { characterId, scopes };
  }

  private buildRoutes(): Route[] {
    const w = this.deps.world;
    const ifCharacter = (id: number, value: () => unknown): Outcome => (w.characters.has(id) ? { value: value() } : err(404, "Character not found"));
    return [
      {
        method: "GET",
        pattern: /^\/characters\/(\d+)$/,
        cacheSeconds: 86400,
        handle: ({ params: [id], compat }) => {
          const c = w.characters.get(id);
          if (!c) return err(404, "Character not found");
          const titleKey = compat >= CHARACTER_TITLE_RENAMED ? "corporation_title" : "title";
          const aff = w.affiliation(id)!;
          const details = characterDetails(id);
          return {
            value: compact({
              alliance_id: aff.allianceId,
              birthday: details.birthday,
              bloodline_id: details.bloodline_id,
              corporation_id: aff.corporationId,
              description: "",
              faction_id: aff.factionId,
              gender: details.gender,
              name: c.name,
              race_id: details.race_id,
              security_status: 0,
              [titleKey]: c.title,
            }),
          };
        },
      },
      {
        method: "POST",
        pattern: /^\/characters\/affiliation$/,
        cacheSeconds: 3600,
        handle: ({ body }) => {
          const bad = badIdBody(body, "character IDs");
          if (bad) return bad;
          // Real ESI leaves out biomassed and some pre-2010 characters (esi-issues #527, #340).
          const rows = (body as number[]).flatMap((id) => {
            if (w.characters.get(id)?.missingFromAffiliation) return [];
            const aff = w.affiliation(id);
            return aff ? [compact({ character_id: id, corporation_id: aff.corporationId, alliance_id: aff.allianceId, faction_id: aff.factionId })] : [];
          });
          return rows.length ? { value: rows } : err(404, "No characters found");
        },
      },
      {
        // Public: the hash is the key. A wrong id or hash is 422, as on ESI.
        method: "GET",
        pattern: /^\/killmails\/(\d+)\/([0-9a-fA-F]+)$/,
        cacheSeconds: 30 * 86400,
        handle: ({ params: [id], raw: [, hash] }) => {
          const k = w.killmails.get(id);
          if (!k || k.hash !== hash) return err(422, "Invalid killmail_id and/or killmail_hash");
          return {
            value: {
              killmail_id: k.id,
              killmail_time: new Date(k.time).toISOString().replace(/\.\d{3}Z$/, "Z"),
              solar_system_id: k.solarSystemId,
              victim: compact({ character_id: k.victimCharacterId, corporation_id: w.affiliation(k.victimCharacterId)?.corporationId, damage_taken: 12345, ship_type_id: k.shipTypeId, items: [], position: { x: 0, y: 0, z: 0 } }),
              attackers: [{ character_id: k.attackerCharacterId ?? 2112625428, damage_done: 12345, final_blow: true, security_status: -10, ship_type_id: 17738 }],
            },
          };
        },
      },
      {
        method: "GET",
        pattern: /^\/characters\/(\d+)\/location$/,
        rateLimitGroup: "char-location",
        cacheSeconds: 5,
        scope: "esi-location.read_location.v1",
        characterInPath: true,
        handle: ({ params: [id] }) => ifCharacter(id, () => w.location(id)),
      },
      {
        method: "GET",
        pattern: /^\/characters\/(\d+)\/ship$/,
        rateLimitGroup: "char-location",
        cacheSeconds: 5,
        scope: "esi-location.read_ship_type.v1",
        characterInPath: true,
        handle: ({ params: [id] }) => ifCharacter(id, () => w.ship(id)),
      },
      {
        method: "GET",
        pattern: /^\/characters\/(\d+)\/online$/,
        rateLimitGroup: "char-location",
        cacheSeconds: 60,
        scope: "esi-location.read_online.v1",
        characterInPath: true,
        handle: ({ params: [id] }) => ifCharacter(id, () => w.onlineStatus(id)),
      },
      {
        method: "GET",
        pattern: /^\/corporations\/(\d+)$/,
        cacheSeconds: 3600,
        handle: ({ params: [id], compat }) => {
          const c = w.corporations.get(id);
          if (!c) return err(404, "Corporation not found");
          const members = w.corporationMembers(id);
          const ceo = c.ceoId ?? members[0] ?? 1;
          // 2026-07-21: faction_id → enlisted_faction_id, ceo_id optional (absent without a CEO), tax_rate → tax_rates.
          const dated = compat >= CORPORATION_ENLISTED_FACTION;
          return {
            value: compact({
              alliance_id: c.allianceId,
              ceo_id: dated ? (c.ceoId ?? members[0]) : ceo,
              creator_id: ceo,
              date_founded: "2016-05-10T09:00:00Z",
              description: "",
              [dated ? "enlisted_faction_id" : "faction_id"]: c.factionId,
              member_count: c.memberCount ?? members.length,
              name: c.name,
              ...(dated ? { tax_rates: [{ rate: 0.1, type: "default" }] } : { tax_rate: 0.1 }),
              ticker: c.ticker,
              url: "",
              war_eligible: true,
            }),
          };
        },
      },
      {
        method: "GET",
        pattern: /^\/corporations\/(\d+)\/members$/,
        cacheSeconds: 3600,
        scope: "esi-corporations.read_corporation_membership.v1",
        handle: ({ params: [id], auth }) => {
          if (!w.corporations.has(id)) return err(404, "Corporation not found");
          if (w.characters.get(auth!.characterId)?.corporationId !== id) return err(403, "Character is not in the corporation");
          return { value: w.corporationMembers(id) };
        },
      },
      {
        method: "GET",
        pattern: /^\/alliances\/(\d+)$/,
        cacheSeconds: 3600,
        handle: ({ params: [id] }) => {
          const a = w.alliances.get(id);
          if (!a) return err(404, "Alliance not found");
          const corps = w.allianceCorporations(id);
          // A closed alliance (no corporations left) has no executor, as on the real ESI.
          const executor = corps.length ? (a.executorCorporationId ?? corps[0]) : undefined;
          const creatorCorp = a.executorCorporationId ?? corps[0] ?? 0;
          const creator = w.corporations.get(creatorCorp)?.ceoId ?? w.corporationMembers(creatorCorp)[0] ?? 1;
          return {
            value: compact({
              creator_corporation_id: creatorCorp,
              creator_id: creator,
              date_founded: "2017-02-20T18:00:00Z",
              executor_corporation_id: executor,
              faction_id: a.factionId,
              name: a.name,
              ticker: a.ticker,
            }),
          };
        },
      },
      {
        method: "GET",
        pattern: /^\/alliances\/(\d+)\/corporations$/,
        cacheSeconds: 3600,
        handle: ({ params: [id] }) => (w.alliances.has(id) ? { value: w.allianceCorporations(id) } : err(404, "Alliance not found")),
      },
      {
        method: "POST",
        pattern: /^\/universe\/names$/,
        cacheSeconds: 3600,
        handle: ({ body, now }) => {
          const bad = badIdBody(body, "IDs");
          if (bad) return bad;
          const resolved = (body as number[]).map((id) => w.resolveId(id));
          // A character younger than about an hour is not resolvable yet (esi-issues #1086): the whole batch 404s.
          const young = (body as number[]).some((id) => (w.characters.get(id)?.createdAt ?? -Infinity) > now - 3_600_000);
          if (young || resolved.some((r) => r === null)) return err(404, "Ensure all IDs are valid before resolving.");
          return { value: resolved };
        },
      },
      {
        method: "POST",
        pattern: /^\/universe\/ids$/,
        cacheSeconds: 3600,
        handle: ({ body }) => {
          if (!Array.isArray(body) || body.length === 0 || !body.every((n) => typeof n === "string" && n.length > 0)) {
            return err(400, "Body must be a non-empty JSON array of names");
          }
          if (body.length > MAX_NAMES) return err(400, `Too many names: at most ${MAX_NAMES} are allowed`);
          return { value: w.lookupNames(body as string[]) };
        },
      },
      {
        method: "GET",
        pattern: /^\/universe\/factions$/,
        cacheSeconds: 86400,
        handle: () => ({
          value: [...w.factions.values()].map((f) =>
            compact({
              corporation_id: f.corporationId,
              description: `${f.name}.`,
              faction_id: f.id,
              is_unique: true,
              militia_corporation_id: f.militiaCorporationId,
              name: f.name,
              size_factor: 5,
              station_count: 0,
              station_system_count: 0,
            }),
          ),
        }),
      },
      {
        method: "GET",
        pattern: /^\/universe\/structures\/(\d+)$/,
        cacheSeconds: 3600,
        scope: "esi-universe.read_structures.v1",
        handle: ({ params: [id] }) => {
          const s = w.structures.get(id);
          if (!s) return err(404, "Structure not found");
          if (s.dockingDenied) return err(403, "Forbidden");
          return { value: compact({ name: s.name, owner_id: s.ownerId, solar_system_id: s.solarSystemId, type_id: s.typeId }) };
        },
      },
      {
        method: "GET",
        pattern: /^\/universe\/systems\/(\d+)$/,
        cacheSeconds: 86400,
        handle: ({ params: [id] }) => {
          const s = SYSTEMS.get(id);
          return s ? { value: { system_id: id, ...s } } : err(404, "Solar system not found");
        },
      },
      {
        method: "GET",
        pattern: /^\/universe\/stations\/(\d+)$/,
        cacheSeconds: 86400,
        handle: ({ params: [id] }) => {
          const s = STATIONS.get(id);
          return s ? { value: { station_id: id, ...s } } : err(404, "Station not found");
        },
      },
      {
        method: "GET",
        pattern: /^\/universe\/types\/(\d+)$/,
        cacheSeconds: 86400,
        handle: ({ params: [id] }) => {
          const t = TYPES.get(id);
          return t ? { value: { type_id: id, name: t.name, group_id: t.group_id, published: true, description: "" } } : err(404, "Type not found");
        },
      },
      {
        method: "GET",
        pattern: /^\/status$/,
        cacheSeconds: 30,
        rateLimitGroup: "status",
        handle: () => ({ value: { players: 20000 + w.characters.size, server_version: "2796521", start_time: this.startTime } }),
      },
    ];
  }
}

/**
 * The route of a path: `/x` (the current OpenAPI form), or the legacy versioned `/latest/x/`,
 * `/v4/x/` (slash optional there). An unversioned `/x/` is no route (null): real ESI documents none.
 */
function normalise(pathname: string): string | null {
  const legacy = /^\/(?:latest|legacy|dev|v\d+)(?=\/)/.exec(pathname);
  if (legacy) return pathname.slice(legacy[0].length).replace(/(.)\/$/, "$1");
  if (pathname.length > 1 && pathname.endsWith("/")) return null;
  return pathname;
}
