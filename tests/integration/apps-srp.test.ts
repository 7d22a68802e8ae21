/** Ship replacement over HTTP on both dialects, against the fake ESI (killmails) and the fake zKillboard (hash, value). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIsk } from "~/apps/srp/srp.server";
import { parseKillLink } from "~/apps/srp/killmails.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve } from "../support/eve";
import { startTestServer } from "../support/http";
import { html, pilot } from "../support/pilots";
import { auditCount } from "../support/sessions";
import { type FakeZkillboard, startFakeZkillboard } from "../fakes/zkillboard";

const HASH = "0123456789abcdef0123456789abcdef01234567";

describe("SRP rules without a server", () => {
  it("reads the kill id from zKillboard and ESI links and nothing else", () => {
    expect(parseKillLink("https://zkillboard.com/kill/123456789/")).toEqual({ killId: 123456789, hash: null });
    expect(parseKillLink(`https://esi.evetech.net/latest/killmails/987/${HASH}/`)).toEqual({ killId: 987, hash: HASH });
    expect(parseKillLink("https://evil.example/kill/1/")).toBeNull();
    expect(parseKillLink("zkillboard.com/kill/1")).toBeNull();
  });
  it("reads ISK amounts with separators or k/m/b", () => {
    expect(parseIsk("150,000,000")).toBe(150_000_000);
    expect(parseIsk("1.5m")).toBe(1_500_000);
    expect(parseIsk("2b ISK")).toBe(2_000_000_000);
    expect(parseIsk("-5")).toBeNull();
    expect(parseIsk("lots")).toBeNull();
  });
});

describe.each(dialects)("ship replacement on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: Awaited<ReturnType<typeof attachFakeEve>>;
  let zkb: FakeZkillboard;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    fake = await attachFakeEve(rt);
    zkb = await startFakeZkillboard();
    rt.settings.ZKILLBOARD_API_URL = zkb.apiUrl;
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await zkb?.stop();
    await fake?.stop();
    await rt?.stop();
  });

  it.skipIf(skip)("a member files a loss, checked against zKillboard and ESI; duplicates and others' losses are refused; the manager pays and the member is notified", async () => {
    const base = dialect === "mysql" ? 500 : 0;
    const manager = await pilot(rt, server.origin, { permissions: ["srp.access_srp", "auth.srp_management"] });
    expect((await manager.post("/srp/add", [["fleet_name", "Saturday stratop"], ["doctrine", "Ferox"], ["fleet_time", "2026-11-28T19:00"], ["aar_link", ""]])).status).toBe(302);
    const fleet = await rt.db.selectFrom("srp_fleets").selectAll().where("fleet_name", "=", "Saturday stratop").executeTakeFirstOrThrow();
    expect(fleet.fleet_commander_name).toBe(manager.character!.character_name);

    const member = await pilot(rt, server.origin, { permissions: ["srp.access_srp"] });
    const stranger = await pilot(rt, server.origin, { permissions: ["srp.access_srp"] });
    const mine = 880_000 + base;
    const theirs = 880_001 + base;
    fake.addKillmail({ id: mine, hash: HASH, victimCharacterId: member.character!.character_id, shipTypeId: 587, solarSystemId: 30000142, time: Date.now() });
    fake.addKillmail({ id: theirs, hash: HASH, victimCharacterId: stranger.character!.character_id, shipTypeId: 587, solarSystemId: 30000142, time: Date.now() });
    zkb.addKill({ id: mine, hash: HASH, totalValue: 12_345_678.9 });
    zkb.addKill({ id: theirs, hash: HASH, totalValue: 1000 });

    const file = (who: typeof member, link: string) => who.post(`/srp/request/${fleet.fleet_srp_code}`, [["killboard_link", link], ["additional_info", "lost to a smartbomb"]]);
    expect((await file(member, `https://zkillboard.com/kill/${mine}/`)).status).toBe(302);
    const filed = await rt.db.selectFrom("srp_requests").selectAll().where("kill_id", "=", mine).executeTakeFirstOrThrow();
    expect(filed).toMatchObject({ user_id: member.user.id, character_name: member.character!.character_name, kb_total_loss: 12_345_679, srp_status: "Pending", ship_type_id: 587 });
    expect(zkb.log.some((r) => r.path === `/api/killID/${mine}/` && r.headers["user-agent"])).toBe(true);

    const refused = async (who: typeof member, link: string, text: string) => {
      const response = await file(who, link);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(text);
    };
    // The same kill again, by link of either kind.
    await refused(member, `https://esi.evetech.net/latest/killmails/${mine}/${HASH}/`, "This kill has already been filed.");
    await refused(member, `https://zkillboard.com/kill/${theirs}/`, "The victim of this kill is not one of your characters.");
    await refused(member, "https://example.com/kill/1/", "This is not a zKillboard or ESI killmail link.");
    await refused(member, "https://zkillboard.com/kill/777777777/", "zKillboard does not know this kill.");
    expect(Number((await rt.db.selectFrom("srp_requests").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n)).toBe(1);

    // Members cannot manage.
    expect((await member.browser.get(`/srp/fleet/${fleet.id}`)).status).toBe(403);
    expect((await member.post(`/srp/fleet/${fleet.id}`, [["intent", "approve"], ["ids", String(filed.id)]])).status).toBe(403);

    // A wrong amount: 400, the amount as typed beside its request's field, nothing changed.
    const bogus = await manager.post(`/srp/fleet/${fleet.id}`, [["intent", "payout"], ["request", String(filed.id)], ["amount", "bogus"]]);
    expect(bogus.status).toBe(400);
    const bogusPage = await bogus.text();
    expect(bogusPage).toMatch(/aria-describedby="srp-amount-\d+-error"[^>]*value="bogus"/);
    expect(bogusPage).toContain("Enter an amount in ISK, such as 150000000, 150,000,000 or 150m.");
    expect((await rt.db.selectFrom("srp_requests").select("srp_total_amount").where("id", "=", filed.id).executeTakeFirstOrThrow()).srp_total_amount).toBe(0);
    expect((await manager.post(`/srp/fleet/${fleet.id}`, [["intent", "payout"], ["request", String(filed.id)], ["amount", "15m"]])).status).toBe(302);
    expect((await manager.post(`/srp/fleet/${fleet.id}`, [["intent", "approve"], ["ids", String(filed.id)]])).status).toBe(302);
    expect(await rt.db.selectFrom("srp_requests").select(["srp_status", "srp_total_amount"]).where("id", "=", filed.id).executeTakeFirstOrThrow()).toEqual({ srp_status: "Approved", srp_total_amount: 15_000_000 });
    const note = await rt.db.selectFrom("notifications").selectAll().where("user_id", "=", member.user.id).executeTakeFirstOrThrow();
    expect(note.title).toBe("SRP request approved");
    expect(note.message).toContain("15,000,000 ISK");
    expect(await auditCount(rt.db, { action: "srp.request_approved", id: String(filed.id) })).toBe(1);

    // Totals render on the server (no JavaScript needed).
    const page = await html(manager.browser.get(`/srp/fleet/${fleet.id}`));
    expect(page).toMatch(/data-testid="srp-total-approved"[^>]*>15,000,000 ISK/);
    expect(page).toMatch(/data-testid="srp-total-requested"[^>]*>12,345,679 ISK/);
    expect(await html(member.browser.get("/srp"))).toContain("Approved");

    // A second loss, rejected: the member is told.
    const second = mine + 3;
    fake.addKillmail({ id: second, hash: HASH, victimCharacterId: member.character!.character_id, shipTypeId: 24690, solarSystemId: 30000142, time: Date.now() });
    zkb.addKill({ id: second, hash: HASH, totalValue: 40_000_000 });
    expect((await file(member, `https://esi.evetech.net/latest/killmails/${second}/${HASH}/`)).status).toBe(302);
    const secondRow = await rt.db.selectFrom("srp_requests").selectAll().where("kill_id", "=", second).executeTakeFirstOrThrow();
    expect(secondRow.srp_ship_name).toBe("Hurricane");
    expect((await manager.post(`/srp/fleet/${fleet.id}`, [["intent", "reject"], ["ids", String(secondRow.id)]])).status).toBe(302);
    expect((await rt.db.selectFrom("srp_requests").select("srp_status").where("id", "=", secondRow.id).executeTakeFirstOrThrow()).srp_status).toBe("Rejected");
    const rejected = await rt.db.selectFrom("notifications").selectAll().where("user_id", "=", member.user.id).where("title", "=", "SRP request rejected").executeTakeFirstOrThrow();
    expect(rejected.message).toContain("Hurricane");
    // Rejected payouts are not in the approved total; every loss is in the requested one.
    const after = await html(manager.browser.get(`/srp/fleet/${fleet.id}`));
    expect(after).toMatch(/data-testid="srp-total-approved"[^>]*>15,000,000 ISK/);
    expect(after).toMatch(/data-testid="srp-total-requested"[^>]*>52,345,679 ISK/);

    // A completed fleet takes no more requests.
    expect((await manager.post(`/srp/fleet/${fleet.id}`, [["intent", "complete"]])).status).toBe(302);
    zkb.addKill({ id: mine + 2, hash: HASH, totalValue: 5 });
    await refused(member, `https://zkillboard.com/kill/${mine + 2}/`, "This SRP fleet is completed");
  });

  it.skipIf(skip)("switched off (APPS_DISABLED=srp) its pages are 404 and it leaves the menu", async () => {
    const member = await pilot(rt, server.origin, { permissions: ["srp.access_srp"] });
    expect(await html(member.browser.get("/dashboard"))).toContain('href="/srp"');
    rt.settings.APPS_DISABLED = "srp";
    try {
      expect((await member.browser.get("/srp")).status).toBe(404);
      expect(await html(member.browser.get("/dashboard"))).not.toContain('href="/srp"');
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });
});
