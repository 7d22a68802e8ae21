/**
 * The ESI client against the fake ESI over real HTTP, on both dialects (its cache and its error
 * budget live in the database): ETag/Expires caching, the headers CCP asks for, the error-budget
 * governor shared by every process, 420 and server errors.
 */
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from "vitest";
import { ERROR_BUDGET_RESERVE, ESI_COMPATIBILITY_DATE, EsiClient, EsiError, EsiUnavailableError, type EsiSettings } from "~/modules/eve/esi-client.server";
import { parseSettings } from "~/config.server";
import { EveProvider } from "~/modules/eve/entities.server";
import { DEMO, type FakeEve, type FakeEveOptions, seedDemoWorld, startFakeEve } from "../fakes/eve/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";

const CONTACT = "esi-ops@example.com";
const corporationPath = `/corporations/${DEMO.corporations.logistics}`;

describe.each(dialects)("ESI client on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeEve | undefined;

  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect);
  });
  afterAll(async () => rt?.stop());
  beforeEach(async () => {
    if (skip) return;
    await rt.db.deleteFrom("esi_cache").execute();
    await rt.db.deleteFrom("esi_error_budget").execute();
  });
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  async function start(options: Partial<FakeEveOptions> = {}) {
    fake = await startFakeEve({ clients: [{ clientId: "c", clientSecret: "s", redirectUri: "http://127.0.0.1:9/cb" }], ...options });
    seedDemoWorld(fake);
    return fake;
  }

  /** A client as one process would have it; its clock follows the fake's, so advanceClock() ages the cache. */
  function client(f: FakeEve, settings: Partial<EsiSettings> = {}) {
    return new EsiClient(rt.db, { ESI_API_URL: `${f.esiUrl}/`, ESI_USER_CONTACT_EMAIL: CONTACT, ESI_TIMEOUT_SECONDS: 5, ...settings }, () => new Date(f.now()));
  }

  const esiRequests = (f: FakeEve) => f.requests.filter((r) => r.service === "esi");

  it.skipIf(skip)("caches a GET until Expires, then revalidates with If-None-Match and keeps the body on 304", async () => {
    const f = await start();
    const esi = client(f);
    const first = await esi.get<{ name: string; ticker: string }>(corporationPath);
    expect(first).toMatchObject({ cached: false, data: { name: "Meridian Logistics", ticker: "MRLOG" } });
    expect(esiRequests(f)).toHaveLength(1);
    const etag = (await rt.db.selectFrom("esi_cache").select("etag").executeTakeFirstOrThrow()).etag;
    expect(etag).toMatch(/^".+"$/);

    // Within Expires: no request at all, from this client or from another process's.
    expect(await esi.get(corporationPath)).toMatchObject({ cached: true, data: { name: "Meridian Logistics" } });
    expect(await client(f).get(corporationPath)).toMatchObject({ cached: true });
    expect(esiRequests(f)).toHaveLength(1);
    expect(esi.calls).toBe(1);

    // Past Expires (3600 s on this route): a conditional request, answered 304, served from the cache.
    f.advanceClock(3601);
    expect(await esi.get(corporationPath)).toMatchObject({ cached: true, data: { name: "Meridian Logistics", ticker: "MRLOG" } });
    const revalidation = esiRequests(f).at(-1)!;
    expect(revalidation).toMatchObject({ method: "GET", status: 304 });
    expect(revalidation.headers["if-none-match"]).toBe(etag);
    expect(esi.calls).toBe(2);
    // The 304 renewed Expires.
    await esi.get(corporationPath);
    expect(esiRequests(f)).toHaveLength(2);

    // Changed upstream and expired again: a 200 with the new body replaces the cached one.
    f.addCorporation({ id: DEMO.corporations.logistics, name: "Meridian Logistics Inc", ticker: "MRLOG", allianceId: DEMO.alliances.meridian, ceoId: DEMO.characters.aliceMain });
    f.advanceClock(3601);
    expect(await esi.get(corporationPath)).toMatchObject({ cached: false, data: { name: "Meridian Logistics Inc" } });
    expect(esiRequests(f).at(-1)).toMatchObject({ status: 200 });
    expect(await client(f).get(corporationPath)).toMatchObject({ cached: true, data: { name: "Meridian Logistics Inc" } });
    expect(esiRequests(f)).toHaveLength(3);
  });

  it.skipIf(skip)("sends a User-Agent with the contact address and X-Compatibility-Date on GET and POST", async () => {
    const f = await start();
    const esi = client(f);
    await esi.get("/status");
    await esi.post("/characters/affiliation", [DEMO.characters.aliceMain]);
    const requests = esiRequests(f);
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.headers["user-agent"]).toContain(CONTACT);
      expect(request.headers["user-agent"]).toMatch(/^AllianceAuthTS\//);
      expect(request.headers["x-compatibility-date"]).toBe(ESI_COMPATIBILITY_DATE);
    }
    expect(requests[1].headers["content-type"]).toBe("application/json");
    // Public routes carry no token.
    expect(requests[0].headers.authorization).toBeUndefined();
  });

  it.skipIf(skip)("speaks the configured compatibility date (default 2025-09-30, accepted by ESI) and reads corporations in either schema", async () => {
    expect(ESI_COMPATIBILITY_DATE).toBe("2025-09-30");
    expect(parseSettings({ SECRET_KEY: "x".repeat(32) }).ESI_COMPATIBILITY_DATE).toBe(ESI_COMPATIBILITY_DATE);
    expect(() => parseSettings({ SECRET_KEY: "x".repeat(32), ESI_COMPATIBILITY_DATE: "2025-13-45x" })).toThrow(/ESI_COMPATIBILITY_DATE/);
    const f = await start();
    f.addCorporation({ id: 98_100_001, name: "Enlisted Corp", ticker: "ENL", factionId: DEMO.factionId });
    for (const date of [ESI_COMPATIBILITY_DATE, "2026-08-18"]) {
      await rt.db.deleteFrom("esi_cache").execute();
      f.clearRequests();
      const provider = new EveProvider(client(f, { ESI_COMPATIBILITY_DATE: date }));
      expect(await provider.corporation(98_100_001)).toMatchObject({ corporation_name: "Enlisted Corp", faction_id: DEMO.factionId });
      const [request] = esiRequests(f);
      expect(request).toMatchObject({ path: "/corporations/98100001", status: 200 });
      expect(request.headers["x-compatibility-date"]).toBe(date);
    }
    // A date ESI refuses is an error, not silently the oldest behaviour.
    await expect(client(f, { ESI_COMPATIBILITY_DATE: "2099-01-01" }).get("/universe/factions")).rejects.toMatchObject({ status: 400 });
  });

  it.skipIf(skip)("sends the documented paths without a trailing slash and bulk bodies without duplicates", async () => {
    const f = await start();
    const esi = client(f);
    const rows = await esi.post<{ character_id: number }[]>("/characters/affiliation", [DEMO.characters.aliceMain, DEMO.characters.bobMain, DEMO.characters.aliceMain]);
    expect(rows.map((r) => r.character_id).sort()).toEqual([DEMO.characters.aliceMain, DEMO.characters.bobMain].sort());
    expect(JSON.parse(esiRequests(f)[0].body!)).toEqual([DEMO.characters.aliceMain, DEMO.characters.bobMain]);
    const provider = new EveProvider(esi);
    await provider.alliance(DEMO.alliances.meridian);
    await provider.allianceCorporations(DEMO.alliances.meridian);
    await provider.factionName(DEMO.factionId);
    await provider.character(DEMO.characters.aliceMain);
    for (const request of esiRequests(f)) {
      expect(request.path).not.toMatch(/\/$/);
      expect(request.status).toBe(200);
    }
  });

  it.skipIf(skip)("answers a spent rate-limit group's 429 with EsiUnavailableError carrying Retry-After", async () => {
    const f = await start({ rateLimitGroups: { status: { name: "status", maxTokens: 2, windowSeconds: 60 } } });
    const esi = client(f);
    await esi.get("/status");
    f.advanceClock(31);
    const error = await esi.get("/status").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiUnavailableError);
    expect((error as EsiUnavailableError).retryAt!.getTime() - f.now()).toBeGreaterThan(0);
  });

  it.skipIf(skip)("stops before the error limit, for every process sharing the database, and resumes after the reset", async () => {
    const errorLimit = 15;
    const f = await start({ errorLimit, errorWindowSeconds: 60 });
    const esi = client(f);
    let errors = 0;
    let stopped: unknown = null;
    for (let i = 0; i < errorLimit && !stopped; i++) {
      try {
        await esi.get("/characters/1"); // unknown: 404, which costs one error
      } catch (error) {
        if (error instanceof EsiError) {
          expect(error.notFound).toBe(true);
          expect(error.transient).toBe(false);
          errors++;
        } else stopped = error;
      }
    }
    // It stopped with ERROR_BUDGET_RESERVE errors left, long before ESI would answer 420.
    expect(errors).toBe(errorLimit - ERROR_BUDGET_RESERVE);
    expect(stopped).toBeInstanceOf(EsiUnavailableError);
    const retryAt = (stopped as EsiUnavailableError).retryAt!;
    expect(retryAt).toBeInstanceOf(Date);
    expect(retryAt.getTime()).toBeGreaterThan(f.now());
    expect(retryAt.getTime()).toBeLessThanOrEqual(f.now() + 61_000);
    expect(esiRequests(f)).toHaveLength(errors);
    expect(esiRequests(f).every((r) => r.status === 404)).toBe(true);
    expect(await rt.db.selectFrom("esi_error_budget").select("remain").executeTakeFirstOrThrow()).toEqual({ remain: ERROR_BUDGET_RESERVE });

    // Another process (another client on the same database) holds back too, even for a good request.
    const other = client(f);
    await expect(other.get(corporationPath)).rejects.toBeInstanceOf(EsiUnavailableError);
    await expect(other.post("/characters/affiliation", [DEMO.characters.aliceMain])).rejects.toBeInstanceOf(EsiUnavailableError);
    expect(other.calls).toBe(0);
    expect(esiRequests(f)).toHaveLength(errors);

    // After the window resets, calls go out again and the budget is refilled from ESI's headers.
    f.advanceClock(61);
    expect(await other.get(corporationPath)).toMatchObject({ cached: false, data: { name: "Meridian Logistics" } });
    expect(await rt.db.selectFrom("esi_error_budget").select("remain").executeTakeFirstOrThrow()).toEqual({ remain: errorLimit });
    expect(await esi.post("/characters/affiliation", [DEMO.characters.aliceMain])).toEqual([
      { character_id: DEMO.characters.aliceMain, corporation_id: DEMO.corporations.logistics, alliance_id: DEMO.alliances.meridian },
    ]);
  });

  it.skipIf(skip)("treats 420 as transient and waits for the reset without calling again", async () => {
    const errorLimit = 15;
    const f = await start({ errorLimit, errorWindowSeconds: 60 });
    // Another application behind the same address spends the whole budget.
    for (let i = 0; i < errorLimit; i++) await (await fetch(`${f.esiUrl}/characters/1/`)).text();
    const esi = client(f);
    const error = await esi.get(corporationPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiError);
    expect((error as EsiError).status).toBe(420);
    expect((error as EsiError).transient).toBe(true);
    expect(await rt.db.selectFrom("esi_error_budget").select("remain").executeTakeFirstOrThrow()).toEqual({ remain: 0 });

    const before = esiRequests(f).length;
    const waiting = await client(f).get(corporationPath).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(EsiUnavailableError);
    expect((waiting as EsiUnavailableError).retryAt!.getTime()).toBeGreaterThan(f.now());
    expect(esiRequests(f)).toHaveLength(before);

    f.advanceClock(61);
    expect(await esi.get(corporationPath)).toMatchObject({ cached: false });
  });

  it.skipIf(skip)("reports server errors as transient EsiErrors and an unreachable ESI as EsiUnavailableError", async () => {
    const f = await start();
    const esi = client(f);
    f.setEsiFault({ status: 503, times: 1 });
    const unavailable = await esi.get(corporationPath).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(EsiError);
    expect((unavailable as EsiError).status).toBe(503);
    expect((unavailable as EsiError).transient).toBe(true);

    f.setEsiFault({ status: 504, times: 1, path: /affiliation/ });
    const timeout = await esi.post("/characters/affiliation", [DEMO.characters.aliceMain]).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(EsiError);
    expect((timeout as EsiError).status).toBe(504);
    expect((timeout as EsiError).transient).toBe(true);
    // Nothing was cached from the failures; the next call succeeds.
    expect(await esi.get(corporationPath)).toMatchObject({ cached: false, data: { name: "Meridian Logistics" } });

    const closed = new EsiClient(rt.db, { ESI_API_URL: "http://127.0.0.1:9/", ESI_USER_CONTACT_EMAIL: CONTACT, ESI_TIMEOUT_SECONDS: 2 });
    await expect(closed.get("/status")).rejects.toBeInstanceOf(EsiUnavailableError);
  });
});
