/** Auto groups (behaviour reference §2.3, §3.8) on both dialects: the lifecycle step by step, manual join refused, switch-off, set-based cost. */
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, deleteConfig, saveConfig, type ConfigDefinition } from "~/apps/autogroups/configs.server";
import { syncAutogroups } from "~/apps/autogroups/sync.server";
import { systemActor } from "~/modules/audit/audit.server";
import { upsertAlliance, upsertCharacter, upsertCorporation } from "~/modules/eve/entities.server";
import { mainCharacterChanged } from "~/modules/eve/ownership.server";
import { requestJoin, requestLeave } from "~/modules/groups/requests.server";
import { groupsForListing } from "~/modules/groups/queries.server";
import type { DB } from "../../db/schema";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";

const actor = systemActor("test");
const CORPS: Record<number, { name: string; ticker: string; alliance: number | null }> = {
  98200001: { name: "Alpha Corp", ticker: "ALPHA", alliance: 99200001 },
  98200002: { name: "Beta Corp", ticker: "BETA", alliance: null },
  98200003: { name: "Gamma Corp", ticker: "GAMMA", alliance: 99200001 },
  98200004: { name: "Blue Corp", ticker: "BLUE", alliance: null },
};
const ALLIANCES: Record<number, { name: string; ticker: string }> = { 99200001: { name: "Test Alliance", ticker: "TEST" } };
const [ALPHA, BETA, GAMMA, BLUE] = Object.keys(CORPS).map(Number);

/** Counts the statements a Kysely instance sends. */
function counting(db: Kysely<DB>) {
  const counter = { n: 0 };
  const counted = db.withPlugin({ transformQuery: (args) => (counter.n++, args.node), transformResult: async (args) => args.result });
  return { counted, counter };
}

