/**
 * Corp stats (the original's corputils) on both dialects, against the fake EVE: adding with a
 * member's token (the add-character SSO round trip with the membership scope), the three lists and
 * the search over HTTP, who sees which corporation (the original's visible_to), updates that
 * replace the member list, and the failure cases that remove the stats and tell the owner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateCorpStats, visibleCorpStats } from "~/apps/corputils/corpstats.server";
import { MEMBERSHIP_SCOPE } from "~/apps/corputils/permissions";
import { corputilsTasks, UPDATE_ALL_TASK, UPDATE_TASK } from "~/apps/corputils/tasks.server";
import { relayOutbox } from "~/modules/jobs/enqueue.server";
import { systemActor } from "~/modules/audit/audit.server";
import { EsiClient } from "~/modules/eve/esi-client.server";
import { addCharacterWithSso, characterLoader } from "~/modules/eve/sso-actions.server";
import { getEffectivePermissions } from "~/modules/auth/permissions.server";
import { scheduleFor } from "../../jobs/crontab";
import { DEMO } from "../fakes/eve/demo";
import type { FakeEve } from "../fakes/eve/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve, completedSso } from "../support/eve";
import { makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { html as rawHtml } from "../support/pilots";
import { auditCount, grant, signedIn } from "../support/sessions";

/** A page's HTML without React's text separators (`<!-- -->`), so rendered text reads as one string. */
const html = async (response: Response | Promise<Response>) => (await rawHtml(response)).replaceAll("<!-- -->", "");

const C = DEMO.characters;
const CORP = DEMO.corporations;
const VIEW_CORP = "corputils.view_corp_corpstats";
const VIEW_ALLIANCE = "corputils.view_alliance_corpstats";
const VIEW_STATE = "corputils.view_state_corpstats";
const ADD = "corputils.add_corpstats";

