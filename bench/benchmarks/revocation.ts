/**
 * Revocation latency: members leave the alliance in the fake ESI; how long until the fake Discord
 * has kicked them, with nobody logging in. The whole chain runs for real in this process, on its
 * own database: the worker (graphile-worker, our task list) runs `eveonline.run_model_update` as its
 * schedule would, the changed mains fall to Guest, the services sync is queued with its debounce,
 * and the per-user Discord job kicks them. The scheduled run itself comes every
 * EVE_AFFILIATION_UPDATE_MINUTES, so the worst case is that cadence plus the measured chain (on the
 * live ESI add its affiliation cache, up to an hour).
 */
import { performance } from "node:perf_hooks";
import { enqueue } from "../../app/modules/jobs/enqueue.server";
import { getLogger } from "../../app/modules/ops/logger.server";
import { bootRuntime, type Runtime } from "../../app/modules/runtime.server";
import { builtInCrontab } from "../../jobs/crontab";
import { startWorker, type WorkerHandle } from "../../jobs/worker";
import { type FakeDiscord, startFakeDiscord } from "../../tests/fakes/discord/index";
import { type FakeEve, startFakeEve } from "../../tests/fakes/eve/index";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";
import type { Benchmark, Figure } from "../types";

const MEMBERS = 1_000;
const LEAVING = 10;
const ALLIANCE = { id: 99_300_000, name: "Revocation Alliance", ticker: "REVO" };
const STAYING_CORP = { id: 98_300_001, name: "Staying Corp", ticker: "STAY", allianceId: ALLIANCE.id };
const LEAVING_CORP = { id: 98_300_002, name: "Leaving Corp", ticker: "LEAVE", allianceId: null };
const APP = { clientId: "444444444444444444", clientSecret: "bench", botToken: "bench-bot", redirectUris: ["http://127.0.0.1:9/discord/callback"], name: "AA bench" };