describe.each(dialects)("auto groups on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let n = 0;
  let member: number;
  let blue: number;

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    const states = Object.fromEntries((await rt.db.selectFrom("states").select(["id", "name"]).execute()).map((s) => [s.name, s.id]));
    member = states.Member;
    await upsertAlliance(rt.db, { alliance_id: 99200001, alliance_name: "Test Alliance", alliance_ticker: "TEST", executor_corp_id: null });
    for (const [id, c] of Object.entries(CORPS)) {
      await upsertCorporation(rt.db, { corporation_id: Number(id), corporation_name: c.name, corporation_ticker: c.ticker, member_count: 1, ceo_id: null, alliance_id: c.alliance, faction_id: null });
    }
    blue = states.Blue;
    await rt.db.insertInto("state_member_corporations").values([ALPHA, BETA, GAMMA].map((corporation_id) => ({ state_id: member, corporation_id }))).execute();
    await rt.db.insertInto("state_member_corporations").values({ state_id: blue, corporation_id: BLUE }).execute();
  });
  afterAll(async () => rt?.stop());
  beforeEach(async () => {
    if (skip) return;
    rt.settings.APPS_DISABLED = "";
    await rt.db.deleteFrom("autogroups_configs").execute();
    await rt.db.deleteFrom("auth_groups").execute();
  });

  /** Moves a user's main to `corp` (and its alliance) as the affiliation refresh does, then tells the core. */
  async function moveTo(userId: number, characterId: number, corp: number) {
    const c = CORPS[corp];
    const a = c.alliance ? ALLIANCES[c.alliance] : null;
    await rt.db
      .updateTable("eve_characters")
      .set({ corporation_id: corp, corporation_name: c.name, corporation_ticker: c.ticker, alliance_id: c.alliance, alliance_name: a?.name ?? null, alliance_ticker: a?.ticker ?? null })
      .where("character_id", "=", characterId)
      .execute();
    await rt.db.transaction().execute((trx) => mainCharacterChanged(trx, [userId], actor, "test: affiliation changed"));
  }
  async function pilot(corp: number) {
    const id = 92000000 + ++n;
    const c = CORPS[corp];
    const a = c.alliance ? ALLIANCES[c.alliance] : null;
    const character = await upsertCharacter(rt.db, { character_id: id, character_name: `Pilot ${id}`, corporation_id: corp, corporation_name: c.name, corporation_ticker: c.ticker, alliance_id: c.alliance, alliance_name: a?.name ?? null, alliance_ticker: a?.ticker ?? null, faction_id: null, faction_name: null });
    const user = await makeUser(rt.db);
    await rt.db.updateTable("users").set({ main_character_id: character.id }).where("id", "=", user.id).execute();
    await rt.db.transaction().execute((trx) => mainCharacterChanged(trx, [user.id], actor, "test: main set"));
    return { id: user.id, username: user.username, characterId: id };
  }
  const groupsOf = async (userId: number) =>
    (await rt.db.selectFrom("user_groups as ug").innerJoin("auth_groups as g", "g.id", "ug.group_id").select("g.name").where("ug.user_id", "=", userId).orderBy("g.name").execute()).map((r) => r.name);
  const groupNames = async () => (await rt.db.selectFrom("auth_groups").select("name").orderBy("name").execute()).map((r) => r.name);
  const config = (extra: Partial<ConfigDefinition>): ConfigDefinition => ({ ...DEFAULT_CONFIG, stateIds: [member], corp_groups: true, alliance_groups: true, ...extra });

  it.skipIf(skip)("creates groups on demand, moves members with their main, removes those who leave the states, deletes groups when switched off or deleted", async () => {
    const a1 = await pilot(ALPHA);
    const a2 = await pilot(ALPHA);
    const b1 = await pilot(BETA);
    const outsider = await pilot(BLUE);
    const auditBefore = Number((await rt.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("action", "like", "autogroups.%").executeTakeFirstOrThrow()).n);

    // 1. A config: groups exist only for corporations and alliances someone in its states needs.
    const id = await saveConfig(rt.db, null, config({ alliance_name_source: "ticker" }), actor);
    expect(await groupNames()).toEqual(["Alliance TEST", "Corp Alpha Corp", "Corp Beta Corp"]);
    expect(await groupsOf(a1.id)).toEqual(["Alliance TEST", "Corp Alpha Corp"]);
    expect(await groupsOf(a2.id)).toEqual(["Alliance TEST", "Corp Alpha Corp"]);
    expect(await groupsOf(b1.id)).toEqual(["Corp Beta Corp"]);
    expect(await groupsOf(outsider.id)).toEqual([]);
    // The original's defaults for a new group: internal and hidden.
    const settings = await rt.db.selectFrom("group_settings as s").innerJoin("auth_groups as g", "g.id", "s.group_id").select(["s.internal", "s.hidden"]).where("g.name", "=", "Corp Alpha Corp").executeTakeFirstOrThrow();
    expect(Boolean(settings.internal) && Boolean(settings.hidden)).toBe(true);
    const audit = await rt.db.selectFrom("audit_log").select(["action", "after_data"]).where("action", "like", "autogroups.%").orderBy("id").execute();
    expect(audit.length).toBeGreaterThan(auditBefore);
    expect(audit.some((r) => r.action === "autogroups.members_added" && JSON.parse(r.after_data!).user_ids.length === 2)).toBe(true);

    // 2. The main moves to a corporation nobody had yet: a new group; out of the old corp and alliance groups.
    await moveTo(a1.id, a1.characterId, BETA);
    expect(await groupsOf(a1.id)).toEqual(["Corp Beta Corp"]);
    await moveTo(a2.id, a2.characterId, GAMMA);
    expect(await groupsOf(a2.id)).toEqual(["Alliance TEST", "Corp Gamma Corp"]);
    // "Corp Alpha Corp" is empty now but stays (the original never deletes a group for being empty).
    expect(await groupNames()).toContain("Corp Alpha Corp");

    // 3. Leaving the config's states (now Blue): out of every managed group.
    await moveTo(b1.id, b1.characterId, BLUE);
    expect(await groupsOf(b1.id)).toEqual([]);
    // Losing the main altogether: the same.
    await rt.db.updateTable("users").set({ main_character_id: null }).where("id", "=", a2.id).execute();
    await rt.db.transaction().execute((trx) => mainCharacterChanged(trx, [a2.id], actor, "test: main lost"));
    expect(await groupsOf(a2.id)).toEqual([]);

    // 4. Switching corp groups off deletes them (alliance groups stay); deleting the config deletes the rest.
    await saveConfig(rt.db, id, config({ corp_groups: false, alliance_name_source: "ticker" }), actor);
    expect(await groupNames()).toEqual(["Alliance TEST"]);
    const after = await rt.db.selectFrom("audit_log").select("action").where("action", "=", "autogroups.group_deleted").execute();
    expect(after.length).toBe(3); // Alpha, Beta, Gamma
    await deleteConfig(rt.db, id, actor);
    expect(await groupNames()).toEqual([]);
    expect(await rt.db.selectFrom("autogroups_managed_groups").selectAll().execute()).toEqual([]);
  });

  it.skipIf(skip)("renaming (prefix, spaces) recreates the groups under the new names with the same members; a group of that name is taken over", async () => {
    const a = await pilot(ALPHA);
    await rt.db.insertInto("auth_groups").values({ name: "Corp_Alpha_Corp" }).execute();
    const id = await saveConfig(rt.db, null, config({ alliance_groups: false }), actor);
    expect(await groupsOf(a.id)).toEqual(["Corp Alpha Corp"]);
    await saveConfig(rt.db, id, config({ alliance_groups: false, replace_spaces: true, replace_spaces_with: "_" }), actor);
    expect(await groupsOf(a.id)).toEqual(["Corp_Alpha_Corp"]);
    expect(await groupNames()).toContain("Corp_Alpha_Corp");
    expect(await groupNames()).not.toContain("Corp Alpha Corp");
  });

  it.skipIf(skip)("managed groups are marked and cannot be joined or left by hand, even when made open", async () => {
    const a = await pilot(ALPHA);
    await saveConfig(rt.db, null, config({ alliance_groups: false }), actor);
    const group = await rt.db.selectFrom("auth_groups").select("id").where("name", "=", "Corp Alpha Corp").executeTakeFirstOrThrow();
    await rt.db.updateTable("group_settings").set({ internal: false, hidden: false, open: true, public: true }).where("group_id", "=", group.id).execute();
    const other = await pilot(BETA);
    const subject = { id: other.id, username: other.username, permissions: new Set(["groupmanagement.request_groups"]) };
    expect((await requestJoin(rt.db, subject as never, group.id, actor)).kind).toBe("cannotJoin");
    expect(await groupsOf(other.id)).toEqual(["Corp Beta Corp"]);
    const owner = { id: a.id, username: a.username, permissions: new Set(["groupmanagement.request_groups"]) };
    expect((await requestLeave(rt.db, owner as never, group.id, actor)).kind).toBe("cannotLeave");
    expect(await groupsOf(a.id)).toEqual(["Corp Alpha Corp"]);
    const listed = await groupsForListing(rt.db, subject as never);
    expect(listed.find((g) => g.id === group.id)?.managed).toBe(true);
  });

  it.skipIf(skip)("switched off (APPS_DISABLED=autogroups): affiliation changes no longer move anyone, and the groups can be joined", async () => {
    const a = await pilot(ALPHA);
    await saveConfig(rt.db, null, config({ alliance_groups: false }), actor);
    rt.settings.APPS_DISABLED = "autogroups";
    await moveTo(a.id, a.characterId, BETA);
    expect(await groupsOf(a.id)).toEqual(["Corp Alpha Corp"]);
    rt.settings.APPS_DISABLED = "";
    await moveTo(a.id, a.characterId, BETA);
    expect(await groupsOf(a.id)).toEqual(["Corp Beta Corp"]);
  });

  it.skipIf(skip)("a move reaches the services like any group change: a sync job for the member's linked service", async () => {
    const a = await pilot(ALPHA);
    await saveConfig(rt.db, null, config({ alliance_groups: false }), actor);
    Object.assign(rt.settings, { DISCORD_GUILD_ID: "1", DISCORD_APP_ID: "2", DISCORD_APP_SECRET: "s", DISCORD_BOT_TOKEN: "t" });
    try {
      await rt.db.insertInto("service_accounts").values({ user_id: a.id, service: "discord", remote_id: "42", remote_username: null, credentials: null, status: "active", synced: null, activated_at: new Date(), last_sync_at: null, last_error: null, last_error_at: null, removal_due_at: null }).execute();
      const jobKeys = async () =>
        dialect === "postgres"
          ? (await sql<{ key: string }>`select key from graphile_worker.jobs where task_identifier = 'discord.update_groups'`.execute(rt.db)).rows.map((r) => r.key)
          : (await rt.db.selectFrom("job_outbox").select("job_key as key").where("task", "=", "discord.update_groups").execute()).map((r) => r.key);
      expect(await jobKeys()).not.toContain(`discord.update_groups:${a.id}`);
      await rt.db.transaction().execute((trx) => syncAutogroups(trx, [a.id], actor, "test: no change"));
      expect(await jobKeys()).not.toContain(`discord.update_groups:${a.id}`);
      // The pass alone (not mainCharacterChanged, which tells the services by itself).
      await rt.db.updateTable("eve_characters").set({ corporation_id: GAMMA, corporation_name: "Gamma Corp", corporation_ticker: "GAMMA" }).where("character_id", "=", a.characterId).execute();
      await rt.db.transaction().execute((trx) => syncAutogroups(trx, [a.id], actor, "test: moved"));
      expect(await groupsOf(a.id)).toEqual(["Corp Gamma Corp"]);
      expect(await jobKeys()).toContain(`discord.update_groups:${a.id}`);
    } finally {
      Object.assign(rt.settings, { DISCORD_GUILD_ID: "", DISCORD_APP_ID: "", DISCORD_APP_SECRET: "", DISCORD_BOT_TOKEN: "" });
    }
  });

  it.skipIf(skip)("one pass over 600 users in 3 corporations costs the same number of statements as over 6 (set-based)", async () => {
    const id = await saveConfig(rt.db, null, config({}), actor);
    const costFor = async (users: number) => {
      await rt.db.deleteFrom("user_groups").execute();
      const ids = (await rt.db.selectFrom("users").select("id").where("main_character_id", "is not", null).orderBy("id").limit(users).execute()).map((u) => u.id);
      const { counted, counter } = counting(rt.db);
      await counted.transaction().execute((trx) => syncAutogroups(trx, ids, actor, "test"));
      return counter.n;
    };
    const corps = [ALPHA, BETA, GAMMA];
    for (let i = 0; i < 6; i++) await pilot(corps[i % 3]);
    const small = await costFor(6);
    // Bulk users straight into the tables (no per-user hooks), then one pass.
    const base = 93000000 + (dialect === "mysql" ? 10000 : 0);
    await rt.db
      .insertInto("eve_characters")
      .values(Array.from({ length: 600 }, (_, i) => {
        const corp = corps[i % 3];
        const c = CORPS[corp];
        const a = c.alliance ? ALLIANCES[c.alliance] : null;
        return { character_id: base + i, character_name: `Bulk ${i}`, corporation_id: corp, corporation_name: c.name, corporation_ticker: c.ticker, alliance_id: c.alliance, alliance_name: a?.name ?? null, alliance_ticker: a?.ticker ?? null, faction_id: null, faction_name: null, updated_at: new Date() };
      }))
      .execute();
    const chars = await rt.db.selectFrom("eve_characters").select("id").where("character_id", ">=", base).where("character_id", "<", base + 600).execute();
    await rt.db
      .insertInto("users")
      .values(chars.map((c, i) => ({ username: `bulk${i}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: new Date(), last_login: null, main_character_id: c.id, state_id: member })))
      .execute();
    const large = await costFor(606);
    expect(large).toBe(small);
    const total = Number((await rt.db.selectFrom("user_groups").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    // Each user: one corp group, and an alliance group for Alpha and Gamma members.
    expect(total).toBeGreaterThanOrEqual(606);
    await deleteConfig(rt.db, id, actor);
  });
});