describe.each(dialects)("corp stats on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: FakeEve;
  const ctx = () => ({ db: rt.db, settings: rt.settings });

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    fake = await attachFakeEve(rt);
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    await rt?.stop();
  });

  /** Adds a character to the user's account through the real SSO round trip; returns its token id. */
  async function addCharacter(userId: number, characterId: number, scopes = ["publicData", MEMBERSHIP_SCOPE]) {
    const sso = await completedSso(rt, fake, characterId, "add_character", userId, scopes);
    await addCharacterWithSso(rt.db, rt.settings, sso, userId, systemActor("test"), characterLoader(rt.db, rt.settings));
    const token = await rt.db.selectFrom("esi_tokens").select("id").where("character_id", "=", characterId).where("user_id", "=", userId).orderBy("id", "desc").executeTakeFirstOrThrow();
    return token.id;
  }

  /** A signed-in member owning these characters of the demo world (the first is the main). */
  async function member(characterIds: number[], permissions: string[], fields: { is_superuser?: boolean } = {}) {
    const user = await makeUser(rt.db, fields);
    const tokens: number[] = [];
    for (const id of characterIds) tokens.push(await addCharacter(user.id, id));
    if (characterIds.length) {
      const main = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterIds[0]).executeTakeFirstOrThrow();
      await rt.db.updateTable("users").set({ main_character_id: main.id }).where("id", "=", user.id).execute();
    }
    await grant(rt.db, user.id, ...permissions);
    return { user, tokens, ...(await signedIn(rt, server.origin, user)) };
  }

  /** A user whose main is a stored character (not in the fake) of this corporation and alliance. */
  async function viewer(corporationId: number, allianceId: number | null, permissions: string[], stateId: number | null = null) {
    const user = await makeUser(rt.db);
    const characterId = 91_000_000 + user.id;
    await rt.db
      .insertInto("eve_characters")
      .values({ character_id: characterId, character_name: `Viewer ${user.id}`, corporation_id: corporationId, corporation_name: "x", corporation_ticker: "X", alliance_id: allianceId, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
      .execute();
    const row = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
    await rt.db.updateTable("users").set({ main_character_id: row.id, state_id: stateId }).where("id", "=", user.id).execute();
    await grant(rt.db, user.id, ...permissions);
    return user;
  }

  const visibleTo = async (user: { id: number; is_superuser: boolean }) =>
    (await visibleCorpStats(rt.db, { ...user, permissions: await getEffectivePermissions(rt.db, { ...user, is_active: true } as never) })).map((s) => s.corporation_id).sort();
  const members = async (corporationId: number) =>
    (await rt.db.selectFrom("corputils_members as m").innerJoin("corputils_corpstats as cs", "cs.id", "m.corpstats_id").select(["m.character_id", "m.character_name"]).where("cs.corporation_id", "=", corporationId).orderBy("m.character_id").execute()).map((m) => [Number(m.character_id), m.character_name]);
  const statsId = async (corporationId: number) => (await rt.db.selectFrom("corputils_corpstats").select("id").where("corporation_id", "=", corporationId).executeTakeFirst())?.id ?? null;
  const notes = (userId: number) => rt.db.selectFrom("notifications").select(["title", "message", "level"]).where("user_id", "=", userId).orderBy("id").execute();

  let alice: Awaited<ReturnType<typeof member>>;
  let bob: Awaited<ReturnType<typeof member>>;
  let carol: Awaited<ReturnType<typeof member>>;

  it.skipIf(skip)("a member adds their corporation's stats with a token holding the membership scope, and sees mains, members and unregistered", async () => {
    alice = await member([C.aliceMain], [ADD, VIEW_CORP]);
    // The add page lists the tokens with the scope, and offers the SSO round trip for a new one.
    const page = await html(alice.browser.get("/corpstats/add"));
    expect(page).toContain('data-testid="use-token-90000001"');
    const sso = await alice.post("/corpstats/add", [["intent", "sso"]]);
    expect(sso.status).toBe(302);
    const authorize = new URL(sso.headers.get("location")!);
    expect(authorize.searchParams.get("scope")).toBe(MEMBERSHIP_SCOPE);

    const added = await alice.post("/corpstats/add", [["intent", "use"], ["token", String(alice.tokens[0])]]);
    expect(added.status).toBe(302);
    expect(added.headers.get("location")).toBe(`/corpstats/${CORP.logistics}`);
    expect(await members(CORP.logistics)).toEqual([
      [C.aliceMain, "Aria Solenne"],
      [C.aliceAlt, "Kaito Varn"],
    ]);
    const id = (await statsId(CORP.logistics))!;
    expect(await auditCount(rt.db, { action: "corputils.corpstats_added", id: String(id) })).toBe(1);
    expect(await auditCount(rt.db, { action: "corputils.corpstats_updated", id: String(id) })).toBe(1);

    // /corpstats shows the only visible one.
    const index = await alice.browser.get("/corpstats");
    expect(index.status).toBe(302);
    expect(index.headers.get("location")).toBe(`/corpstats/${CORP.logistics}`);

    const mains = await html(alice.browser.get(`/corpstats/${CORP.logistics}`));
    expect(mains).toContain('data-testid="main-90000001"');
    expect(mains).toContain("images.evetech.net/characters/90000001/portrait");
    expect(mains).toMatch(/Mains \(1\)[\s\S]*Members \(2\)[\s\S]*Unregistered \(1\)/);
    const unregistered = await html(alice.browser.get(`/corpstats/${CORP.logistics}?view=unregistered`));
    expect(unregistered).toContain('data-testid="member-90000002"');
    expect(unregistered).not.toContain('data-testid="member-90000001"');
    const all = await html(alice.browser.get(`/corpstats/${CORP.logistics}?view=members&sort=name&dir=desc`));
    expect(all.indexOf("Kaito Varn")).toBeLessThan(all.indexOf("Aria Solenne"));
    expect(all).toContain("Not registered");
    // Filter and page size.
    const filtered = await html(alice.browser.get(`/corpstats/${CORP.logistics}?view=members&q=kaito&size=25`));
    expect(filtered).toContain("Kaito Varn");
    expect(filtered).not.toContain('data-testid="member-90000001"');
    expect((await alice.browser.get(`/corpstats/${CORP.logistics}?view=bogus`)).status).toBe(400);
    expect((await alice.browser.get(`/corpstats/${CORP.logistics}?size=7`)).status).toBe(400);

    // The alt registers: the main lists both characters, nobody is unregistered.
    await addCharacter(alice.user.id, C.aliceAlt);
    const after = await html(alice.browser.get(`/corpstats/${CORP.logistics}`));
    expect(after).toMatch(/data-testid="alts-90000001"[\s\S]*Aria Solenne[\s\S]*Kaito Varn/);
    expect(after).toMatch(/Unregistered \(0\)/);

    // One per corporation; someone else's token is not a choice.
    const again = await alice.post("/corpstats/add", [["intent", "use"], ["token", String(alice.tokens[0])]]);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already has corporation stats");
    bob = await member([C.bobMain], [ADD]);
    expect((await bob.post("/corpstats/add", [["intent", "use"], ["token", String(alice.tokens[0])]])).status).toBe(400);
    expect((await bob.post("/corpstats/add", [["intent", "use"], ["token", "abc"]])).status).toBe(400);
    expect((await bob.post("/corpstats/add", [["intent", "nope"]])).status).toBe(400);
  });

  it.skipIf(skip)("who sees which corporation: own token, corporation, alliance, state, superuser; pages answer 403/404 accordingly", async () => {
    // Stats for every demo corporation: Meridian Logistics and Deep Core (alliance Meridian), Ashen Vanguard (Covenant), Lone Prospectors (none).
    expect((await bob.post("/corpstats/add", [["intent", "use"], ["token", String(bob.tokens[0])]])).status).toBe(302);
    carol = await member([C.carolMain, C.carolCyno], [ADD]);
    expect((await carol.post("/corpstats/add", [["intent", "use"], ["token", String(carol.tokens[0])]])).status).toBe(302);
    expect((await carol.post("/corpstats/add", [["intent", "use"], ["token", String(carol.tokens[1])]])).status).toBe(302);
    const all = [CORP.logistics, CORP.mining, CORP.vanguard, CORP.prospectors].sort();

    const admin = await makeUser(rt.db, { is_superuser: true });
    expect(await visibleTo(admin)).toEqual(all);
    // Token owners see their own without any view permission (carol: two corporations).
    expect(await visibleTo(carol.user)).toEqual([CORP.vanguard, CORP.prospectors].sort());
    expect(await visibleTo(bob.user)).toEqual([CORP.mining]);
    // view_corp: the main's corporation.
    expect(await visibleTo(await viewer(CORP.logistics, DEMO.alliances.meridian, [VIEW_CORP]))).toEqual([CORP.logistics]);
    // view_alliance: the main's alliance (and with view_corp too, still the alliance).
    expect(await visibleTo(await viewer(CORP.logistics, DEMO.alliances.meridian, [VIEW_ALLIANCE]))).toEqual([CORP.logistics, CORP.mining].sort());
    expect(await visibleTo(await viewer(CORP.logistics, DEMO.alliances.meridian, [VIEW_ALLIANCE, VIEW_CORP]))).toEqual([CORP.logistics, CORP.mining].sort());
    // … or the corporation when the main has no alliance.
    expect(await visibleTo(await viewer(CORP.prospectors, null, [VIEW_ALLIANCE]))).toEqual([CORP.prospectors]);
    // view_state: the state's member corporations and alliances.
    await rt.db.insertInto("states").values({ name: "Corpstats State", priority: 55, public: false }).execute();
    const state = (await rt.db.selectFrom("states").select("id").where("name", "=", "Corpstats State").executeTakeFirstOrThrow()).id;
    await rt.db.insertInto("state_member_corporations").values({ state_id: state, corporation_id: CORP.vanguard }).execute();
    await rt.db.insertInto("state_member_alliances").values({ state_id: state, alliance_id: DEMO.alliances.meridian }).execute();
    expect(await visibleTo(await viewer(CORP.prospectors, null, [VIEW_STATE], state))).toEqual([CORP.logistics, CORP.mining, CORP.vanguard].sort());
    // A view permission in another corporation, or no main at all: nothing.
    expect(await visibleTo(await viewer(98_999_999, null, [VIEW_CORP]))).toEqual([]);
    const mainless = await makeUser(rt.db);
    await grant(rt.db, mainless.id, VIEW_STATE, VIEW_ALLIANCE, VIEW_CORP);
    expect(await visibleTo(mainless)).toEqual([]);

    // Over HTTP: hidden is 403, unknown is 404, no corp stats permission at all is 403.
    const corpViewer = await signedIn(rt, server.origin, await viewer(CORP.logistics, DEMO.alliances.meridian, [VIEW_CORP]));
    expect((await corpViewer.browser.get(`/corpstats/${CORP.logistics}`)).status).toBe(200);
    expect((await corpViewer.browser.get(`/corpstats/${CORP.mining}`)).status).toBe(403);
    expect((await corpViewer.post(`/corpstats/${CORP.mining}`, [["intent", "update"]])).status).toBe(403);
    expect((await corpViewer.browser.get("/corpstats/98999999")).status).toBe(404);
    expect((await corpViewer.browser.get("/corpstats/add")).status).toBe(403);
    const nobody = await signedIn(rt, server.origin, await viewer(CORP.logistics, null, []));
    expect((await nobody.browser.get("/corpstats")).status).toBe(403);
    expect(await html(nobody.browser.get("/dashboard"))).not.toContain('href="/corpstats"');
    expect(await html(corpViewer.browser.get("/dashboard"))).toContain('href="/corpstats"');
    // More than one visible and the main's corporation among them: that one; else the bar to choose from.
    const superuser = await signedIn(rt, server.origin, admin);
    const chooser = await superuser.browser.get("/corpstats");
    expect(chooser.status).toBe(200);
    expect(await chooser.text()).toContain(`data-testid="corpstats-corp-${CORP.vanguard}"`);
  });

  it.skipIf(skip)("the search covers every corporation the viewer may see, and no other", async () => {
    const allianceViewer = await signedIn(rt, server.origin, await viewer(CORP.logistics, DEMO.alliances.meridian, [VIEW_ALLIANCE]));
    // "r" matches Aria Solenne, Kaito Varn? no: Brannoc Ydris, Ore Whisperer (mining), Carys O'Daire (vanguard, hidden).
    const page = await html(allianceViewer.browser.get("/corpstats/search?q=r"));
    expect(page).toContain('data-testid="result-90000001"');
    expect(page).toContain('data-testid="result-90000004"');
    expect(page).toContain('data-testid="result-90000005"');
    expect(page).not.toContain('data-testid="result-90000006"');
    const superuser = await signedIn(rt, server.origin, await makeUser(rt.db, { is_superuser: true }));
    expect(await html(superuser.browser.get("/corpstats/search?q=carys"))).toContain('data-testid="result-90000006"');
    // LIKE wildcards match literally.
    expect(await html(superuser.browser.get("/corpstats/search?q=%25"))).not.toContain('data-testid="result-');
    expect(await html(superuser.browser.get("/corpstats/search"))).toContain("Type part of a character name");
  });

  it.skipIf(skip)("an update replaces the member list: joiners in, leavers out, names in bulk batches of 1,000", async () => {
    // 1,500 new members of Meridian Logistics; Kaito Varn leaves for Deep Core.
    for (let i = 0; i < 1500; i++) fake.addCharacter({ id: 93_000_000 + i, name: `Recruit ${i}`, corporationId: CORP.logistics, accountId: DEMO.accounts.bob });
    fake.setCharacterCorporation(C.aliceAlt, CORP.mining);
    const esi = new EsiClient(rt.db, rt.settings);
    const outcome = await updateCorpStats(ctx(), (await statsId(CORP.logistics))!, systemActor("test"), esi);
    // Affiliation check, member list, two name batches.
    expect(outcome).toEqual({ kind: "updated", members: 1501, esiCalls: 4 });
    const list = await members(CORP.logistics);
    expect(list).toHaveLength(1501);
    expect(list.map(([id]) => id)).not.toContain(C.aliceAlt);
    expect(list).toContainEqual([93_001_499, "Recruit 1499"]);
    // Paged: 50 a page by default, the pager shows the range.
    const page2 = await html(alice.browser.get(`/corpstats/${CORP.logistics}?view=unregistered&page=2`));
    expect(page2).toContain("51–100 of 1500");

    // The button does the same, for anyone who may see the stats.
    fake.setCharacterCorporation(C.aliceAlt, CORP.logistics);
    const button = await alice.post(`/corpstats/${CORP.logistics}`, [["intent", "update"]]);
    expect(button.status).toBe(302);
    expect(button.headers.get("location")).toBe(`/corpstats/${CORP.logistics}`);
    expect(await members(CORP.logistics)).toHaveLength(1502);
    expect((await alice.post(`/corpstats/${CORP.logistics}`, [["intent", "other"]])).status).toBe(400);

    // ESI down: nothing changes, the stats stay.
    fake.setEsiFault({ status: 503, times: 5, path: /members/ });
    const down = await alice.post(`/corpstats/${CORP.logistics}`, [["intent", "update"]]);
    fake.setEsiFault(null);
    expect(down.headers.get("location")).toBe(`/corpstats/${CORP.logistics}`);
    expect(await members(CORP.logistics)).toHaveLength(1502);

    // The scheduled job runs the same update.
    await corputilsTasks[UPDATE_TASK].run({ corpstatsId: (await statsId(CORP.logistics))! }, null);
    expect(await auditCount(rt.db, { action: "corputils.corpstats_updated", id: String(await statsId(CORP.logistics)) })).toBe(4);
    // The schedule's task queues one update per corporation, de-duplicated.
    expect(await corputilsTasks[UPDATE_ALL_TASK].run({}, null)).toEqual({ enqueued: 4 });
    expect(await corputilsTasks[UPDATE_ALL_TASK].run(null, null)).toEqual({ enqueued: 4 });
    if (!rt.queueShared) while ((await relayOutbox(rt.db, rt.queuePool)) > 0);
    const { rows: jobs } = await rt.queuePool.query<{ key: string; priority: number }>("select key, priority from graphile_worker.jobs where task_identifier = $1", [UPDATE_TASK]);
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.priority === 7 && j.key.startsWith(`${UPDATE_TASK}:`))).toBe(true);
  });

  it.skipIf(skip)("failures remove the stats and tell the owner: the character left, the token is gone or refused, ESI answers 403", async () => {
    // Brannoc Ydris leaves Deep Core Extraction.
    fake.setCharacterCorporation(C.bobMain, CORP.prospectors);
    expect(await updateCorpStats(ctx(), (await statsId(CORP.mining))!, systemActor("test"))).toEqual({ kind: "removed", reason: "left" });
    expect(await statsId(CORP.mining)).toBeNull();
    expect(await notes(bob.user.id)).toEqual([{ title: "Corporation stats for Deep Core Extraction cannot update with your ESI token.", message: "Corporation stats for Deep Core Extraction cannot update with your ESI token as you have left the corporation.", level: "danger" }]);
    expect(await auditCount(rt.db, { action: "corputils.corpstats_removed" })).toBe(1);
    fake.setCharacterCorporation(C.bobMain, CORP.mining);

    // Carol deletes her token: the next update (here through the button) removes Ashen Vanguard's stats.
    await rt.db.deleteFrom("esi_tokens").where("id", "=", carol.tokens[0]).execute();
    const gone = await carol.post(`/corpstats/${CORP.vanguard}`, [["intent", "update"]]);
    expect(gone.status).toBe(302);
    expect(gone.headers.get("location")).toBe("/corpstats");
    expect(await statsId(CORP.vanguard)).toBeNull();
    expect((await notes(carol.user.id))[0]).toMatchObject({ title: "Corporation stats for Ashen Vanguard failed to update with your ESI token.", message: expect.stringContaining("expired or is no longer valid") });

    // The SSO refuses the refresh (revoked): the token goes, and the stats with it.
    fake.revokeCharacterTokens(C.carolCyno);
    await rt.db.updateTable("esi_tokens").set({ refreshed_at: new Date("2020-01-01T00:00:00Z") }).where("id", "=", carol.tokens[1]).execute();
    expect(await updateCorpStats(ctx(), (await statsId(CORP.prospectors))!, systemActor("test"))).toEqual({ kind: "removed", reason: "token" });
    expect(await notes(carol.user.id)).toHaveLength(2);

    // A token whose grant lacks the scope (its row claims it): ESI answers 403, adding fails, the owner is told why.
    const dave = await member([], [ADD]);
    const bare = await addCharacter(dave.user.id, C.bobAlt, ["publicData"]);
    await rt.db.updateTable("esi_tokens").set({ scopes: `${MEMBERSHIP_SCOPE} publicData` }).where("id", "=", bare).execute();
    expect((await statsId(CORP.mining))).toBeNull();
    const refused = await dave.post("/corpstats/add", [["intent", "use"], ["token", String(bare)]]);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Failed to gather corporation statistics");
    expect(await statsId(CORP.mining)).toBeNull();
    expect(await notes(dave.user.id)).toEqual([{ title: "Corporation stats for Deep Core Extraction failed to update with your ESI token.", message: "403: token not valid for scope", level: "danger" }]);
    expect(await auditCount(rt.db, { action: "corputils.corpstats_removed" })).toBe(4);
  });

  it.skipIf(skip)("scheduled every six hours while on; switched off (APPS_DISABLED=corputils) its pages are 404, its menu entry and schedule go", async () => {
    expect(scheduleFor(rt.settings).map((e) => e.identifier)).toContain("update_all_corpstats");
    expect((await alice.browser.get(`/corpstats/${CORP.logistics}`)).status).toBe(200);
    rt.settings.APPS_DISABLED = "corputils";
    try {
      expect((await alice.browser.get(`/corpstats/${CORP.logistics}`)).status).toBe(404);
      expect(await html(alice.browser.get("/dashboard"))).not.toContain('href="/corpstats"');
      expect(scheduleFor(rt.settings).map((e) => e.identifier)).not.toContain("update_all_corpstats");
    } finally {
      rt.settings.APPS_DISABLED = "";
    }
  });
});
