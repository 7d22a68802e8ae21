/**
 * The forum database connectors (phpBB3, SMF, IPS4) end to end, on both auth-database dialects,
 * against real MariaDB databases built from each forum's installation schema
 * (tests/fixtures/forums/): activation with a hash the forum's login accepts, avatar, email and default
 * group; group sync with additions, removals and groups created where the original creates them;
 * password reset; display names; loss of access disabling the account, its sessions and its groups;
 * the reconcile and its drift report. Skipped without TEST_MYSQL_URL (no MariaDB for the forums).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RowDataPacket } from "mysql2/promise";
import { connectorById } from "~/connectors/registry.server";
import { closeForumPools } from "~/connectors/mysql-forum/db.server";
import { bcryptCheck, phpassVerify } from "~/connectors/mysql-forum/hashes.server";
import { systemActor } from "~/modules/audit/audit.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { activatePasswordAccount, changeServicePassword } from "~/modules/services/passwords.server";
import { reconcileService, syncServiceUser } from "~/modules/services/runner.server";
import { createTestRuntime, everyDialect, mysqlAvailable, type TestRuntime } from "../support/db";
import { makeGroup, makeUser, permissionId } from "../support/factories";
import { createForumDatabase, forumSettings, type ForumDatabase, type ForumKind } from "../support/forum-db";
import { startTestServer } from "../support/http";
import { signedIn } from "../support/sessions";

const SYSTEM = systemActor("test");
const KINDS: ForumKind[] = ["phpbb3", "smf", "ips4"];

interface Seen {
  name: string;
  email: string;
  passwordOk(password: string): Promise<boolean>;
  avatar: string | null;
  groups: string[];
  displayName: string;
  disabled: boolean;
  primaryGroup: string | null;
}

async function rows(f: ForumDatabase, sql: string, params: unknown[] = []) {
  const [r] = await f.conn.query<RowDataPacket[]>(sql, params);
  return r;
}

/** What the forum holds for member `id`, read straight from its tables. */
async function seen(f: ForumDatabase, id: number): Promise<Seen | null> {
  if (f.kind === "phpbb3") {
    const [u] = await rows(f, `SELECT u.*, g.group_name FROM ${f.table("users")} u LEFT JOIN ${f.table("groups")} g ON g.group_id = u.group_id WHERE u.user_id = ?`, [id]);
    if (!u) return null;
    const groups = await rows(f, `SELECT g.group_name FROM ${f.table("user_group")} ug JOIN ${f.table("groups")} g ON g.group_id = ug.group_id WHERE ug.user_id = ? ORDER BY g.group_name`, [id]);
    return { name: u.username, email: u.user_email, passwordOk: async (pw) => phpassVerify(pw, u.user_password), avatar: u.user_avatar ? `${u.user_avatar_type} ${u.user_avatar}` : null, groups: groups.map((g) => g.group_name), displayName: u.username, disabled: u.user_type === 1, primaryGroup: u.group_name };
  }
  if (f.kind === "smf") {
    const [m] = await rows(f, `SELECT * FROM ${f.table("members")} WHERE id_member = ?`, [id]);
    if (!m) return null;
    const ids = String(m.additional_groups).split(",").filter(Boolean).map(Number);
    const names = ids.length ? await rows(f, `SELECT group_name FROM ${f.table("membergroups")} WHERE id_group IN (?) ORDER BY group_name`, [ids]) : [];
    return { name: m.member_name, email: m.email_address, passwordOk: (pw) => bcryptCheck(m.member_name.toLowerCase() + pw, m.passwd), avatar: m.avatar || null, groups: names.map((g) => g.group_name), displayName: m.real_name, disabled: m.is_activated === 0, primaryGroup: null };
  }
  const [m] = await rows(f, `SELECT * FROM ${f.table("core_members")} WHERE member_id = ?`, [id]);
  if (!m) return null;
  const ids = String(m.mgroup_others).split(",").filter(Boolean);
  const names = ids.length ? await rows(f, `SELECT word_default FROM ${f.table("core_sys_lang_words")} WHERE word_key IN (?) ORDER BY word_default`, [ids.map((g) => `core_group_${g}`)]) : [];
  const [primary] = await rows(f, `SELECT word_default FROM ${f.table("core_sys_lang_words")} WHERE word_key = ?`, [`core_group_${m.member_group_id}`]);
  return {
    name: m.name,
    email: m.email,
    passwordOk: async (pw) => m.members_pass_salt === m.members_pass_hash.slice(7, 29) && /^\$2y\$\d\d\$/.test(m.members_pass_hash) && (await bcryptCheck(pw, m.members_pass_hash)),
    avatar: null,
    groups: names.map((g) => g.word_default),
    displayName: m.name,
    disabled: m.temp_ban === -1,
    primaryGroup: primary?.word_default ?? null,
  };
}

