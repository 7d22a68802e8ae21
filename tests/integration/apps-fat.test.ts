/**
 * Fleet activity tracking over HTTP on both dialects, against the fake EVE: a member adds a token
 * with the FAT scopes through the real SSO round trip, clicks a link and is recorded once with what
 * ESI reports (system, station or structure, ship); offline, expired and scope-less clicks are
 * refused; statistics count per month and corporation, navigate within their bounds and draw their
 * charts on the server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAT_SCOPES } from "~/apps/fleetactivitytracking/permissions";
import { compareMonths, monthNavigation, parseMonth, shiftMonth } from "~/apps/fleetactivitytracking/stats.server";
import { validateLink } from "~/apps/fleetactivitytracking/fat.server";
import type { ActivitySummary } from "~/apps/fleetactivitytracking/stats.server";
import { loadWidgets } from "~/apps/registry.server";
import { SecretBox } from "~/modules/auth/secrets.server";
import { DEMO, type FakeEve } from "../fakes/eve/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve } from "../support/eve";
import { startTestServer } from "../support/http";
import { html, pilot } from "../support/pilots";
import { auditCount } from "../support/sessions";

const WING = { id: 98_200_001, name: "FAT Wing", ticker: "FATW" };
const RAIDERS = { id: 98_200_002, name: "FAT Raiders", ticker: "FATR" };

describe("FAT rules without a server", () => {
  it("checks the link form as the original: a fleet name of at most 50 characters, 1 minute or more", () => {
    expect(validateLink({ fleet: "Stratop", duration: "30" }).input).toEqual({ fleet: "Stratop", duration: 30 });
    expect(validateLink({ fleet: "", duration: "30" }).errors.fleet).toBe("fleetactivitytracking.errors.required");
    expect(validateLink({ fleet: "x".repeat(51), duration: "30" }).errors.fleet).toBe("fleetactivitytracking.errors.fleetTooLong");
    for (const bad of ["0", "-5", "1.5", "abc", "99999999999"]) expect(validateLink({ fleet: "F", duration: bad }).errors.duration, bad).toBe("fleetactivitytracking.errors.duration");
  });
  it("parses months up to the current one and bounds the navigation by the first month with data", () => {
    const now = new Date(Date.UTC(2026, 10, 15));
    expect(parseMonth("2026", "11", now)).toEqual({ year: 2026, month: 11 });
    expect(parseMonth("2026", "12", now)).toBeNull();
    expect(parseMonth("2026", "13", now)).toBeNull();
    expect(parseMonth("1999", "1", now)).toBeNull();
    expect(parseMonth("abcd", "1", now)).toBeNull();
    expect(monthNavigation({ year: 2026, month: 11 }, { year: 2026, month: 9 }, now)).toEqual({ prev: { year: 2026, month: 10 }, next: null });
    expect(monthNavigation({ year: 2026, month: 9 }, { year: 2026, month: 9 }, now)).toEqual({ prev: null, next: { year: 2026, month: 10 } });
    expect(monthNavigation({ year: 2026, month: 1 }, null, now)).toEqual({ prev: null, next: { year: 2026, month: 2 } });
    expect(shiftMonth({ year: 2026, month: 1 }, -1)).toEqual({ year: 2025, month: 12 });
    expect(compareMonths({ year: 2025, month: 12 }, { year: 2026, month: 1 })).toBeLessThan(0);
  });
});

describe.each(dialects)("fleet activity tracking on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: FakeEve;
  let n = 0;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
    fake = await attachFakeEve(rt, `${server.origin}/sso/callback`);
    fake.addCorporation({ ...WING, allianceId: DEMO.alliances.meridian, memberCount: 4 });
    fake.addCorporation({ ...RAIDERS, allianceId: null, memberCount: 10 });
    fake.addAccount("fat-account");
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    await rt?.stop();
  });

  /** A character of the fake world (not yet anyone's here), logged in, in a Rifter in Jita IV-4. */
  function eveCharacter(corp = WING, online = true) {
    const id = 2_112_000_000 + ++n;
    fake.addCharacter({ id, name: `Fat Pilot ${n}`, corporationId: corp.id, accountId: "fat-account" });
    fake.setCharacterOnline(id, { online });
    fake.setCharacterLocation(id, { solar_system_id: 30000142, station_id: 60003760 });
    fake.setCharacterShip(id, { ship_item_id: 1_200_000_000_000 + n, ship_name: "Fast", ship_type_id: 587 });
    return id;
  }

  type Member = Awaited<ReturnType<typeof pilot>>;

  /** The member asks for a token from the link page: the real SSO round trip with the scopes the link asks for (or `granted`). */
  async function addToken(member: Member, hash: string, characterId: number, granted: readonly string[] = FAT_SCOPES) {
    const start = await member.browser.post(`/fat/link/${hash}`, { csrf: member.csrf, intent: "token" });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.origin).toBe(fake.ssoUrl);
    expect(authorize.searchParams.get("scope")!.split(" ").sort()).toEqual([...FAT_SCOPES].sort());
    fake.setNextLogin({ characterId, scopes: [...granted] });
    const back = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    const done = await member.browser.get(callback.pathname + callback.search);
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/fat/link/${hash}`);
    return (await rt.db.selectFrom("esi_tokens").select("id").where("character_id", "=", characterId).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
  }

  async function newLink(fc: Member, fleet: string, duration = "30") {
    const response = await fc.post("/fat/create", [["fleet", fleet], ["duration", duration]]);
    expect(response.status).toBe(302);
    return rt.db.selectFrom("fleetactivitytracking_fatlinks").selectAll().where("fleet", "=", fleet).executeTakeFirstOrThrow();
  }

  const click = (member: Member, hash: string, token: number) => member.post(`/fat/link/${hash}`, [["intent", "click"], ["token", String(token)]]);
  const fatsOf = (linkId: number) => rt.db.selectFrom("fleetactivitytracking_fats").selectAll().where("fatlink_id", "=", linkId).execute();

  it.skipIf(skip)("an FC creates a link; a member adds a token with the scopes and is recorded once with system, station and ship; in a structure its name is read with the structures scope", async () => {
    const fc = await pilot(rt, server.origin, { permissions: ["auth.fleetactivitytracking"] });
    // Bad input: 400 with the error beside the field, nothing created.
    const bad = await fc.post("/fat/create", [["fleet", ""], ["duration", "0"]]);
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain("This field is required.");
    expect(badPage).toContain("Enter a whole number of minutes, 1 or more.");
    const link = await newLink(fc, "Home defence");
    expect(link).toMatchObject({ duration: 30, creator_id: fc.user.id, creator_name: fc.character!.character_name });
    expect(await auditCount(rt.db, { action: "fleetactivitytracking.fatlink_created", id: String(link.id) })).toBe(1);
    // Members cannot create links.
    const member = await pilot(rt, server.origin, { corp: null });
    expect((await member.post("/fat/create", [["fleet", "Sneaky"], ["duration", "5"]])).status).toBe(403);

    // No token yet: the page offers the SSO round trip.
    expect(await html(member.browser.get(`/fat/link/${link.hash}`))).toContain("None of your characters has a token with the scopes FAT needs yet.");
    const characterId = eveCharacter();
    const token = await addToken(member, link.hash, characterId);
    const page = await html(member.browser.get(`/fat/link/${link.hash}`));
    expect(page).toContain(`data-testid="fat-click-${characterId}"`);

    fake.clearRequests();
    const recorded = await click(member, link.hash, token);
    expect(recorded.status).toBe(302);
    expect(recorded.headers.get("location")).toBe("/fat");
    const [fat] = await fatsOf(link.id);
    expect(fat).toMatchObject({ user_id: member.user.id, system: "Jita", station: "Jita IV - Moon 4 - Caldari Navy Assembly Plant", shiptype: "Rifter", ship_type_id: 587, solar_system_id: 30000142, corporation_id: WING.id, corporation_name: WING.name });
    expect(await auditCount(rt.db, { action: "fleetactivitytracking.fat_recorded", id: String(fat.id) })).toBe(1);
    // The authenticated routes were called with the character's bearer token.
    const esiPaths = fake.requests.filter((r) => r.service === "esi").map((r) => r.path.replace(/\?.*$/, ""));
    expect(esiPaths).toEqual(expect.arrayContaining([`/characters/${characterId}/online`, `/characters/${characterId}/location`, `/characters/${characterId}/ship`]));
    expect(fake.requests.find((r) => r.path.startsWith(`/characters/${characterId}/location`))!.headers.authorization).toMatch(/^Bearer /);
    expect(await html(member.browser.get("/fat"))).toContain("Home defence");

    // A second click: already recorded, nothing added.
    const again = await click(member, link.hash, token);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("is already recorded for this link");
    expect(await fatsOf(link.id)).toHaveLength(1);

    // Another member docked in a player structure: its name comes from /universe/structures with the token.
    const other = await pilot(rt, server.origin, { corp: null });
    const otherId = eveCharacter(RAIDERS);
    fake.setCharacterLocation(otherId, { solar_system_id: 30000142, structure_id: DEMO.structures.tradeHub });
    fake.setCharacterShip(otherId, { ship_item_id: 1, ship_name: "Big", ship_type_id: 24690 });
    expect((await click(other, link.hash, await addToken(other, link.hash, otherId))).status).toBe(302);
    expect((await fatsOf(link.id)).find((f) => f.user_id === other.user.id)).toMatchObject({ station: "Jita - Meridian Trade Tower", shiptype: "Hurricane", corporation_name: RAIDERS.name });

    // The FC sees both on the link's page, edits the link and removes a participation (audited).
    const modify = await html(fc.browser.get(`/fat/modify/${link.hash}`));
    expect(modify.match(/data-testid="fat-registered-row"/g)).toHaveLength(2);
    expect(modify).toContain(`/fat/link/${link.hash}`);
    expect((await fc.post(`/fat/modify/${link.hash}`, [["intent", "save"], ["fleet", "Home defence (CTA)"], ["duration", "45"]])).status).toBe(302);
    expect(await rt.db.selectFrom("fleetactivitytracking_fatlinks").select(["fleet", "duration"]).where("id", "=", link.id).executeTakeFirstOrThrow()).toEqual({ fleet: "Home defence (CTA)", duration: 45 });
    expect((await fc.post(`/fat/modify/${link.hash}`, [["intent", "save"], ["fleet", "x".repeat(51)], ["duration", "45"]])).status).toBe(400);
    const otherFat = (await fatsOf(link.id)).find((f) => f.user_id === other.user.id)!;
    expect((await fc.post(`/fat/modify/${link.hash}`, [["intent", "remove"], ["fat", String(otherFat.id)]])).status).toBe(302);
    expect(await fatsOf(link.id)).toHaveLength(1);
    expect(await auditCount(rt.db, { action: "fleetactivitytracking.fat_removed", id: String(otherFat.id) })).toBe(1);
    // A participation of another link is not this link's to remove.
    expect((await fc.post(`/fat/modify/${link.hash}`, [["intent", "remove"], ["fat", "999999"]])).status).toBe(404);
    // Members may not modify.
    expect((await member.browser.get(`/fat/modify/${link.hash}`)).status).toBe(403);
    // Deleting the link deletes its participations (audited).
    expect((await fc.post(`/fat/modify/${link.hash}`, [["intent", "delete"]])).status).toBe(302);
    expect(await fatsOf(link.id)).toHaveLength(0);
    expect(await auditCount(rt.db, { action: "fleetactivitytracking.fatlink_deleted", id: String(link.id) })).toBe(1);
    expect((await member.browser.get(`/fat/link/${link.hash}`)).status).toBe(404);
  });

  it.skipIf(skip)("refuses an offline character, an expired link and a token without the scopes, with a clear message and nothing recorded", async () => {
    const fc = await pilot(rt, server.origin, { permissions: ["auth.fleetactivitytracking"] });
    const link = await newLink(fc, "Roam", "10");
    const member = await pilot(rt, server.origin, { corp: null });
    const characterId = eveCharacter(WING, false);
    const token = await addToken(member, link.hash, characterId);

    const offline = await click(member, link.hash, token);
    expect(offline.status).toBe(400);
    expect(await offline.text()).toContain("the character must be logged in to EVE Online");
    expect(await fatsOf(link.id)).toHaveLength(0);

    // Logged in through the fake's state control (what demo mode and browser tests use).
    const control = await fetch(`${fake.esiUrl}/_fake/characters/${characterId}/state`, { method: "PUT", body: JSON.stringify({ online: true, ship: { ship_type_id: 24690 } }) });
    expect(control.status).toBe(200);

    // A token whose access token lacks the location scope (ESI answers 403): the member is told which token.
    const box = SecretBox.fromSettings(rt.settings);
    await rt.db.updateTable("esi_tokens").set({ access_token: box.encrypt(await fake.issueAccessToken(characterId, ["esi-location.read_online.v1"])), refreshed_at: new Date() }).where("id", "=", token).execute();
    const scopeless = await click(member, link.hash, token);
    expect(scopeless.status).toBe(400);
    expect(await scopeless.text()).toContain("lacks a scope FAT needs");
    expect(await fatsOf(link.id)).toHaveLength(0);

    // A token granted without the FAT scopes is not offered, and cannot be used.
    const partial = await pilot(rt, server.origin, { corp: null });
    const partialId = eveCharacter();
    const partialToken = await addToken(partial, link.hash, partialId, ["esi-location.read_location.v1", "esi-location.read_online.v1"]);
    expect(await html(partial.browser.get(`/fat/link/${link.hash}`))).not.toContain(`fat-click-${partialId}`);
    const refused = await click(partial, link.hash, partialToken);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Choose one of your characters with a token holding the FAT scopes.");
    // Someone else's token is not yours to click with.
    expect((await click(partial, link.hash, token)).status).toBe(400);

    // Expired (the link is older than its duration): refused, and the page says so.
    const fresh = await addToken(member, link.hash, characterId);
    await rt.db.updateTable("fleetactivitytracking_fatlinks").set({ fatdatetime: new Date(Date.now() - 11 * 60_000) }).where("id", "=", link.id).execute();
    const expired = await click(member, link.hash, fresh);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("This FAT link has expired.");
    expect(await html(member.browser.get(`/fat/link/${link.hash}`))).toContain('data-testid="fat-link-expired"');
    expect(await fatsOf(link.id)).toHaveLength(0);

    // Junk input: 4xx, never a 5xx.
    expect((await member.post(`/fat/link/${link.hash}`, [["intent", "click"], ["token", "abc"]])).status).toBe(400);
    expect((await member.post(`/fat/link/${link.hash}`, [["intent", "bogus"]])).status).toBe(400);

    // A token revoked at EVE (its refresh is refused): the member is asked for a new one, nothing recorded.
    const open = await newLink(fc, "Roam again", "10");
    const holder = await pilot(rt, server.origin, { corp: null });
    const holderId = eveCharacter();
    const revokedToken = await addToken(holder, open.hash, holderId);
    fake.revokeCharacterTokens(holderId);
    await rt.db.updateTable("esi_tokens").set({ refreshed_at: new Date(Date.now() - 3_600_000) }).where("id", "=", revokedToken).execute();
    const revoked = await click(holder, open.hash, revokedToken);
    expect(revoked.status).toBe(400);
    expect(await revoked.text()).toContain("is no longer valid: add the character again");
    expect(await fatsOf(open.id)).toHaveLength(0);
  });

  it.skipIf(skip)("statistics: counts per month and corporation, top pilots, bounded month navigation and server-drawn charts", async () => {
    const now = new Date();
    const current = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
    const earlier = shiftMonth(current, -2);
    const at = (m: typeof current, day: number) => new Date(Date.UTC(m.year, m.month - 1, day, 20, 0));
    // Clear what the earlier tests recorded: these counts are exact.
    await rt.db.deleteFrom("fleetactivitytracking_fats").execute();
    await rt.db.deleteFrom("fleetactivitytracking_fatlinks").execute();
    const fc = await pilot(rt, server.origin, { permissions: ["auth.fleetactivitytracking"] });
    const analyst = await pilot(rt, server.origin, { permissions: ["auth.fleetactivitytracking_statistics"] });
    const wing = { corporation_id: WING.id, corporation_name: WING.name, corporation_ticker: WING.ticker };
    const raiders = { corporation_id: RAIDERS.id, corporation_name: RAIDERS.name, corporation_ticker: RAIDERS.ticker };
    const a = await pilot(rt, server.origin, { corp: wing });
    const b = await pilot(rt, server.origin, { corp: wing });
    const c = await pilot(rt, server.origin, { corp: raiders });
    const links = [];
    for (const [i, when] of [at(earlier, 3), at(current, 1), at(current, 2)].entries()) {
      await rt.db.insertInto("fleetactivitytracking_fatlinks").values({ fleet: `Op ${i}`, hash: `stats-${dialect}-${i}`, duration: 60, fatdatetime: when, creator_id: fc.user.id, creator_name: "FC" }).execute();
      links.push((await rt.db.selectFrom("fleetactivitytracking_fatlinks").select(["id", "fatdatetime"]).where("fleet", "=", `Op ${i}`).executeTakeFirstOrThrow()).id);
    }
    const fat = (link: number, who: typeof a, corp: typeof wing, ship: string) => ({ fatlink_id: link, character_id: who.character!.id, user_id: who.user.id, corporation_id: corp.corporation_id, corporation_name: corp.corporation_name, system: "Jita", solar_system_id: 30000142, station: "No Station", shiptype: ship, ship_type_id: null, created_at: now });
    await rt.db
      .insertInto("fleetactivitytracking_fats")
      .values([fat(links[0], a, wing, "Rifter"), fat(links[1], a, wing, "Rifter"), fat(links[2], a, wing, "Hurricane"), fat(links[1], b, wing, "Rifter"), fat(links[1], c, raiders, "Rifter")])
      .execute();

    // The corporations' month: WING 3 (two pilots), RAIDERS 1; a chart with one bar per corporation.
    expect((await analyst.browser.get("/fat/statistics")).headers.get("location")).toBe(`/fat/statistics/${current.year}/${current.month}`);
    const month = await html(analyst.browser.get(`/fat/statistics/${current.year}/${current.month}`));
    const chart = /data-testid="fat-chart-corporations"[\s\S]*?<\/figure>/.exec(month)![0];
    expect(chart.match(/data-bar=""/g)).toHaveLength(2);
    expect(chart).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="[^"]+"/);
    expect(chart).toMatch(/<title[^>]*>Participations by corporation/);
    expect(chart).toContain("FAT Wing: 3; FAT Raiders: 1.");
    expect(chart).toMatch(/>3<\/text>/);
    expect(month).toMatch(new RegExp(`href="/fat/statistics/corp/${WING.id}/${current.year}/${current.month}"`));
    // Average per member: 3 participations / 4 members (the corporation's member count from ESI, when known).
    const pilotsChart = /data-testid="fat-chart-pilots"[\s\S]*?<\/figure>/.exec(month)![0];
    expect(pilotsChart.match(/data-bar=""/g)).toHaveLength(3);
    expect(pilotsChart).toContain(`${a.character!.character_name}: 2`);

    // Bounded navigation: the current month has no "next", the first month with data no "previous".
    expect(month).toContain('data-testid="fat-prev"');
    expect(month).not.toContain('data-testid="fat-next"');
    const first = await html(analyst.browser.get(`/fat/statistics/${earlier.year}/${earlier.month}`));
    expect(first).not.toContain('data-testid="fat-prev"');
    expect(first).toContain('data-testid="fat-next"');
    expect(/data-testid="fat-chart-corporations"[\s\S]*?<\/figure>/.exec(first)![0].match(/data-bar=""/g)).toHaveLength(1);
    const future = shiftMonth(current, 1);
    expect((await analyst.browser.get(`/fat/statistics/${future.year}/${future.month}`)).status).toBe(404);
    expect((await analyst.browser.get(`/fat/statistics/${current.year}/13`)).status).toBe(404);

    // A corporation's month: its members with their participations under it.
    const corp = await html(analyst.browser.get(`/fat/statistics/corp/${WING.id}/${current.year}/${current.month}`));
    expect(/data-testid="fat-chart-pilots"[\s\S]*?<\/figure>/.exec(corp)![0].match(/data-bar=""/g)).toHaveLength(2);
    expect(corp).toContain(`${a.character!.character_name}: 2; ${b.character!.character_name}: 1.`);
    expect(corp).not.toContain(c.character!.character_name);
    expect((await analyst.browser.get(`/fat/statistics/corp/12345/${current.year}/${current.month}`)).status).toBe(404);

    // Others' statistics need the permission; one's own do not.
    expect((await a.browser.get(`/fat/statistics/${current.year}/${current.month}`)).status).toBe(403);
    expect((await a.browser.get(`/fat/user/${b.character!.character_id}/statistics/${current.year}/${current.month}`)).status).toBe(403);
    const ofB = await html(analyst.browser.get(`/fat/user/${b.character!.character_id}/statistics/${current.year}/${current.month}`));
    expect(ofB).toContain("1 participation in");

    // A member's own year: twelve bars; own month: participations by ship.
    const year = await html(a.browser.get(`/fat/user/statistics/${current.year}`));
    expect(/data-testid="fat-chart-year"[\s\S]*?<\/figure>/.exec(year)![0].match(/data-bar=""/g)).toHaveLength(12);
    expect(year).toContain(`${earlier.year === current.year ? 3 : 2} participations in ${current.year}.`);
    expect(year).not.toContain('data-testid="fat-next"');
    const own = await html(a.browser.get(`/fat/user/statistics/${current.year}/${current.month}`));
    expect(own).toContain("2 participations in");
    const ships = /data-testid="fat-chart-ships"[\s\S]*?<\/figure>/.exec(own)![0];
    expect(ships.match(/data-bar=""/g)).toHaveLength(2);
    expect(ships).toContain("Hurricane: 1; Rifter: 1.");
    const ownFirst = await html(a.browser.get(`/fat/user/statistics/${earlier.year}/${earlier.month}`));
    expect(ownFirst).not.toContain('data-testid="fat-prev"');
    // The FC's own month lists the links they made.
    expect(await html(fc.browser.get(`/fat/user/statistics/${current.year}/${current.month}`))).toContain("2 FAT links created");
    // Translated: the German page.
    await rt.db.updateTable("users").set({ language: "de" }).where("id", "=", a.user.id).execute();
    const de = await html(a.browser.get(`/fat/user/statistics/${current.year}/${current.month}`));
    expect(de).toContain("2 Teilnahmen im");
  });

  it.skipIf(skip)("the dashboard widget: the member's count this month and last participations, for any member who took part, none for one who never did", async () => {
    const now = new Date();
    const current = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
    const before = shiftMonth(current, -1);
    const fc = await pilot(rt, server.origin, { permissions: ["auth.fleetactivitytracking"] });
    const link = async (fleet: string, when: Date) => {
      await rt.db.insertInto("fleetactivitytracking_fatlinks").values({ fleet, hash: `widget-${fleet.split(" ")[1]}`, duration: 60, fatdatetime: when, creator_id: fc.user.id, creator_name: "FC" }).execute();
      return (await rt.db.selectFrom("fleetactivitytracking_fatlinks").select("id").where("fleet", "=", fleet).executeTakeFirstOrThrow()).id;
    };
    const fleets = [await link("Widget last month", new Date(Date.UTC(before.year, before.month - 1, 3, 20))), await link("Widget this month", new Date(Date.UTC(current.year, current.month - 1, 1, 0, 5)))];
    const participation = (fatlink_id: number, shiptype: string) => ({ fatlink_id, character_id: fc.character!.id, user_id: fc.user.id, corporation_id: WING.id, corporation_name: WING.name, system: "Jita", solar_system_id: 30000142, station: "No Station", shiptype, ship_type_id: null, created_at: now });
    await rt.db.insertInto("fleetactivitytracking_fats").values([participation(fleets[0], "Rifter"), participation(fleets[1], "Hurricane")]).execute();

    // The loader's data: one this month, both listed newest first, in JSON-ready form.
    const asUser = (permissions: string[]) => ({ id: fc.user.id, permissions: new Set(permissions), is_staff: false, is_superuser: false });
    const widgets = await loadWidgets({ db: rt.db, settings: rt.settings }, asUser([]));
    const data = widgets.find((w) => w.id === "fleetactivitytracking.activity")!.data as ActivitySummary;
    expect(data).toEqual({
      month: current,
      count: 1,
      recent: [
        expect.objectContaining({ fleet: "Widget this month", shiptype: "Hurricane", character_name: fc.character!.character_name, fatdatetime: new Date(Date.UTC(current.year, current.month - 1, 1, 0, 5)).toISOString() }),
        expect.objectContaining({ fleet: "Widget last month", shiptype: "Rifter" }),
      ],
    });
    const never = await pilot(rt, server.origin, {});
    expect((await loadWidgets({ db: rt.db, settings: rt.settings }, { ...asUser([]), id: never.user.id })).map((w) => w.id)).not.toContain("fleetactivitytracking.activity");

    // Rendered on the dashboard (on the server), in the member's language; not for a member who never took part.
    const dashboard = await html(fc.browser.get("/dashboard"));
    const widget = /data-testid="widget-fat-activity"[\s\S]*?<\/section>/.exec(dashboard)![0];
    expect(widget).toContain("1 participation in");
    expect(widget).toContain(`href="/fat/user/statistics/${current.year}/${current.month}"`);
    expect(widget.indexOf("Widget this month")).toBeLessThan(widget.indexOf("Widget last month"));
    expect(widget).toContain(`${current.year}-${String(current.month).padStart(2, "0")}-01 00:05 EVE`);
    await rt.db.updateTable("users").set({ language: "de" }).where("id", "=", fc.user.id).execute();
    expect(await html(fc.browser.get("/dashboard"))).toMatch(/data-testid="widget-fat-month"[\s\S]*?1 Teilnahme im/);
    expect(await html(never.browser.get("/dashboard"))).not.toContain("widget-fat-activity");
    rt.settings.APPS_DISABLED = "fleetactivitytracking";
    try {
      expect(await html(fc.browser.get("/dashboard"))).not.toContain("widget-fat-activity");
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });

  it.skipIf(skip)("switched off (APPS_DISABLED=fleetactivitytracking) its pages are 404 and it leaves the menu", async () => {
    const member = await pilot(rt, server.origin, {});
    expect(await html(member.browser.get("/dashboard"))).toContain('href="/fat"');
    rt.settings.APPS_DISABLED = "fleetactivitytracking";
    try {
      expect((await member.browser.get("/fat")).status).toBe(404);
      expect((await member.browser.get("/fat/user/statistics")).status).toBe(404);
      expect(await html(member.browser.get("/dashboard"))).not.toContain('href="/fat"');
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });
});
