/**
 * The admin site on both dialects: a table-driven walk over every registered resource and action
 * (permission check + audit row), the staff limits against crafted requests, lists, CSV, bulk jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, saveConfig } from "~/apps/autogroups/configs.server";
import { systemActor } from "~/modules/audit/audit.server";
import { runBulkAction } from "~/modules/admin/bulk.server";
import { permissionFor, type Verb } from "~/modules/admin/registry.server";
import { adminResources } from "~/modules/admin/resources/index.server";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { upsertAlliance, upsertCharacter, upsertCorporation, upsertFaction } from "~/modules/eve/entities.server";
import { insertReturningId } from "../../db/dialect";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

type Pairs = [string, string][];

const CORP = 98200001;
const ALLIANCE = 99200001;
const FACTION = 500003;

describe.each(dialects)("admin site on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let n = 0;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    server = await startTestServer(rt);
    await upsertFaction(rt.db, { faction_id: FACTION, name: "Amarr Empire" });
    await upsertAlliance(rt.db, { alliance_id: ALLIANCE, alliance_name: "Admin Alliance", alliance_ticker: "ADM", executor_corp_id: null });
    await upsertCorporation(rt.db, { corporation_id: CORP, corporation_name: "Admin Corp", corporation_ticker: "ADMC", member_count: 5, ceo_id: null, alliance_id: ALLIANCE, faction_id: null });
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  async function browserFor(user: { id: number; is_staff: boolean; is_superuser: boolean }) {
    const token = await createSession(rt.db, rt.settings, user, {});
    const browser = new Browser(server.origin);
    browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
    const csrf = await browser.csrfFrom("/dashboard");
    return { browser, csrf };
  }
  async function post(b: { browser: Browser; csrf: string }, path: string, pairs: Pairs) {
    const body = new URLSearchParams([["csrf", b.csrf], ...pairs]);
    const response = await fetch(server.origin + path, { method: "POST", headers: { cookie: b.browser.cookieHeader(), origin: server.origin, "content-type": "application/x-www-form-urlencoded" }, body: body.toString(), redirect: "manual" });
    return response;
  }
  async function staffWith(...keys: string[]) {
    const user = await makeUser(rt.db, { is_staff: true });
    for (const key of keys) await rt.db.insertInto("user_permissions").values({ user_id: user.id, permission_id: await permissionId(rt.db, key) }).execute();
    return { user, ...(await browserFor(user)) };
  }
  const auditCount = async (where: { type?: string; id?: string; action?: string; actor?: number }) => {
    let q = rt.db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n"));
    if (where.type) q = q.where("target_type", "=", where.type);
    if (where.id) q = q.where("target_id", "=", where.id);
    if (where.action) q = q.where("action", "=", where.action);
    if (where.actor) q = q.where("actor_user_id", "=", where.actor);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const denials = (actor: number) => auditCount({ action: "authz.denied", actor });

  /** One object of each resource, and the forms that create and change one. */
  async function fixture(key: string): Promise<{ id: string; create?: Pairs; change?: Pairs }> {
    const k = ++n;
    switch (key) {
      case "users": {
        const u = await makeUser(rt.db);
        return { id: String(u.id), create: [["_fields", "username"], ["_fields", "is_active"], ["username", `created_${k}`], ["is_active", "on"]], change: [["_fields", "username"], ["username", `renamed_${k}`]] };
      }
      case "states": {
        await rt.db.insertInto("states").values({ name: `S${k}`, priority: 1000 + k, public: false }).execute();
        const s = await rt.db.selectFrom("states").select("id").where("name", "=", `S${k}`).executeTakeFirstOrThrow();
        return { id: String(s.id), create: [["_fields", "name"], ["_fields", "priority"], ["name", `New${k}`], ["priority", String(2000 + k)]], change: [["_fields", "priority"], ["name", `S${k}`], ["priority", String(3000 + k)]] };
      }
      case "groups": {
        const g = await makeGroup(rt.db);
        return { id: String(g.id), create: [["_fields", "name"], ["name", `Created group ${k}`]], change: [["_fields", "description"], ["description", "changed"]] };
      }
      case "reserved-group-names": {
        await rt.db.insertInto("reserved_group_names").values({ name: `reserved${k}`, reason: "test", created_by: "test", created_at: new Date() }).execute();
        const r = await rt.db.selectFrom("reserved_group_names").select("id").where("name", "=", `reserved${k}`).executeTakeFirstOrThrow();
        return { id: String(r.id), create: [["name", `newreserved${k}`], ["reason", "why not"]] };
      }
      case "characters":
        return { id: String((await character(k)).id) };
      case "corporations":
        await upsertCorporation(rt.db, { corporation_id: 98300000 + k, corporation_name: `Corp ${k}`, corporation_ticker: "C", member_count: 1, ceo_id: null, alliance_id: null, faction_id: null });
        return { id: String(98300000 + k) };
      case "alliances":
        await upsertAlliance(rt.db, { alliance_id: 99300000 + k, alliance_name: `Alliance ${k}`, alliance_ticker: "A", executor_corp_id: null });
        return { id: String(99300000 + k) };
      case "factions":
        await upsertFaction(rt.db, { faction_id: 500100 + k, name: `Faction ${k}` });
        return { id: String(500100 + k) };
      case "ownership-records": {
        const c = await character(k);
        const u = await makeUser(rt.db);
        await rt.db.insertInto("ownership_records").values({ character_id: c.id, owner_hash: `hash${k}`, user_id: u.id, created_at: new Date() }).execute();
        return { id: String((await rt.db.selectFrom("ownership_records").select("id").where("owner_hash", "=", `hash${k}`).executeTakeFirstOrThrow()).id) };
      }
      case "tokens": {
        const u = await makeUser(rt.db);
        await rt.db
          .insertInto("esi_tokens")
          .values({ user_id: u.id, character_id: 93000000 + k, character_name: `Token ${k}`, character_owner_hash: `th${k}`, token_type: "character", scopes: "publicData", access_token: "SECRET-ACCESS", refresh_token: "SECRET-REFRESH", key_id: "k", created_at: new Date(), refreshed_at: new Date() })
          .execute();
        return { id: String((await rt.db.selectFrom("esi_tokens").select("id").where("character_owner_hash", "=", `th${k}`).executeTakeFirstOrThrow()).id) };
      }
      case "notifications": {
        const u = await makeUser(rt.db);
        await rt.db.insertInto("notifications").values({ user_id: u.id, level: "info", title: `Note ${k}`, message: "m", viewed: false, created_at: new Date() }).execute();
        return { id: String((await rt.db.selectFrom("notifications").select("id").where("title", "=", `Note ${k}`).executeTakeFirstOrThrow()).id) };
      }
      case "group-request-logs": {
        const g = await makeGroup(rt.db);
        await rt.db.insertInto("group_request_logs").values({ group_id: g.id, request_type: "join", request_info: `info${k}`, requestor_id: null, action: true, request_actor_id: null, created_at: new Date() }).execute();
        return { id: String((await rt.db.selectFrom("group_request_logs").select("id").where("request_info", "=", `info${k}`).executeTakeFirstOrThrow()).id) };
      }
      case "permissions":
        return { id: String(await permissionId(rt.db, "auth.view_user")) };
      case "name-formats": {
        await rt.db.insertInto("service_name_formats").values({ service: `svc${k}`, format: "{character_name}", default_to_username: false }).execute();
        const row = await rt.db.selectFrom("service_name_formats").select("id").where("service", "=", `svc${k}`).executeTakeFirstOrThrow();
        const fields: Pairs = [["_fields", "service"], ["_fields", "format"], ["_fields", "default_to_username"], ["_fields", "stateIds"], ["_fields", "previewUserId"]];
        return { id: String(row.id), create: [...fields, ["service", String(k % 9)], ["format", `[{corp_ticker}] {character_name} ${k}`]], change: [...fields, ["service", String(k % 9)], ["format", `{character_name} ${k}`]] };
      }
      case "announcements": {
        await rt.db.insertInto("announcements").values({ title: `News ${k}`, message: "m", level: "info", starts_at: new Date(), ends_at: null, created_at: new Date(), created_by: null }).execute();
        const row = await rt.db.selectFrom("announcements").select("id").where("title", "=", `News ${k}`).executeTakeFirstOrThrow();
        const fields: Pairs = ["title", "message", "level", "startsAt", "endsAt", "stateIds", "groupIds"].map((f) => ["_fields", f]);
        return { id: String(row.id), create: [...fields, ["title", `Posted ${k}`], ["message", "hello"], ["level", "2"], ["startsAt", "2026-01-01 10:00"]], change: [...fields, ["title", `Changed ${k}`], ["message", "hi"], ["level", "1"], ["startsAt", "2026-01-01 10:00"], ["endsAt", "2027-01-01 10:00"]] };
      }
      case "teamspeak3-auth-groups":
      case "teamspeak3-state-groups": {
        const sgids = [700 + 2 * k, 701 + 2 * k];
        await rt.db.insertInto("ts3_server_groups").values(sgids.map((sgid) => ({ sgid, name: `TS ${sgid}` }))).execute();
        const state = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
        if (key === "teamspeak3-state-groups") {
          await rt.db.insertInto("ts3_state_groups").values({ state_id: state, sgid: sgids[0] }).execute();
          const row = await rt.db.selectFrom("ts3_state_groups").select("id").where("sgid", "=", sgids[0]).executeTakeFirstOrThrow();
          return { id: String(row.id), create: [["_fields", "state_id"], ["_fields", "sgid"], ["state_id", String(state)], ["sgid", String(sgids[1])]] };
        }
        const [mapped, free] = [await makeGroup(rt.db), await makeGroup(rt.db)];
        await rt.db.insertInto("ts3_auth_groups").values({ group_id: mapped.id }).execute();
        const row = await rt.db.selectFrom("ts3_auth_groups").select("id").where("group_id", "=", mapped.id).executeTakeFirstOrThrow();
        await rt.db.insertInto("ts3_auth_group_server_groups").values({ auth_ts_id: row.id, sgid: sgids[0] }).execute();
        const fields: Pairs = [["_fields", "group_id"], ["_fields", "sgids"]];
        return { id: String(row.id), create: [...fields, ["group_id", String(free.id)], ["sgids", String(sgids[0])], ["sgids", String(sgids[1])]], change: [...fields, ["group_id", String(mapped.id)], ["sgids", String(sgids[1])]] };
      }
      case "autogroups": {
        const id = await saveConfig(rt.db, null, { ...DEFAULT_CONFIG, corp_group_prefix: `Corp${k} ` }, systemActor("test"));
        const fields: Pairs = [["_fields", "stateIds"], ["_fields", "corp_groups"], ["_fields", "corp_group_prefix"], ["_fields", "corp_name_source"], ["_fields", "alliance_name_source"]];
        return { id: String(id), create: [...fields, ["corp_group_prefix", `New${k} `], ["corp_name_source", "2"], ["alliance_name_source", "1"]], change: [...fields, ["corp_groups", "on"], ["corp_group_prefix", `Changed${k} `], ["corp_name_source", "1"], ["alliance_name_source", "1"]] };
      }
      case "timers": {
        await rt.db.insertInto("timerboard_timers").values({ details: `timer${k}`, system: "Jita", planet_moon: "", structure: "POCO", timer_type: "HULL", objective: "Hostile", eve_time: new Date(), important: false, corp_timer: false, eve_character_id: null, character_name: null, corporation_id: null, corporation_name: null, user_id: null, created_at: new Date() }).execute();
        return { id: String((await rt.db.selectFrom("timerboard_timers").select("id").where("details", "=", `timer${k}`).executeTakeFirstOrThrow()).id) };
      }
      case "corpstats": {
        const corporationId = 98_700_000 + k;
        await rt.db.insertInto("eve_corporations").values({ corporation_id: corporationId, corporation_name: `Stats Corp ${k}`, corporation_ticker: `SC${k}`, member_count: 1, ceo_id: null, alliance_id: null, faction_id: null, updated_at: new Date() }).execute();
        const id = await insertReturningId(rt.db, "corputils_corpstats", { corporation_id: corporationId, token_id: null, owner_id: null, created_at: new Date(), last_update: new Date() });
        await rt.db.insertInto("corputils_members").values({ corpstats_id: id, character_id: 94_100_000 + k, character_name: `Member ${k}` }).execute();
        return { id: String(id) };
      }
      case "menu": {
        await rt.db.insertInto("menu_items").values({ source_id: null, default_label: null, label: `Folder ${k}`, url: null, icon: null, sort_order: 500 + k, parent_id: null, is_hidden: false }).execute();
        const row = await rt.db.selectFrom("menu_items").select("id").where("label", "=", `Folder ${k}`).executeTakeFirstOrThrow();
        const fields: Pairs = ["label", "url", "icon", "parent", "order", "hidden"].map((f) => ["_fields", f]);
        return { id: String(row.id), create: [...fields, ["label", `Wiki ${k}`], ["url", "https://wiki.example.org/"], ["icon", "2"], ["order", "700"]], change: [...fields, ["label", `Renamed ${k}`], ["order", "650"]] };
      }
      case "example-greetings": {
        await rt.db.insertInto("example_greetings").values({ text: `Hi ${k}`, created_at: new Date() }).execute();
        const row = await rt.db.selectFrom("example_greetings").select("id").where("text", "=", `Hi ${k}`).executeTakeFirstOrThrow();
        return { id: String(row.id), create: [["text", `Hello ${k}`]], change: [["text", `Hey ${k}`]] };
      }
      case "hr-questions": {
        const id = await insertReturningId(rt.db, "hrapplications_questions", { title: `Question ${k}`, help_text: "", multi_select: false });
        const fields: Pairs = ["title", "help_text", "multi_select", "choices"].map((f) => ["_fields", f]);
        return { id: String(id), create: [...fields, ["title", `Asked ${k}`], ["choices", "Yes\nNo"]], change: [...fields, ["title", `Reworded ${k}`], ["multi_select", "on"], ["choices", "A\nB\nC"]] };
      }
      case "hr-forms": {
        const corp = async (id: number) => {
          await upsertCorporation(rt.db, { corporation_id: id, corporation_name: `HR Corp ${id}`, corporation_ticker: "H", member_count: 1, ceo_id: null, alliance_id: null, faction_id: null });
          return String(id);
        };
        const question = String(await insertReturningId(rt.db, "hrapplications_questions", { title: `Form question ${k}`, help_text: "", multi_select: false }));
        const id = await insertReturningId(rt.db, "hrapplications_forms", { corporation_id: Number(await corp(98400000 + 3 * k)), corporation_name: `HR Corp ${98400000 + 3 * k}` });
        const fields: Pairs = [["_fields", "corporation"], ["_fields", "questions"]];
        return { id: String(id), create: [...fields, ["corporation", await corp(98400001 + 3 * k)], ["questions", question]], change: [...fields, ["corporation", await corp(98400002 + 3 * k)], ["questions", question]] };
      }
      case "optimer-types": {
        await rt.db.insertInto("optimer_types").values({ type: `Op type ${k}` }).execute();
        const row = await rt.db.selectFrom("optimer_types").select("id").where("type", "=", `Op type ${k}`).executeTakeFirstOrThrow();
        return { id: String(row.id), create: [["type", `New op type ${k}`]], change: [["type", `Renamed op type ${k}`]] };
      }
      case "fatlinks":
      case "fats": {
        const u = await makeUser(rt.db);
        await rt.db.insertInto("fleetactivitytracking_fatlinks").values({ fleet: `Fleet ${k}`, hash: `fat-${k}`, duration: 30, fatdatetime: new Date(), creator_id: u.id, creator_name: u.username }).execute();
        const link = await rt.db.selectFrom("fleetactivitytracking_fatlinks").select("id").where("hash", "=", `fat-${k}`).executeTakeFirstOrThrow();
        if (key === "fatlinks") return { id: String(link.id), change: [["fleet", `Renamed ${k}`], ["duration", "45"]] };
        const c = await character(k);
        await rt.db.insertInto("fleetactivitytracking_fats").values({ fatlink_id: link.id, character_id: c.id, user_id: u.id, corporation_id: CORP, corporation_name: "Admin Corp", system: "Jita", solar_system_id: 30000142, station: "No Station", shiptype: "Rifter", ship_type_id: 587, created_at: new Date() }).execute();
        return { id: String((await rt.db.selectFrom("fleetactivitytracking_fats").select("id").where("fatlink_id", "=", link.id).executeTakeFirstOrThrow()).id) };
      }
      case "srp-fleets":
      case "srp-requests": {
        const fleet = await insertReturningId(rt.db, "srp_fleets", { fleet_name: `SRP fleet ${k}`, doctrine: "Ferox", fleet_time: new Date(), fleet_srp_code: `srp${k}`, fleet_srp_status: "", fleet_commander_id: null, fleet_commander_name: null, aar_link: "", created_at: new Date() });
        if (key === "srp-fleets") return { id: String(fleet), change: [["fleet_name", `Renamed SRP fleet ${k}`], ["doctrine", "Caracal"], ["aar_link", "https://example.com/aar"]] };
        const [u, c] = [await makeUser(rt.db), await character(k)];
        const request = await insertReturningId(rt.db, "srp_requests", { fleet_id: fleet, user_id: u.id, character_id: c.id, character_name: c.character_name, killboard_link: `https://zkillboard.com/kill/${k}/`, kill_id: 880000 + k, additional_info: "", srp_status: "Pending", srp_total_amount: 0, kb_total_loss: 1000, ship_type_id: 587, srp_ship_name: "Rifter", post_time: new Date() });
        return { id: String(request) };
      }
    }
    throw new Error(`no fixture for ${key}`);
  }
  async function character(k: number) {
    return upsertCharacter(rt.db, { character_id: 94000000 + k, character_name: `Pilot ${k}`, corporation_id: CORP, corporation_name: "Admin Corp", corporation_ticker: "ADMC", alliance_id: ALLIANCE, alliance_name: "Admin Alliance", alliance_ticker: "ADM", faction_id: null, faction_name: null });
  }

  it.skipIf(skip)("only staff open /admin; a staff user with no permissions sees only the permission list", async () => {
    const plain = await browserFor(await makeUser(rt.db));
    expect((await plain.browser.get("/admin")).status).toBe(403);
    const { user, browser } = await staffWith();
    const index = await browser.get("/admin");
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('href="/admin/permissions"');
    expect(html).not.toContain('href="/admin/users"');
    expect((await browser.get("/admin/permissions")).status).toBe(200);
    const before = await denials(user.id);
    expect((await browser.get("/admin/users")).status).toBe(403);
    expect(await denials(user.id)).toBe(before + 1);
    expect((await browser.get("/admin/nope")).status).toBe(404);
  });

  const walked: string[] = [];
  // The table: every registered resource × every action it offers.
  for (const resource of adminResources()) {
    it.skipIf(skip)(`${resource.key}: each action refused without its permission (audited), allowed with it (audited)`, async () => {
      const verbs: Verb[] = ["view", ...(resource.create ? (["add"] as Verb[]) : []), ...(resource.update ? (["change"] as Verb[]) : []), ...(resource.remove ? (["delete"] as Verb[]) : [])];
      for (const verb of verbs) {
        const f = await fixture(resource.key);
        const base = `/admin/${resource.key}`;
        // Without the permission (staff with nothing): 403 and an authz.denied row. The permission list is open to all staff.
        const none = await staffWith();
        const deniedBefore = await denials(none.user.id);
        const attempt =
          verb === "view" ? await none.browser.get(`${base}/${f.id}`) : verb === "add" ? await post(none, `${base}/new`, f.create!) : verb === "change" ? await post(none, `${base}/${f.id}`, f.change!) : await post(none, `${base}/${f.id}/delete`, [["confirm", "yes"]]);
        if (resource.staffVisible && verb === "view") expect(attempt.status, `${resource.key} ${verb}`).toBe(200);
        else {
          expect(attempt.status, `${resource.key} ${verb} without permission`).toBe(403);
          expect(await denials(none.user.id), `${resource.key} ${verb} denial audited`).toBe(deniedBefore + 1);
        }
        // With the permission.
        const allowed = resource.staffVisible && verb === "view" ? await staffWith() : await staffWith(permissionFor(resource, verb));
        if (verb === "view") {
          expect((await allowed.browser.get(base)).status, `${resource.key} list`).toBe(200);
          const detail = await allowed.browser.get(`${base}/${f.id}`);
          expect(detail.status, `${resource.key} detail`).toBe(200);
          const html = await detail.text();
          expect(html).not.toContain("SECRET-");
          expect((await allowed.browser.get(`${base}/${f.id}/history`)).status).toBe(200);
          expect((await allowed.browser.get(`${base}/export`)).status).toBe(200);
          expect((await allowed.browser.get(`${base}/999999999`)).status, `${resource.key} unknown id`).toBe(404);
        } else {
          const before = await auditCount({ type: resource.auditType, actor: allowed.user.id });
          const response =
            verb === "add" ? await post(allowed, `${base}/new`, f.create!) : verb === "change" ? await post(allowed, `${base}/${f.id}`, f.change!) : await post(allowed, `${base}/${f.id}/delete`, [["confirm", "yes"]]);
          expect(response.status, `${resource.key} ${verb}: ${response.status === 400 ? await response.text() : ""}`).toBe(302);
          expect(await auditCount({ type: resource.auditType, actor: allowed.user.id }), `${resource.key} ${verb} audited`).toBeGreaterThan(before);
          if (verb === "delete") expect(await resource.get(rt.db, f.id), `${resource.key} deleted`).toBeNull();
        }
        walked.push(`${resource.key}.${verb}`);
      }
    });
  }
  it.skipIf(skip)("the table covered every resource and action", () => {
    expect(walked).toEqual(expect.arrayContaining(["users.add", "users.change", "users.delete", "states.add", "states.change", "states.delete", "groups.add", "groups.change", "groups.delete", "reserved-group-names.add", "tokens.delete", "permissions.view"]));
    expect(new Set(walked.map((w) => w.split(".")[0])).size).toBe(adminResources().length);
  });

  it.skipIf(skip)("staff limits: crafted escalations get 403 and an audit row; nothing is saved", async () => {
    const staff = await staffWith("auth.change_user", "auth.add_user", "auth.change_group", "authentication.change_state");
    const target = await makeUser(rt.db);
    const restricted = await makeGroup(rt.db);
    await rt.db.insertInto("group_settings").values({ group_id: restricted.id, internal: true, hidden: true, open: false, public: false, restricted: true, description: "" }).execute();
    const permission = String(await permissionId(rt.db, "auth.group_management"));
    const crafted: [string, string, Pairs][] = [
      ["set is_superuser", `/admin/users/${target.id}`, [["is_superuser", "on"]]],
      ["set is_staff", `/admin/users/${target.id}`, [["_fields", "is_staff"], ["is_staff", "on"]]],
      ["add a user permission", `/admin/users/${target.id}`, [["permissionIds", permission]]],
      ["add a restricted group", `/admin/users/${target.id}`, [["_fields", "groupIds"], ["groupIds", String(restricted.id)]]],
      ["create a superuser", "/admin/users/new", [["username", "sneaky"], ["is_superuser", "on"]]],
      ["add a group permission", `/admin/groups/${restricted.id}`, [["permissionIds", permission]]],
      ["un-restrict a group", `/admin/groups/${restricted.id}`, [["_fields", "restricted"]]],
    ];
    const member = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
    crafted.push(["add a state permission", `/admin/states/${member}`, [["permissionIds", permission]]]);
    for (const [what, path, pairs] of crafted) {
      const before = await denials(staff.user.id);
      const response = await post(staff, path, pairs);
      expect(response.status, what).toBe(403);
      expect(await denials(staff.user.id), `${what} audited`).toBe(before + 1);
    }
    const after = await rt.db.selectFrom("users").selectAll().where("id", "=", target.id).executeTakeFirstOrThrow();
    expect([after.is_staff, after.is_superuser]).toEqual([false, false]);
    expect(await rt.db.selectFrom("user_permissions").selectAll().where("user_id", "=", target.id).execute()).toHaveLength(0);
    expect(await rt.db.selectFrom("user_groups").selectAll().where("user_id", "=", target.id).execute()).toHaveLength(0);
    expect(await rt.db.selectFrom("group_permissions").selectAll().where("group_id", "=", restricted.id).execute()).toHaveLength(0);
    expect(await rt.db.selectFrom("users").select("id").where("username", "=", "sneaky").execute()).toHaveLength(0);

    // A restricted group cannot be removed by staff either.
    await rt.db.insertInto("user_groups").values({ user_id: target.id, group_id: restricted.id }).execute();
    expect((await post(staff, `/admin/users/${target.id}`, [["_fields", "groupIds"]])).status).toBe(403);
    expect(await rt.db.selectFrom("user_groups").selectAll().where("user_id", "=", target.id).execute()).toHaveLength(1);

    // Main character: staff only to a character the user owns.
    const owned = await character(++n);
    const foreign = await character(++n);
    await rt.db.insertInto("character_ownerships").values({ character_id: owned.id, owner_hash: `own${n}`, user_id: target.id }).execute();
    expect((await post(staff, `/admin/users/${target.id}`, [["main_character_id", String(foreign.id)]])).status).toBe(403);
    expect((await post(staff, `/admin/users/${target.id}`, [["main_character_id", String(owned.id)]])).status).toBe(302);
    expect((await rt.db.selectFrom("users").select("main_character_id").where("id", "=", target.id).executeTakeFirstOrThrow()).main_character_id).toBe(owned.id);

    // Superusers can do all of it.
    const root = await browserFor(await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    const ok = await post(root, `/admin/users/${target.id}`, [["_fields", "is_staff"], ["is_staff", "on"], ["_fields", "permissionIds"], ["permissionIds", permission], ["_fields", "groupIds"], ["main_character_id", String(foreign.id)]]);
    expect(ok.status).toBe(302);
    const promoted = await rt.db.selectFrom("users").selectAll().where("id", "=", target.id).executeTakeFirstOrThrow();
    expect([promoted.is_staff, promoted.main_character_id]).toEqual([true, foreign.id]);
    expect(await rt.db.selectFrom("user_permissions").selectAll().where("user_id", "=", target.id).execute()).toHaveLength(1);
    expect(await rt.db.selectFrom("user_groups").selectAll().where("user_id", "=", target.id).execute()).toHaveLength(0);
  });

  it.skipIf(skip)("invalid form data: field-level messages, nothing saved; Guest is undeletable; history shows before → after", async () => {
    const root = await browserFor(await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    const target = await makeUser(rt.db);
    const bad = await post(root, `/admin/users/${target.id}`, [["_fields", "username"], ["username", ""], ["_fields", "email"], ["email", "not-an-email"]]);
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="field-username-error"');
    expect(html).toContain('id="field-email-error"');
    expect((await rt.db.selectFrom("users").select("username").where("id", "=", target.id).executeTakeFirstOrThrow()).username).toBe(target.username);
    expect((await post(root, "/admin/states/new", [["_fields", "name"], ["name", "X"], ["_fields", "priority"], ["priority", "high"]])).status).toBe(400);

    const guest = (await rt.db.selectFrom("states").select("id").where("name", "=", "Guest").executeTakeFirstOrThrow()).id;
    const confirm = await root.browser.get(`/admin/states/${guest}/delete`);
    expect(await confirm.text()).toContain("admin-delete-error");
    expect((await post(root, `/admin/states/${guest}/delete`, [["confirm", "yes"]])).status).toBe(400);
    expect(await rt.db.selectFrom("states").select("id").where("id", "=", guest).execute()).toHaveLength(1);

    expect((await post(root, `/admin/users/${target.id}`, [["_fields", "username"], ["username", "history_check"]])).status).toBe(302);
    const history = await (await root.browser.get(`/admin/users/${target.id}/history`)).text();
    expect(history).toContain("user.change");
    expect(history).toContain("history_check");

    // The state dry run saves nothing.
    const member = (await rt.db.selectFrom("states").select(["id", "priority"]).where("name", "=", "Member").executeTakeFirstOrThrow());
    const preview = await post(root, `/admin/states/${member.id}`, [["intent", "preview"], ["_fields", "corporationIds"], ["corporationIds", String(CORP)]]);
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('data-testid="admin-preview"');
    expect(await rt.db.selectFrom("state_member_corporations").selectAll().where("state_id", "=", member.id).execute()).toHaveLength(0);
  });

  it.skipIf(skip)("lists: keyset pages, search, filters, sorting, CSV export", async () => {
    const root = await browserFor(await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    for (let i = 0; i < 60; i++) await makeUser(rt.db, { username: `pager_${String(i).padStart(3, "0")}`, is_active: i % 2 === 0 });
    const first = await (await root.browser.get("/admin/users?q=pager_&sort=username&dir=asc")).text();
    expect((first.match(/data-testid="admin-row"/g) ?? []).length).toBe(50);
    expect(first).toContain("pager_000");
    const next = /href="([^"]*after=[^"]+)"/.exec(first)![1].replace(/&amp;/g, "&");
    expect(next).toMatch(/^\/admin\/users\?/);
    const second = await (await root.browser.get(next)).text();
    expect((second.match(/data-testid="admin-row"/g) ?? []).length).toBe(10);
    expect(second).toContain("pager_059");
    expect(second).not.toContain("pager_000<");
    const inactive = await (await root.browser.get("/admin/users?q=pager_&is_active=0")).text();
    expect((inactive.match(/data-testid="admin-row"/g) ?? []).length).toBe(30);
    const desc = await (await root.browser.get("/admin/users?q=pager_&sort=username&dir=desc")).text();
    expect(desc.indexOf("pager_059")).toBeLessThan(desc.indexOf("pager_058"));
    const csv = await root.browser.get("/admin/users/export?q=pager_&sort=username");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(61);
    expect(lines[0]).toContain('"username"');
  });

  it.skipIf(skip)("bulk actions on users run as a job with a progress record and a refreshable status page", async () => {
    const staff = await staffWith("auth.change_user");
    const users = await Promise.all([makeUser(rt.db), makeUser(rt.db), makeUser(rt.db)]);
    const response = await post(staff, "/admin/users", [["bulk", "deactivate"], ...users.map((u) => ["ids", String(u.id)] as [string, string])]);
    expect(response.status).toBe(302);
    const location = response.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/jobs\//);
    const jobKey = decodeURIComponent(location.split("/").pop()!);
    const queued = await (await staff.browser.get(location)).text();
    expect(queued).toContain('data-status="queued"');
    expect(queued).toContain('http-equiv="refresh"');
    await runBulkAction(rt.db, jobKey);
    const done = await (await staff.browser.get(location)).text();
    expect(done).toContain('data-status="done"');
    const rows = await rt.db.selectFrom("users").select("is_active").where("id", "in", users.map((u) => u.id)).execute();
    expect(rows.every((r) => !r.is_active)).toBe(true);
    expect(await auditCount({ action: "user.deactivate", actor: staff.user.id })).toBe(3);
    // Without change_user the bulk action is refused.
    const viewer = await staffWith("auth.view_user");
    expect((await post(viewer, "/admin/users", [["bulk", "activate"], ["ids", String(users[0].id)]])).status).toBe(403);
  });
});
