/**
 * Discord reconcile against the fake Discord over real HTTP, on its own database: N linked members
 * (each in one of 20 groups, plus the Member state), 2 % of them drifted on Discord (a role or the
 * nickname changed by hand). One full reconcile (`discord.update_all`): member-list page reads,
 * PATCHes, 429s, wall time (s). The fake keeps Discord's member-route limit (10 per 10 s) for
 * 10,000 members, so that wall time is what a real guild would see (see BENCH_DISCORD_FAST below).
 */
import { performance } from "node:perf_hooks";
import { connectorById } from "../../app/connectors/registry.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { reconcileService } from "../../app/modules/services/runner.server";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { type FakeDiscord, startFakeDiscord } from "../../tests/fakes/discord/index";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";
import type { Benchmark, Figure } from "../types";

const GROUPS = 20;
const DRIFT = 0.02;
const APP = { clientId: "333333333333333333", clientSecret: "bench", botToken: "bench-bot", redirectUris: ["http://127.0.0.1:9/discord/callback"], name: "AA bench" };
const LIST = "GET /guilds/{guild.id}/members";
const PATCH = "PATCH /guilds/{guild.id}/members/{user.id}";

async function seed(db: Database, fake: FakeDiscord, guildId: string, botRoleId: string, members: number) {
  const now = new Date();
  const state = await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow();
  const perm = await db.selectFrom("permissions").select("id").where("app_label", "=", "discord").where("codename", "=", "access_discord").executeTakeFirstOrThrow();
  await db.insertInto("state_permissions").values({ state_id: state.id, permission_id: perm.id }).execute();
  await insertChunked(db, "auth_groups", Array.from({ length: GROUPS }, (_, g) => ({ name: `Bench Group ${g}` })));
  const groups = await db.selectFrom("auth_groups").select(["id", "name"]).orderBy("id").execute();
  const roleOf = new Map(groups.map((g, i) => [g.id, fake.addRole(guildId, { name: g.name, position: i + 1 }).id]));
  const memberRole = fake.addRole(guildId, { name: "Member", position: GROUPS + 1 }).id;
  // As AA's setup asks: the bot's role above every role it manages.
  fake.guild(guildId).roles.get(botRoleId)!.position = GROUPS + 10;
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: members }, (_, i) => ({ character_id: 93_000_000 + i, character_name: `Bench Pilot ${i}`, corporation_id: 98_200_000, corporation_name: "Bench Corp", corporation_ticker: "BENCH", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: now })),
  );
  const chars = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(db, "users", chars.map((c) => ({ username: `dbench_${c.character_id}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: state.id })));
  const users = await db.selectFrom("users").select(["id", "main_character_id"]).where("username", "like", "dbench_%").orderBy("main_character_id").execute();
  await insertChunked(db, "user_groups", users.map((u, i) => ({ user_id: u.id, group_id: groups[i % GROUPS].id })));
  const ids = fake.seedMembers(guildId, members);
  const guild = fake.guild(guildId);
  const step = Math.round(1 / DRIFT);
  let drifted = 0;
  users.forEach((u, i) => {
    const m = guild.members.get(ids[i])!;
    const groupRole = roleOf.get(groups[i % GROUPS].id)!;
    m.nick = `Bench Pilot ${i}`;
    m.roles = [groupRole, memberRole];
    if (i % step === 0) {
      drifted++;
      if (i % (2 * step) === 0) m.roles = [memberRole];
      else m.nick = "Renamed By Hand";
    }
  });
  await insertChunked(db, "service_accounts", users.map((u, i) => ({ user_id: u.id, service: "discord", remote_id: ids[i], remote_username: `@member${i}`, credentials: null, status: "active" as const, synced: null, activated_at: now, last_sync_at: null, last_error: null, last_error_at: null, removal_due_at: null })));
  return drifted;
}

async function reconcileFigure(members: number, fast: boolean, progress: (m: string) => void): Promise<Figure> {
  const database = await ownDatabase(`discord${members}`, progress);
  let db: Database | undefined;
  let fake: FakeDiscord | undefined;
  try {
    db = createDb(database.url, { poolSize: 5 });
    await migrateToLatest(db);
    await syncPermissionCatalogue(db);
    fake = await startFakeDiscord({ app: APP, maxRecordedRequests: 100 });
    const { guildId, botRoleId } = fake.addGuild({ name: "Bench Guild" });
    fake.setMembersIntent(true);
    if (fast) fake.setBucketLimit("member", { limit: 1000, windowMs: 1000 });
    progress(`  seeding ${members} linked members (${DRIFT * 100} % drifted)…`);
    const drifted = await seed(db, fake, guildId, botRoleId, members);
    const settings = useBenchSettings({
      DISCORD_GUILD_ID: guildId,
      DISCORD_APP_ID: APP.clientId,
      DISCORD_APP_SECRET: APP.clientSecret,
      DISCORD_BOT_TOKEN: APP.botToken,
      DISCORD_API_BASE_URL: fake.apiBase,
      DISCORD_SYNC_NAMES: "true",
    });
    fake.clearRequests();
    progress(`  discord.update_all over ${members} members…`);
    const started = performance.now();
    const report = await reconcileService({ db, settings }, connectorById("discord")!);
    const ms = performance.now() - started;
    const reads = fake.callCount(LIST);
    const patches = fake.callCount(PATCH);
    const limited = fake.rateLimitedCount();
    if (report.changed !== drifted) throw new Error(`expected ${drifted} members changed, the reconcile changed ${report.changed}`);
    // Pages of 1,000 until a short one: the guild also holds its owner and the bot.
    const goalReads = Math.floor(fake.guild(guildId).members.size / 1000) + 1;
    return {
      name: `discord reconcile ${members.toLocaleString("en")} members, ${DRIFT * 100}% drift${fast ? " (fake member limit raised to 1000/s)" : ""}`,
      metrics: [
        { key: "reads", value: reads, unit: "" },
        { key: "PATCH", value: patches, unit: "" },
        { key: "429s", value: limited, unit: "" },
        { key: "wall", value: ms / 1000, unit: "", digits: 0 },
      ],
      baseline: `original: update_all chains one task per member — ≈${members * 2} calls (GET member + roles), PATCH for the ${drifted} drifted; wall in s`,
      targets: [{ label: `discord ${members}: ≤ ${goalReads} reads + ${drifted} PATCHes, 0 failed 429s`, met: reads <= goalReads && patches <= drifted && report.failed === 0, detail: `${reads} reads, ${patches} PATCH, ${limited} 429s, ${report.failed} failed` }],
      details: { members, drifted, totalCalls: fake.totalCalls(), failed: report.failed, fastBuckets: fast ? 1 : 0 },
    };
  } finally {
    await fake?.stop().catch(() => {});
    await db?.destroy().catch(() => {});
    await database.cleanup().catch((error: Error) => progress(`  cleanup: ${error.message}`));
  }
}

export const discordReconcile: Benchmark = {
  name: "discord",
  async run(ctx) {
    const sizes = (process.env.BENCH_DISCORD_MEMBERS ?? "10000,50000").split(",").map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
    const figures: Figure[] = [];
    // Discord's member-route limit (10 per 10 s) makes 1,000 PATCHes take ≈17 minutes: the 50,000
    // figure raises the fake's limit unless BENCH_DISCORD_FAST=0; BENCH_DISCORD_FAST=1 raises it for all.
    const fastEnv = process.env.BENCH_DISCORD_FAST;
    for (const size of sizes) figures.push(await reconcileFigure(size, fastEnv === "1" || (fastEnv !== "0" && size > 10_000), ctx.progress));
    return figures;
  },
};
