/**
 * A test world for the services framework against the fake Discord: a runtime with Discord
 * configured, the Member state granting discord.access_discord, and members linked through the
 * real activation (completeOAuthActivation with a token from the fake).
 */
import { connectorById } from "~/connectors/registry.server";
import { systemActor } from "~/modules/audit/audit.server";
import type { Connector } from "~/modules/services/contract";
import { completeOAuthActivation } from "~/modules/services/page.server";
import type { Dialect } from "../../db/dialect";
import { startFakeDiscord, type FakeDiscord, type SeedGuild } from "../fakes/discord/index";
import { createTestRuntime, type TestRuntime } from "./db";
import { makeGroup, makeUser, permissionId } from "./factories";

export const DISCORD_TEST_APP = { clientId: "222222222222222222", clientSecret: "svc-secret", botToken: "svc-bot-token", redirectUris: ["http://127.0.0.1:9/discord/callback"], name: "AA" };

export interface DiscordWorld {
  rt: TestRuntime;
  fake: FakeDiscord;
  g: SeedGuild;
  discord: Connector;
  memberState: number;
  guestState: number;
  dialect: Dialect;
}

export async function startDiscordWorld(dialect: Dialect, settings: Record<string, string> = {}): Promise<DiscordWorld> {
  const fake = await startFakeDiscord({ app: DISCORD_TEST_APP });
  const g = fake.addGuild({ name: "Services Guild" });
  fake.setMembersIntent(true);
  for (const group of ["members-list", "member", "member-add", "roles", "role-create", "me"] as const) fake.setBucketLimit(group, { limit: 100_000, windowMs: 1000 });
  const rt = await createTestRuntime(dialect, {
    settings: {
      DISCORD_GUILD_ID: g.guildId,
      DISCORD_APP_ID: DISCORD_TEST_APP.clientId,
      DISCORD_APP_SECRET: DISCORD_TEST_APP.clientSecret,
      DISCORD_BOT_TOKEN: DISCORD_TEST_APP.botToken,
      DISCORD_API_BASE_URL: fake.apiBase,
      DISCORD_OAUTH_BASE_URL: fake.authorizeUrl,
      DISCORD_OAUTH_TOKEN_URL: fake.tokenUrl,
      DISCORD_SYNC_NAMES: "true",
      DISCORD_CALLBACK_URL: DISCORD_TEST_APP.redirectUris[0],
      ...settings,
    },
  });
  const states = await rt.db.selectFrom("states").select(["id", "name"]).execute();
  const memberState = states.find((s) => s.name === "Member")!.id;
  const guestState = states.find((s) => s.name === "Guest")!.id;
  await rt.db.insertInto("state_permissions").values({ state_id: memberState, permission_id: await permissionId(rt.db, "discord.access_discord") }).execute();
  return { rt, fake, g, discord: connectorById("discord")!, memberState, guestState, dialect };
}

export async function stopDiscordWorld(world: DiscordWorld | undefined) {
  await world?.rt.stop();
  await world?.fake.stop();
}

/** The names of the roles a guild member holds, sorted. */
export function roleNames(world: DiscordWorld, discordId: string) {
  const { fake, g } = world;
  return (fake.member(g.guildId, discordId)?.roles ?? []).map((id) => fake.roles(g.guildId).find((r) => r.id === id)?.name).sort();
}

let n = 0;

/** A Member-state user with a main, in `groups`, linked to a new Discord user through activation. */
export async function linkedUser(world: DiscordWorld, options: { groups?: string[]; main?: string; link?: boolean; prefix?: string } = {}) {
  const { rt, fake, dialect } = world;
  const i = ++n;
  const prefix = options.prefix ?? "svc";
  const u = await makeUser(rt.db, { username: `${prefix}${i}_${dialect}` });
  const characterId = (prefix === "svc" ? 96_000_000 : 95_000_000) + i;
  await rt.db
    .insertInto("eve_characters")
    .values({ character_id: characterId, character_name: options.main ?? `Pilot ${i}`, corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
    .execute();
  const c = await rt.db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
  await rt.db.updateTable("users").set({ main_character_id: c.id, state_id: world.memberState }).where("id", "=", u.id).execute();
  for (const name of options.groups ?? []) {
    const existing = await rt.db.selectFrom("auth_groups").select("id").where("name", "=", name).executeTakeFirst();
    const groupId = existing?.id ?? (await makeGroup(rt.db, name)).id;
    await rt.db.insertInto("user_groups").values({ user_id: u.id, group_id: groupId }).execute();
  }
  const discordUser = fake.addUser({ username: `${prefix === "svc" ? "du" : prefix}${i}${dialect}` });
  if (options.link !== false) {
    const token = fake.issueToken(discordUser.id).access_token;
    await completeOAuthActivation(rt.db, rt.settings, world.discord, u.id, token, systemActor("test"));
  }
  return { user: u, discordId: discordUser.id, index: i, characterId };
}
