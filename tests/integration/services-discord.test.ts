/**
 * The services framework and the Discord connector against the fake Discord, on both dialects:
 * role calculation, role creation and its switch, nicknames, revocation, 10007, the reconciler's
 * call count, faults, the fan-out's jobs, and the grace period.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { systemActor } from "~/modules/audit/audit.server";
import { addMembership, removeMembership } from "~/modules/groups/membership.server";
import { setUserActive } from "~/modules/states/states.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { reconcileService, syncServiceUser } from "~/modules/services/runner.server";
import { servicesNeedSync } from "~/modules/services/sync.server";
import type { FakeDiscord, SeedGuild } from "../fakes/discord/index";
import { dialects, type TestRuntime } from "../support/db";
import { type DiscordWorld, linkedUser as worldLinkedUser, roleNames as worldRoleNames, startDiscordWorld, stopDiscordWorld } from "../support/discord-services";
import { makeGroup, permissionId } from "../support/factories";
import { Browser, startTestServer } from "../support/http";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";

const PATCH = "PATCH /guilds/{guild.id}/members/{user.id}";
const LIST = "GET /guilds/{guild.id}/members";
const CREATE_ROLE = "POST /guilds/{guild.id}/roles";
const SYSTEM = systemActor("test");

describe.each(dialects)("services: Discord connector on $dialect", ({ dialect, skip }) => {
  let world: DiscordWorld;
  let rt: TestRuntime;
  let fake: FakeDiscord;
  let g: SeedGuild;
  let discord: Connector;
  let memberState: number;
  let guestState: number;

  beforeAll(async () => {
    if (skip) return;
    world = await startDiscordWorld(dialect);
    ({ rt, fake, g, discord, memberState, guestState } = world);
  });
  afterAll(async () => {
    await stopDiscordWorld(world);
  });
  beforeEach(() => {
    if (skip) return;
    rt.settings.DISCORD_DISABLE_ROLE_CREATION = false;
    rt.settings.SERVICES_REMOVAL_GRACE_HOURS = 0;
    fake.setFault(null);
  });

  const ctx = () => ({ db: rt.db, settings: rt.settings });
  const roleNames = (discordId: string) => worldRoleNames(world, discordId);
  const linkedUser = (options: Parameters<typeof worldLinkedUser>[1] = {}) => worldLinkedUser(world, options);

  it.skipIf(skip)("activation joins the guild with the roles of the groups and the state, created when missing, and the nickname", async () => {
    fake.clearRequests();
    const { user, discordId, index } = await linkedUser({ groups: [`Fleet ${dialect}`, `Logi ${dialect}`], main: "Aria Solenne" });
    expect(roleNames(discordId)).toEqual([`Fleet ${dialect}`, `Logi ${dialect}`, "Member"].sort());
    expect(fake.member(g.guildId, discordId)?.nick).toBe("Aria Solenne");
    expect(fake.callCount("PUT /guilds/{guild.id}/members/{user.id}")).toBe(1);
    expect(fake.callCount(PATCH)).toBe(0);
    const account = await findAccount(rt.db, "discord", user.id);
    expect(account?.remoteId).toBe(discordId);
    expect(account?.remoteUsername).toBe(`@du${index}${dialect}`);
  });

  it.skipIf(skip)("an unchanged member costs no PATCH; a group left and one joined cost exactly one", async () => {
    const { user, discordId } = await linkedUser({ groups: [`Alpha ${dialect}`] });
    fake.clearRequests();
    expect(await syncServiceUser(ctx(), discord, user.id)).toEqual({ kind: "synced", changed: false });
    expect(fake.callCount(PATCH)).toBe(0);
    const alpha = await rt.db.selectFrom("auth_groups").select("id").where("name", "=", `Alpha ${dialect}`).executeTakeFirstOrThrow();
    const beta = (await makeGroup(rt.db, `Beta ${dialect}`)).id;
    await rt.db.transaction().execute(async (trx) => {
      await removeMembership(trx, user.id, alpha.id);
      await addMembership(trx, user.id, beta);
    });
    expect(await syncServiceUser(ctx(), discord, user.id)).toEqual({ kind: "synced", changed: true });
    expect(fake.callCount(PATCH)).toBe(1);
    expect(roleNames(discordId)).toEqual([`Beta ${dialect}`, "Member"].sort());
  });

  it.skipIf(skip)("keeps managed roles and roles named like a reserved group name; drops roles no group names", async () => {
    const { user, discordId } = await linkedUser({ groups: [`Gamma ${dialect}`] });
    const booster = fake.addRole(g.guildId, { name: `Booster ${dialect}`, managed: true, position: 1 });
    const reserved = fake.addRole(g.guildId, { name: `Reserved ${dialect}`, position: 2 });
    const stray = fake.addRole(g.guildId, { name: `Stray ${dialect}`, position: 3 });
    await rt.db.insertInto("reserved_group_names").values({ name: `reserved ${dialect}`, reason: "test", created_by: "test", created_at: new Date() }).execute();
    fake.world.requireGuild(g.guildId).members.get(discordId)!.roles.push(booster.id, reserved.id, stray.id);
    fake.clearRequests();
    await syncServiceUser(ctx(), discord, user.id);
    expect(fake.callCount(PATCH)).toBe(1);
    expect(roleNames(discordId)).toEqual([`Booster ${dialect}`, `Gamma ${dialect}`, "Member", `Reserved ${dialect}`].sort());
    fake.clearRequests();
    await syncServiceUser(ctx(), discord, user.id);
    expect(fake.callCount(PATCH)).toBe(0);
  });

  it.skipIf(skip)("creates a missing role only while role creation is enabled", async () => {
    const { user, discordId } = await linkedUser();
    const group = await makeGroup(rt.db, `Delta ${dialect}`);
    await rt.db.insertInto("user_groups").values({ user_id: user.id, group_id: group.id }).execute();
    rt.settings.DISCORD_DISABLE_ROLE_CREATION = true;
    fake.clearRequests();
    await syncServiceUser(ctx(), discord, user.id);
    expect(fake.callCount(CREATE_ROLE)).toBe(0);
    expect(fake.roleByName(g.guildId, `Delta ${dialect}`)).toBeUndefined();
    expect(roleNames(discordId)).toEqual(["Member"]);
    rt.settings.DISCORD_DISABLE_ROLE_CREATION = false;
    await syncServiceUser(ctx(), discord, user.id);
    expect(fake.callCount(CREATE_ROLE)).toBe(1);
    expect(roleNames(discordId)).toEqual([`Delta ${dialect}`, "Member"].sort());
  });

  it.skipIf(skip)("sets the nickname from the name format, cut to 32 characters, and follows a name-format change", async () => {
    const { user, discordId } = await linkedUser({ main: "An Extremely Long Character Name Indeed" });
    expect(fake.member(g.guildId, discordId)?.nick).toBe("An Extremely Long Character Name");
    await rt.db.insertInto("service_name_formats").values({ service: "discord", format: "[{corp_ticker}] {character_name}", default_to_username: true }).execute();
    const f = await rt.db.selectFrom("service_name_formats").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    await rt.db.insertInto("service_name_format_states").values({ name_format_id: f.id, service: "discord", state_id: memberState }).execute();
    await syncServiceUser(ctx(), discord, user.id);
    expect(fake.member(g.guildId, discordId)?.nick).toBe("[MRLOG] An Extremely Long Charac");
    await rt.db.deleteFrom("service_name_formats").where("id", "=", f.id).execute();
  });

  it.skipIf(skip)("revokes on permission loss (kick, unlink, notify) and on state loss", async () => {
    const a = await linkedUser();
    const b = await linkedUser();
    // a: the state no longer grants it, b keeps it personally.
    await rt.db.insertInto("user_permissions").values({ user_id: b.user.id, permission_id: await permissionId(rt.db, "discord.access_discord") }).execute();
    await rt.db.updateTable("users").set({ state_id: guestState }).where("id", "in", [a.user.id, b.user.id]).execute();
    expect(await syncServiceUser(ctx(), discord, a.user.id)).toEqual({ kind: "removed", why: "no-access" });
    expect(fake.member(g.guildId, a.discordId)).toBeNull();
    expect(await findAccount(rt.db, "discord", a.user.id)).toBeNull();
    const note = await rt.db.selectFrom("notifications").select(["title", "level"]).where("user_id", "=", a.user.id).executeTakeFirst();
    expect(note).toEqual({ title: "Discord Account Disabled", level: "warning" });
    expect(await syncServiceUser(ctx(), discord, b.user.id)).toEqual({ kind: "synced", changed: true });
    expect(roleNames(b.discordId)).toEqual(["Guest"]);
  });

  it.skipIf(skip)("revokes on deactivation (no notification) and when the main character is transferred away", async () => {
    const a = await linkedUser();
    await setUserActive(rt.db, a.user.id, false, SYSTEM);
    expect(await syncServiceUser(ctx(), discord, a.user.id)).toEqual({ kind: "removed", why: "no-access" });
    expect(fake.member(g.guildId, a.discordId)).toBeNull();
    expect(await rt.db.selectFrom("notifications").select("id").where("user_id", "=", a.user.id).where("title", "=", "Discord Account Disabled").execute()).toHaveLength(0);
    const b = await linkedUser();
    await rt.db.updateTable("users").set({ main_character_id: null }).where("id", "=", b.user.id).execute();
    await syncServiceUser(ctx(), discord, b.user.id);
    expect(fake.member(g.guildId, b.discordId)).toBeNull();
    expect(await findAccount(rt.db, "discord", b.user.id)).toBeNull();
  });

  it.skipIf(skip)("unlinks with a notification a member who left the guild (10007)", async () => {
    const { user, discordId } = await linkedUser();
    fake.world.removeMemberRaw(fake.guild(g.guildId), discordId);
    expect(await syncServiceUser(ctx(), discord, user.id)).toEqual({ kind: "removed", why: "gone" });
    expect(await findAccount(rt.db, "discord", user.id)).toBeNull();
    const note = await rt.db.selectFrom("notifications").select("message").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(note.message).toContain("no longer on the server");
  });

  it.skipIf(skip)("never removes anything because Discord failed: 5xx keeps roles, account and link, and records the error", async () => {
    const { user, discordId } = await linkedUser({ groups: [`Eps ${dialect}`] });
    await rt.db.updateTable("users").set({ state_id: guestState }).where("id", "=", user.id).execute();
    fake.setFault({ status: 503, route: /DELETE|PATCH|GET/ });
    await expect(syncServiceUser(ctx(), discord, user.id)).rejects.toThrow();
    fake.setFault(null);
    expect(fake.member(g.guildId, discordId)).not.toBeNull();
    const account = await findAccount(rt.db, "discord", user.id);
    expect(account?.lastError).toBeTruthy();
    // The retry (our data still says so) then removes.
    await syncServiceUser(ctx(), discord, user.id);
    expect(fake.member(g.guildId, discordId)).toBeNull();
  }, 30_000);

  it.skipIf(skip)("reconciles every linked member with one page read and one PATCH per drifted member", async () => {
    const users = [];
    for (let i = 0; i < 12; i++) users.push(await linkedUser({ groups: [`Zeta ${dialect}`] }));
    // Earlier tests leave drift of their own: start from a clean guild.
    await reconcileService(ctx(), discord);
    // Drift: three members lost their role on Discord, one has a stale nickname.
    const zeta = fake.roleByName(g.guildId, `Zeta ${dialect}`)!;
    for (const u of users.slice(0, 3)) {
      const m = fake.world.requireGuild(g.guildId).members.get(u.discordId)!;
      m.roles = m.roles.filter((r) => r !== zeta.id);
    }
    fake.world.requireGuild(g.guildId).members.get(users[3].discordId)!.nick = "Someone Else";
    // A member holding our role without a linked account.
    const stranger = fake.addUser({ username: `stranger${dialect}` });
    fake.addMember(g.guildId, stranger.id, { roles: [zeta.id] });
    fake.clearRequests();
    const report = await reconcileService(ctx(), discord);
    expect(fake.callCount(LIST)).toBe(1);
    expect(fake.callCount(PATCH)).toBe(4);
    expect(fake.callCount("GET /guilds/{guild.id}/members/{user.id}")).toBe(0);
    expect(report.changed).toBe(4);
    expect(report.lists.unlinkedHolders.join()).toContain(`stranger${dialect}`);
    fake.clearRequests();
    const again = await reconcileService(ctx(), discord);
    expect(fake.callCount(PATCH)).toBe(0);
    expect(again.changed).toBe(0);
  });

  it.skipIf(skip)("fans a change out as one debounced job per linked user and service (job key, queue), a reconcile for many", async () => {
    const { user } = await linkedUser();
    const unlinked = await linkedUser({ link: false });
    await rt.db.transaction().execute(async (trx) => {
      await servicesNeedSync(trx, [user.id, unlinked.user.id], "test", rt.settings);
      await servicesNeedSync(trx, [user.id], "test again", rt.settings);
    });
    const jobs =
      dialect === "postgres"
        ? (await sql<{ key: string; queue: string }>`select key, queue_name as queue from graphile_worker.jobs where task_identifier = 'discord.update_groups'`.execute(rt.db)).rows
        : (await rt.db.selectFrom("job_outbox").select(["job_key as key", "queue_name as queue"]).where("task", "=", "discord.update_groups").execute());
    const mine = jobs.filter((j) => j.key === `discord.update_groups:${user.id}`);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.every((j) => j.queue === "discord")).toBe(true);
    expect(jobs.some((j) => j.key === `discord.update_groups:${unlinked.user.id}`)).toBe(false);
    const ids = (await rt.db.selectFrom("service_accounts").select("user_id").execute()).map((r) => r.user_id);
    const threshold = rt.settings.SERVICES_BULK_THRESHOLD;
    rt.settings.SERVICES_BULK_THRESHOLD = 1;
    await servicesNeedSync(rt.db, ids, "bulk", rt.settings);
    rt.settings.SERVICES_BULK_THRESHOLD = threshold;
    const bulk =
      dialect === "postgres"
        ? (await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'discord.update_all'`.execute(rt.db)).rows[0].n
        : (await rt.db.selectFrom("job_outbox").select("id").where("task", "=", "discord.update_all").execute()).length;
    expect(bulk).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(skip)("with a grace period: warns, keeps the member until due, restores when access returns", async () => {
    rt.settings.SERVICES_REMOVAL_GRACE_HOURS = 24;
    const { user, discordId } = await linkedUser();
    await rt.db.updateTable("users").set({ state_id: guestState }).where("id", "=", user.id).execute();
    const first = await syncServiceUser(ctx(), discord, user.id);
    expect(first.kind).toBe("grace");
    expect(fake.member(g.guildId, discordId)).not.toBeNull();
    expect((await findAccount(rt.db, "discord", user.id))?.status).toBe("grace");
    await rt.db.updateTable("users").set({ state_id: memberState }).where("id", "=", user.id).execute();
    expect((await syncServiceUser(ctx(), discord, user.id)).kind).toBe("synced");
    expect((await findAccount(rt.db, "discord", user.id))?.status).toBe("active");
    // Lost again, and now past due: removed.
    await rt.db.updateTable("users").set({ state_id: guestState }).where("id", "=", user.id).execute();
    await syncServiceUser(ctx(), discord, user.id);
    await rt.db.updateTable("service_accounts").set({ removal_due_at: new Date(Date.now() - 1000) }).where("user_id", "=", user.id).execute();
    expect(await syncServiceUser(ctx(), discord, user.id)).toEqual({ kind: "removed", why: "no-access" });
    expect(fake.member(g.guildId, discordId)).toBeNull();
  });

  describe("the OAuth round trip over HTTP (no JavaScript)", () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      if (skip) return;
      server = await startTestServer(rt);
    });
    afterAll(async () => {
      await server?.close();
    });

    async function browserFor(userId: number) {
      const u = await rt.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
      const token = await createSession(rt.db, rt.settings, u, {});
      const browser = new Browser(server.origin);
      browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
      return browser;
    }

    /** Plays the member on the fake's authorize page: returns our callback path with code and state. */
    async function authorizeAt(location: string, discordUserId: string) {
      const url = new URL(location);
      const answer = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ query: url.search.slice(1), user_id: discordUserId }).toString(), redirect: "manual" });
      const back = new URL(answer.headers.get("location")!);
      return back.pathname + back.search;
    }

    it.skipIf(skip)("links through the fake OAuth; a replayed or forged state links nothing; no permission is a 403", async () => {
      const { user, discordId } = await linkedUser({ groups: [`Http ${dialect}`], link: false });
      const b = await browserFor(user.id);
      const csrf = await b.csrfFrom("/services");
      const start = await b.post("/services/discord/activate", { csrf });
      expect(start.status).toBe(302);
      expect(start.headers.get("location")).toContain(fake.authorizeUrl);
      const callback = await authorizeAt(start.headers.get("location")!, discordId);
      const forged = callback.replace(/state=[^&]+/, "state=forged");
      const bad = await b.get(forged);
      expect(bad.status).toBe(302);
      expect(await findAccount(rt.db, "discord", user.id)).toBeNull();
      const done = await b.get(callback);
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).toBe("/services");
      expect((await findAccount(rt.db, "discord", user.id))?.remoteId).toBe(discordId);
      expect(roleNames(discordId)).toEqual([`Http ${dialect}`, "Member"].sort());
      // The same return again: the state cookie is gone, nothing changes.
      await b.post("/services/discord/deactivate", { csrf });
      expect(await findAccount(rt.db, "discord", user.id)).toBeNull();
      const replay = await b.get(callback);
      expect(replay.status).toBe(302);
      expect(await findAccount(rt.db, "discord", user.id)).toBeNull();
      // A Guest without the permission: 403 and nothing written.
      await rt.db.updateTable("users").set({ state_id: guestState }).where("id", "=", user.id).execute();
      const denied = await b.post("/services/discord/activate", { csrf: await b.csrfFrom("/services") });
      expect(denied.status).toBe(403);
      expect(await findAccount(rt.db, "discord", user.id)).toBeNull();
    });
  });
});
