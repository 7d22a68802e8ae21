/** Issue 12 item 10: in demo mode the fake world's portraits and logos are local placeholders (an SVG with initials); never on a real site. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";
import { Browser, startTestServer } from "../support/http";
import { signedIn } from "../support/sessions";

describe.each(dialects)("demo images on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
    await rt.db.insertInto("eve_corporations").values({ corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", member_count: 3, ceo_id: null, alliance_id: null, faction_id: null, updated_at: new Date() }).execute();
    await rt.db
      .insertInto("eve_characters")
      .values({ character_id: 90000006, character_name: "Carys O'Daire", corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: 99000001, alliance_name: "Silent Meridian", alliance_ticker: "MRDN", faction_id: null, faction_name: null, updated_at: new Date() })
      .execute();
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  it.skipIf(skip)("demo mode: pages point at /demo-images, which serves the stored entity's initials as an SVG; unknown ids get a '?'", async () => {
    rt.settings.demoMode = true;
    const anonymous = new Browser(server.origin);
    const portrait = await anonymous.get("/demo-images/characters/90000006");
    expect(portrait.status).toBe(200);
    expect(portrait.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(portrait.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await portrait.text()).toMatch(/^<svg [^>]*>.*>CO<\/text><\/svg>$/);
    expect(await (await anonymous.get("/demo-images/corporations/98000001")).text()).toContain(">ML<");
    // An alliance not stored yet: the name its member character carries.
    expect(await (await anonymous.get("/demo-images/alliances/99000001")).text()).toContain(">SM<");
    expect(await (await anonymous.get("/demo-images/alliances/99999999")).text()).toContain(">?<");
    for (const bad of ["/demo-images/ships/90000006", "/demo-images/characters/0x10", "/demo-images/characters/-1"]) expect((await anonymous.get(bad)).status, bad).toBe(404);

    const user = await makeUser(rt.db);
    const character = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", 90000006).executeTakeFirstOrThrow();
    await rt.db.insertInto("character_ownerships").values({ character_id: character.id, owner_hash: "h", user_id: user.id }).execute();
    const member = await signedIn(rt, server.origin, user);
    const html = await (await member.browser.get("/account/characters")).text();
    expect(html).toContain('src="/demo-images/characters/90000006"');
    expect(html).toContain('src="/demo-images/corporations/98000001"');
    expect(html).not.toContain("images.evetech.net/characters/90000006/portrait");
  });

  it.skipIf(skip)("a real site: the image server, and no placeholder route", async () => {
    rt.settings.demoMode = false;
    expect((await new Browser(server.origin).get("/demo-images/characters/90000006")).status).toBe(404);
    const user = await rt.db.selectFrom("character_ownerships").select("user_id").executeTakeFirstOrThrow();
    const member = await signedIn(rt, server.origin, { id: user.user_id, is_staff: false, is_superuser: false });
    const html = await (await member.browser.get("/account/characters")).text();
    expect(html).toContain("https://images.evetech.net/characters/90000006/portrait?size=64");
    expect(html).not.toContain("/demo-images/");
  });
});