/** IPS4 never gets groups created by SQL: the tests make the forum's own groups first. */
async function ips4Group(f: ForumDatabase, name: string) {
  const [r] = await f.conn.query<import("mysql2").ResultSetHeader>(`INSERT INTO ${f.table("core_groups")} () VALUES ()`);
  await f.conn.query(`INSERT INTO ${f.table("core_sys_lang_words")} (lang_id, word_app, word_key, word_default) VALUES (1, 'core', ?, ?)`, [`core_group_${r.insertId}`, name]);
}

describe.skipIf(!mysqlAvailable)("services: forum database connectors", () => {
  describe.each(everyDialect)("auth database $dialect", ({ dialect, skip }) => {
    let rt: TestRuntime;
    const forums = {} as Record<ForumKind, ForumDatabase>;
    let memberState: number;
    let n = 0;

    beforeAll(async () => {
      if (skip) return;
      for (const kind of KINDS) forums[kind] = await createForumDatabase(inject("mysqlServerUrl")!, kind);
      // Low hash costs keep the suite quick; the hashes keep their forms ($H$, $2y$).
      await forums.smf.conn.query(`INSERT INTO ${forums.smf.table("settings")} (variable, value) VALUES ('bcrypt_hash_cost', '4')`);
      rt = await createTestRuntime(dialect, { settings: Object.assign({ PHPBB3_PASSWORD_COST: "8", IPS4_PASSWORD_COST: "4" }, ...KINDS.map((k) => forumSettings(forums[k]))) });
      memberState = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
      for (const kind of KINDS) await rt.db.insertInto("state_permissions").values({ state_id: memberState, permission_id: await permissionId(rt.db, `${kind}.access_${kind}`) }).execute();
    }, 60_000);
    afterAll(async () => {
      await closeForumPools();
      for (const f of Object.values(forums)) await f.drop();
      await rt?.stop();
    });

    const ctx = () => ({ db: rt.db, settings: rt.settings });

    async function member(options: { groups?: string[]; main?: string } = {}) {
      const i = ++n;
      const u = await makeUser(rt.db, { username: `forum${i}_${dialect}`, email: `pilot${i}@example.com` });
      const characterId = 95_000_000 + i;
      await rt.db
        .insertInto("eve_characters")
        .values({ character_id: characterId, character_name: options.main ?? `Pilot ${i} ${dialect}`, corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
        .execute();
      const c = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
      await rt.db.updateTable("users").set({ main_character_id: c.id, state_id: memberState }).where("id", "=", u.id).execute();
      for (const name of options.groups ?? []) await joinGroup(u.id, name);
      return { ...u, characterId, characterRow: c.id };
    }
    async function joinGroup(userId: number, name: string) {
      const existing = await rt.db.selectFrom("auth_groups").select("id").where("name", "=", name).executeTakeFirst();
      const groupId = existing?.id ?? (await makeGroup(rt.db, name)).id;
      await rt.db.insertInto("user_groups").values({ user_id: userId, group_id: groupId }).execute();
      return groupId;
    }
    const remoteId = async (kind: ForumKind, userId: number) => Number((await findAccount(rt.db, kind, userId))!.remoteId);

    describe("the member's pages over HTTP (no JavaScript)", () => {
      let server: Awaited<ReturnType<typeof startTestServer>>;
      beforeAll(async () => {
        if (!skip && dialect === "postgres") server = await startTestServer(rt);
      });
      afterAll(async () => {
        await server?.close();
      });

      it.skipIf(skip || dialect !== "postgres")("activate shows the credentials once on /services; a bad set_password is a 400 beside the field that changes nothing; no permission is a 403", async () => {
        const u = await member({ main: "Http Pilot" });
        const me = await signedIn(rt, server.origin, u, "/services");
        expect((await me.post("/services/phpbb3/activate", [])).status).toBe(302);
        const html = await (await me.browser.get("/services")).text();
        const password = /data-testid="service-credentials-phpbb3-password"[^>]*>([A-Za-z0-9]{16})</.exec(html)?.[1];
        expect(password).toBeDefined();
        expect(await (await me.browser.get("/services")).text()).not.toContain(password!);
        const id = await remoteId("phpbb3", u.id);
        expect(await (await seen(forums.phpbb3, id))!.passwordOk(password!)).toBe(true);

        expect((await me.browser.get("/services/phpbb3/set_password")).status).toBe(200);
        const bad = await me.post("/services/phpbb3/set_password", [["password", "short"]]);
        expect(bad.status).toBe(400);
        expect(await bad.text()).toContain("field-password-error");
        expect(await (await seen(forums.phpbb3, id))!.passwordOk(password!)).toBe(true);
        const good = await me.post("/services/phpbb3/set_password", [["password", "eight chars or more"]]);
        expect(good.status).toBe(302);
        expect(await (await seen(forums.phpbb3, id))!.passwordOk("eight chars or more")).toBe(true);

        const stranger = await makeUser(rt.db, { username: `nope_${dialect}` });
        const other = await signedIn(rt, server.origin, stranger);
        expect((await other.post("/services/smf/activate", [])).status).toBe(403);
      });
    });

    describe.each(KINDS)("%s", (kind) => {
      let connector: Connector;
      beforeAll(() => {
        if (!skip) connector = connectorById(kind)!;
      });

      it.skipIf(skip)("activation creates the member with a hash the forum's login accepts, email, avatar, default group and the groups of the state and groups", async () => {
        if (kind === "ips4") await ips4Group(forums.ips4, `Fleet A ${dialect}`);
        const u = await member({ groups: [`Fleet A ${dialect}`], main: `Aria Solenne ${kind}` });
        const creds = await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
        expect(creds.password).toMatch(/^[A-Za-z0-9]{16}$/);
        expect(connector.describe(rt.settings, null).url).toBe(`https://forum.example/${kind}`);
        const expectedName = kind === "ips4" ? `Aria Solenne ${kind}` : `aria_solenne_${kind}`;
        expect(creds.username).toBe(expectedName);
        const s = (await seen(forums[kind], await remoteId(kind, u.id)))!;
        expect(s.name).toBe(expectedName);
        expect(s.email).toBe(u.email);
        expect(await s.passwordOk(creds.password)).toBe(true);
        expect(await s.passwordOk("not the password")).toBe(false);
        const portrait = `https://images.evetech.net/characters/${u.characterId}/portrait?size=64`;
        if (kind === "phpbb3") {
          expect(s.avatar).toBe(`avatar.driver.remote ${portrait}`);
          expect(s.primaryGroup).toBe("REGISTERED");
          expect(s.groups).toEqual([`FleetA${dialect}`, "Member", "REGISTERED"].sort());
        }
        if (kind === "smf") {
          expect(s.avatar).toBe(portrait);
          expect(s.displayName).toBe(`Aria Solenne ${kind}`);
          expect(s.groups).toEqual([`FleetA${dialect}`, "Member"].sort());
        }
        if (kind === "ips4") {
          expect(s.primaryGroup).toBe("Members");
          expect(s.groups).toEqual([`Fleet A ${dialect}`]);
        }
      });

      it.skipIf(skip)("group sync adds and removes memberships by desired state and keeps the forum's built-in groups", async () => {
        const [a, b] = [`Alpha ${kind} ${dialect}`, `Beta ${kind} ${dialect}`];
        if (kind === "ips4") for (const g of [a, b]) await ips4Group(forums.ips4, g);
        const u = await member({ groups: [a] });
        await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
        const id = await remoteId(kind, u.id);
        const f = forums[kind];
        // A forum admin's built-in membership the sync must not touch.
        if (kind === "phpbb3") await f.conn.query(`INSERT INTO ${f.table("user_group")} (group_id, user_id, user_pending) VALUES (4, ?, 0)`, [id]);
        if (kind === "smf") await f.conn.query(`UPDATE ${f.table("members")} SET additional_groups = CONCAT(additional_groups, ',2') WHERE id_member = ?`, [id]);
        expect(await syncServiceUser(ctx(), connector, u.id)).toEqual({ kind: "synced", changed: false });
        const alpha = await rt.db.selectFrom("auth_groups").select("id").where("name", "=", a).executeTakeFirstOrThrow();
        await rt.db.deleteFrom("user_groups").where("user_id", "=", u.id).where("group_id", "=", alpha.id).execute();
        await joinGroup(u.id, b);
        expect(await syncServiceUser(ctx(), connector, u.id)).toEqual({ kind: "synced", changed: true });
        const s = (await seen(f, id))!;
        const clean = (g: string) => (kind === "ips4" ? g : g.replace(/ /g, ""));
        const expected = { phpbb3: [clean(b), "GLOBAL_MODERATORS", "Member", "REGISTERED"], smf: [clean(b), "Global Moderator", "Member"], ips4: [b] }[kind];
        expect(s.groups).toEqual(expected.sort());
      });

      it.skipIf(skip)("password reset and set: the new password logs in, the old one no longer does", async () => {
        const u = await member();
        const first = await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
        const account = (await findAccount(rt.db, kind, u.id))!;
        const reset = await changeServicePassword(rt.db, rt.settings, connector, u.id, SYSTEM);
        expect(reset.password).not.toBe(first.password);
        let s = (await seen(forums[kind], Number(account.remoteId)))!;
        expect(await s.passwordOk(reset.password)).toBe(true);
        expect(await s.passwordOk(first.password)).toBe(false);
        await changeServicePassword(rt.db, rt.settings, connector, u.id, SYSTEM, "my own forum password");
        s = (await seen(forums[kind], Number(account.remoteId)))!;
        expect(await s.passwordOk("my own forum password")).toBe(true);
        const audit = await rt.db.selectFrom("audit_log").select("action").where("target_id", "=", String(u.id)).execute();
        expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["service.account_linked", "service.password_reset", "service.password_set"]));
      });

      it.skipIf(skip)("display name: SMF's real name follows the main character; phpBB3's and IPS4's login name follows the name format, unless another member holds the name", async () => {
        const format = await rt.db.insertInto("service_name_formats").values({ service: kind, format: "[{corp_ticker}] {character_name}", default_to_username: true }).returning("id").executeTakeFirst().catch(() => null);
        const formatId = format?.id ?? (await rt.db.selectFrom("service_name_formats").select("id").where("service", "=", kind).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
        await rt.db.insertInto("service_name_format_states").values({ name_format_id: formatId, service: kind, state_id: memberState }).execute();
        const f = forums[kind];
        let userId = 0;
        try {
          const u = await member({ main: `Dax Morrow ${kind}` });
          userId = u.id;
          const creds = await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
          expect(creds.username).toBe(kind === "ips4" ? `[MRLOG] Dax Morrow ${kind}` : `[mrlog]_dax_morrow_${kind}`);
          await rt.db.updateTable("eve_characters").set({ character_name: `Dax Renamed ${kind}` }).where("id", "=", u.characterRow).execute();
          expect(await syncServiceUser(ctx(), connector, u.id)).toEqual({ kind: "synced", changed: true });
          const id = await remoteId(kind, u.id);
          const s = (await seen(f, id))!;
          const renamed = kind === "ips4" ? `[MRLOG] Dax Renamed ${kind}` : `[mrlog]_dax_renamed_${kind}`;
          if (kind === "smf") {
            expect(s.displayName).toBe(`Dax Renamed ${kind}`);
            expect(s.name).toBe(creds.username);
          } else {
            expect(s.name).toBe(renamed);
            expect((await findAccount(rt.db, kind, u.id))!.remoteUsername).toBe(renamed);
            if (kind === "phpbb3") expect((await rows(f, `SELECT username_clean FROM ${f.table("users")} WHERE user_id = ?`, [id]))[0].username_clean).toBe(renamed);
            if (kind === "ips4") expect((await rows(f, `SELECT members_seo_name FROM ${f.table("core_members")} WHERE member_id = ?`, [id]))[0].members_seo_name).toBe(`mrlog-dax-renamed-${kind}`);
            // A name another forum member holds is left alone: the member keeps the current name.
            const taken = kind === "ips4" ? `[MRLOG] Dax Taken ${kind}` : `[mrlog]_dax_taken_${kind}`;
            if (kind === "phpbb3") await f.conn.query(`INSERT INTO ${f.table("users")} (username, username_clean, user_permissions, user_sig) VALUES (?, ?, '', '')`, [taken, taken]);
            else await f.conn.query(`INSERT INTO ${f.table("core_members")} (name, mgroup_others) VALUES (?, '')`, [taken]);
            await rt.db.updateTable("eve_characters").set({ character_name: `Dax Taken ${kind}` }).where("id", "=", u.characterRow).execute();
            expect(await syncServiceUser(ctx(), connector, u.id)).toEqual({ kind: "synced", changed: false });
            expect((await seen(f, id))!.name).toBe(renamed);
          }
        } finally {
          await rt.db.deleteFrom("service_name_format_states").where("name_format_id", "=", formatId).execute();
          // Out of the later reconcile: without the format its desired name differs again.
          await rt.db.deleteFrom("service_accounts").where("user_id", "=", userId).execute();
        }
      });

      it.skipIf(skip)("losing access disables the account, ends its sessions and removes its groups (IPS4 too); re-activation re-enables the same member", async () => {
        const g = `Gamma ${kind} ${dialect}`;
        if (kind === "ips4") await ips4Group(forums.ips4, g);
        const u = await member({ groups: [g] });
        await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
        const id = await remoteId(kind, u.id);
        const f = forums[kind];
        const sessions = {
          phpbb3: async () => {
            await f.conn.query(`INSERT INTO ${f.table("sessions")} (session_id, session_user_id) VALUES (?, ?)`, [`s${id}${dialect}`.padEnd(32, "x"), id]);
            await f.conn.query(`INSERT INTO ${f.table("sessions_keys")} (key_id, user_id) VALUES (?, ?)`, [`k${id}${dialect}`.padEnd(32, "x"), id]);
            return async () => (await rows(f, `SELECT (SELECT COUNT(*) FROM ${f.table("sessions")} WHERE session_user_id = ?) + (SELECT COUNT(*) FROM ${f.table("sessions_keys")} WHERE user_id = ?) AS n`, [id, id]))[0].n;
          },
          smf: async () => {
            await f.conn.query(`INSERT INTO ${f.table("log_online")} (session, id_member) VALUES (?, ?)`, [`s${id}${dialect}`, id]);
            return async () => (await rows(f, `SELECT COUNT(*) AS n FROM ${f.table("log_online")} WHERE id_member = ?`, [id]))[0].n;
          },
          ips4: async () => {
            await f.conn.query(`INSERT INTO ${f.table("core_sessions")} (id, member_id) VALUES (?, ?)`, [`s${id}${dialect}`, id]);
            return async () => (await rows(f, `SELECT COUNT(*) AS n FROM ${f.table("core_sessions")} WHERE member_id = ?`, [id]))[0].n;
          },
        }[kind];
        const countSessions = await sessions();
        expect(Number(await countSessions())).toBeGreaterThan(0);
        await rt.db.updateTable("users").set({ state_id: null }).where("id", "=", u.id).execute();
        await rt.db.deleteFrom("user_groups").where("user_id", "=", u.id).execute();
        expect(await syncServiceUser(ctx(), connector, u.id)).toEqual({ kind: "removed", why: "no-access" });
        const s = (await seen(f, id))!;
        expect(s.disabled).toBe(true);
        expect(s.email).toMatch(/^revoked(-\d+)?@localhost$/);
        expect(s.groups).toEqual([]);
        expect(Number(await countSessions())).toBe(0);
        expect(await findAccount(rt.db, kind, u.id)).toBeNull();
        const note = await rt.db.selectFrom("notifications").select("title").where("user_id", "=", u.id).execute();
        expect(note.map((x) => x.title)).toContain(`${connector.meta.title} Account Disabled`);
        // Access back: activation finds the same member and enables it again.
        await rt.db.updateTable("users").set({ state_id: memberState }).where("id", "=", u.id).execute();
        const again = await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
        expect(await remoteId(kind, u.id)).toBe(id);
        const back = (await seen(f, id))!;
        expect(back.disabled).toBe(false);
        expect(await back.passwordOk(again.password)).toBe(true);
      });

      it.skipIf(skip || kind === "ips4")("an account imported from Alliance Auth (login name only) gets its forum id at the first sync or reconcile", async () => {
        const [u, v] = [await member(), await member()];
        for (const x of [u, v]) await activatePasswordAccount(rt.db, rt.settings, connector, x.id, SYSTEM);
        const [uid, vid] = [await remoteId(kind, u.id), await remoteId(kind, v.id)];
        // As the importer writes them: the original kept the name, never the forum's id.
        await rt.db.updateTable("service_accounts").set({ remote_id: null }).where("service", "=", kind).where("user_id", "in", [u.id, v.id]).execute();
        expect(await syncServiceUser(ctx(), connector, u.id)).toMatchObject({ kind: "synced" });
        expect(await remoteId(kind, u.id)).toBe(uid);
        const report = await reconcileService(ctx(), connector);
        expect(report.goneUserIds).not.toContain(v.id);
        expect(await remoteId(kind, v.id)).toBe(vid);
      });

      it.skipIf(skip)("the reconcile fixes drift, reports accounts gone from the forum and members holding our groups without a link", async () => {
        const g = `Delta ${kind} ${dialect}`;
        if (kind === "ips4") await ips4Group(forums.ips4, g);
        const [keep, drift, gone] = [await member({ groups: [g] }), await member({ groups: [g] }), await member({ groups: [g] })];
        for (const u of [keep, drift, gone]) await activatePasswordAccount(rt.db, rt.settings, connector, u.id, SYSTEM);
        const f = forums[kind];
        const [driftId, goneId] = [await remoteId(kind, drift.id), await remoteId(kind, gone.id)];
        // Drift by hand: a membership removed on the forum; a member deleted; a stranger given our group.
        const groupId = {
          phpbb3: async () => (await rows(f, `SELECT group_id AS id FROM ${f.table("groups")} WHERE group_name = ?`, [g.replace(/ /g, "")]))[0].id,
          smf: async () => (await rows(f, `SELECT id_group AS id FROM ${f.table("membergroups")} WHERE group_name = ?`, [g.replace(/ /g, "")]))[0].id,
          ips4: async () => Number((await rows(f, `SELECT word_key FROM ${f.table("core_sys_lang_words")} WHERE word_default = ?`, [g]))[0].word_key.replace("core_group_", "")),
        }[kind];
        const gid = await groupId();
        if (kind === "phpbb3") {
          await f.conn.query(`DELETE FROM ${f.table("user_group")} WHERE user_id = ? AND group_id = ?`, [driftId, gid]);
          await f.conn.query(`DELETE FROM ${f.table("users")} WHERE user_id = ?`, [goneId]);
          await f.conn.query(`INSERT INTO ${f.table("user_group")} (group_id, user_id, user_pending) VALUES (?, 2, 0)`, [gid]);
        } else if (kind === "smf") {
          await f.conn.query(`UPDATE ${f.table("members")} SET additional_groups = '' WHERE id_member = ?`, [driftId]);
          await f.conn.query(`DELETE FROM ${f.table("members")} WHERE id_member = ?`, [goneId]);
          await f.conn.query(`INSERT INTO ${f.table("members")} (member_name, buddy_list, signature, ignore_boards, additional_groups) VALUES ('stranger', '', '', '', ?)`, [String(gid)]);
        } else {
          await f.conn.query(`UPDATE ${f.table("core_members")} SET mgroup_others = '' WHERE member_id = ?`, [driftId]);
          await f.conn.query(`DELETE FROM ${f.table("core_members")} WHERE member_id = ?`, [goneId]);
          await f.conn.query(`INSERT INTO ${f.table("core_members")} (name, mgroup_others) VALUES ('stranger', ?)`, [String(gid)]);
        }
        // And a new main name: the login name (phpBB3, IPS4) or the display name (SMF) follows.
        const driftName = (await findAccount(rt.db, kind, drift.id))!.remoteUsername!;
        const newMain = `Drift Renamed ${kind} ${dialect}`;
        await rt.db.updateTable("eve_characters").set({ character_name: newMain }).where("id", "=", drift.characterRow).execute();
        const newName = kind === "ips4" ? newMain : newMain.toLowerCase().replace(/ /g, "_");
        const report = await reconcileService(ctx(), connector);
        expect(report.goneUserIds).toContain(gone.id);
        expect(report.changed).toBe(1);
        expect(report.lists.changedMembers).toEqual([`${driftName}: ${kind === "smf" ? "groups+name" : `groups+renamed to ${newName}`}`]);
        expect((await findAccount(rt.db, kind, drift.id))!.remoteUsername).toBe(kind === "smf" ? driftName : newName);
        expect((await seen(f, driftId))![kind === "smf" ? "displayName" : "name"]).toBe(kind === "smf" ? newMain : newName);
        expect(report.lists.unlinkedHolders.join(" ")).toMatch(kind === "phpbb3" ? /Admin \(2\)/ : /stranger/);
        expect(report.figures.statements).toBeGreaterThan(0);
        expect((await seen(f, driftId))!.groups.map((x) => x.replace(/ /g, ""))).toContain(g.replace(/ /g, ""));
        expect(await findAccount(rt.db, kind, gone.id)).toBeNull();
        const again = await reconcileService(ctx(), connector);
        expect(again.changed).toBe(0);
        expect(again.figures.groupChanges).toBe(0);
      });
    });
  });
});