async function seed(rt: Runtime, eve: FakeEve, discord: FakeDiscord, guildId: string) {
  const { db } = rt;
  const now = new Date();
  eve.addAlliance(ALLIANCE);
  eve.addCorporation(STAYING_CORP);
  eve.addCorporation(LEAVING_CORP);
  const member = await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow();
  const access = await db.selectFrom("permissions").select("id").where("app_label", "=", "discord").where("codename", "=", "access_discord").executeTakeFirstOrThrow();
  await db.insertInto("state_permissions").values({ state_id: member.id, permission_id: access.id }).execute();
  await db.insertInto("eve_alliances").values({ alliance_id: ALLIANCE.id, alliance_name: ALLIANCE.name, alliance_ticker: ALLIANCE.ticker, executor_corp_id: null, updated_at: now }).execute();
  await db.insertInto("state_member_alliances").values({ state_id: member.id, alliance_id: ALLIANCE.id }).execute();
  const memberRole = discord.addRole(guildId, { name: "Member", position: 1 }).id;
  const ids = Array.from({ length: MEMBERS }, (_, i) => 94_000_000 + i);
  for (const [i, id] of ids.entries()) {
    eve.addAccount(`revo-${i}`);
    eve.addCharacter({ id, name: `Revo Pilot ${i}`, corporationId: STAYING_CORP.id, accountId: `revo-${i}` });
  }
  await insertChunked(db, "eve_characters", ids.map((id, i) => ({ character_id: id, character_name: `Revo Pilot ${i}`, corporation_id: STAYING_CORP.id, corporation_name: STAYING_CORP.name, corporation_ticker: STAYING_CORP.ticker, alliance_id: ALLIANCE.id, alliance_name: ALLIANCE.name, alliance_ticker: ALLIANCE.ticker, faction_id: null, faction_name: null, updated_at: now })));
  const chars = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(db, "users", chars.map((c) => ({ username: `revo_${c.character_id}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: member.id })));
  const users = await db.selectFrom("users").select(["id"]).where("username", "like", "revo_%").orderBy("main_character_id").execute();
  const discordIds = discord.seedMembers(guildId, MEMBERS);
  const guild = discord.guild(guildId);
  for (const [i, discordId] of discordIds.entries()) {
    const m = guild.members.get(discordId)!;
    m.roles = [memberRole];
    m.nick = `Revo Pilot ${i}`;
  }
  await insertChunked(db, "service_accounts", users.map((u, i) => ({ user_id: u.id, service: "discord", remote_id: discordIds[i], remote_username: `@revo${i}`, credentials: null, status: "active" as const, synced: null, activated_at: now, last_sync_at: now, last_error: null, last_error_at: null, removal_due_at: null })));
  return { characterIds: ids, discordIds };
}

export const revocation: Benchmark = {
  name: "revocation",
  async run(ctx) {
    const database = await ownDatabase("revocation", ctx.progress);
    const eve = await startFakeEve({ clients: [{ clientId: "bench", clientSecret: "bench-secret", redirectUri: "http://127.0.0.1:9/sso/callback" }], maxRecordedRequests: 1000 });
    const discord = await startFakeDiscord({ app: APP, maxRecordedRequests: 1000 });
    let rt: Runtime | undefined;
    let worker: WorkerHandle | undefined;
    // The worker's per-job log lines would drown the figures.
    const log = getLogger();
    const level = log.level;
    log.level = "warn";
    try {
      const { guildId, botRoleId } = discord.addGuild({ name: "Revocation Guild" });
      discord.guild(guildId).roles.get(botRoleId)!.position = 10;
      discord.setMembersIntent(true);
      const settings = useBenchSettings({
        DATABASE_URL: database.url,
        ESI_SSO_CLIENT_ID: "bench",
        ESI_SSO_CLIENT_SECRET: "bench-secret",
        ESI_SSO_BASE_URL: eve.ssoUrl,
        ESI_API_URL: `${eve.esiUrl}/`,
        ESI_USER_CONTACT_EMAIL: "bench@example.invalid",
        DISCORD_GUILD_ID: guildId,
        DISCORD_APP_ID: APP.clientId,
        DISCORD_APP_SECRET: APP.clientSecret,
        DISCORD_BOT_TOKEN: APP.botToken,
        DISCORD_API_BASE_URL: discord.apiBase,
        // The schedule is this benchmark's to drive: the run_model_update it queues is the one the crontab would.
        CRONTAB_OVERRIDES: builtInCrontab.map((e) => `${e.identifier}=off`).join(";"),
      });
      rt = await bootRuntime(settings, { migrate: true });
      ctx.progress(`  seeding ${MEMBERS} members of an alliance state, each in the Discord guild…`);
      const { characterIds, discordIds } = await seed(rt, eve, discord, guildId);
      worker = await startWorker(rt);

      const leaving = Array.from({ length: LEAVING }, (_, k) => k * Math.floor(MEMBERS / LEAVING));
      for (const i of leaving) eve.setCharacterCorporation(characterIds[i], LEAVING_CORP.id);
      ctx.progress(`  ${LEAVING} mains leave the alliance; the scheduled eveonline.run_model_update runs…`);
      const started = performance.now();
      await enqueue(rt.db, "eveonline.run_model_update", {});
      const stillThere = () => leaving.filter((i) => discord.member(guildId, discordIds[i]) !== null).length;
      const deadline = started + 120_000;
      while (stillThere() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const seconds = (performance.now() - started) / 1000;
      if (stillThere() > 0) throw new Error(`${stillThere()} of ${LEAVING} leavers were still in the guild after 120 s`);
      const kept = discordIds.filter((id) => discord.member(guildId, id) !== null).length;
      if (kept !== MEMBERS - LEAVING) throw new Error(`expected ${MEMBERS - LEAVING} members to stay, ${kept} did`);

      const cadence = settings.EVE_AFFILIATION_UPDATE_MINUTES;
      const worst = cadence * 60 + seconds;
      const figure: Figure = {
        name: `revocation latency, ${LEAVING} of ${MEMBERS.toLocaleString("en")} linked members leave the alliance`,
        metrics: [
          { key: "chain", value: seconds, unit: "", digits: 1 },
          { key: "worst", value: worst / 60, unit: "", digits: 1 },
        ],
        baseline: `chain in s from the scheduled run to the last kick (sync debounce ${settings.SERVICES_SYNC_DEBOUNCE_SECONDS} s included); worst in min = EVE_AFFILIATION_UPDATE_MINUTES (${cadence}) + chain; the original: run_model_update every 6 h, then its per-user Discord tasks`,
        targets: [{ label: "revocation ≤ 15 minutes without a login", met: worst <= 900, detail: `${(worst / 60).toFixed(1)} min worst case (+ up to 60 min of ESI's affiliation cache on the live server)` }],
        details: { members: MEMBERS, leaving: LEAVING, cadenceMinutes: cadence, chainSeconds: seconds },
      };
      return [figure];
    } finally {
      await worker?.stop().catch(() => {});
      await rt?.stop().catch(() => {});
      await discord.stop().catch(() => {});
      await eve.stop().catch(() => {});
      await database.cleanup().catch((error: Error) => ctx.progress(`  cleanup: ${error.message}`));
      log.level = level;
    }
  },
};
