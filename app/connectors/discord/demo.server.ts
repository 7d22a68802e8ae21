/**
 * Demo mode: with no Discord bot configured (never in production) the faithful fake Discord from
 * tests/fakes/discord runs in this process, seeded with a small server, and the settings point at it.
 */
import type { Settings } from "~/config.server";
import { randomToken } from "../../modules/auth/crypto.server";
import { getLogger } from "../../modules/ops/logger.server";
import { discordCallbackUrl } from "./index.server";

export async function startDemoDiscord(settings: Settings) {
  const { startFakeDiscord, seedDemoDiscord, DISCORD_DEMO } = await import("../../../tests/fakes/discord/index");
  const clientId = "900000000000000900";
  const clientSecret = randomToken();
  const botToken = `demo.${randomToken()}`;
  const fake = await startFakeDiscord({ app: { clientId, clientSecret, botToken, name: "Alliance Auth (demo)", redirectUris: [discordCallbackUrl(settings)] } });
  seedDemoDiscord(fake);
  // The settings object is shared by the whole process: point it at the fake.
  Object.assign(settings, {
    DISCORD_GUILD_ID: DISCORD_DEMO.guildId,
    DISCORD_APP_ID: clientId,
    DISCORD_APP_SECRET: clientSecret,
    DISCORD_BOT_TOKEN: botToken,
    DISCORD_CALLBACK_URL: discordCallbackUrl(settings),
    DISCORD_API_BASE_URL: fake.apiBase,
    DISCORD_OAUTH_BASE_URL: fake.authorizeUrl,
    DISCORD_OAUTH_TOKEN_URL: fake.tokenUrl,
  });
  getLogger().warn({ discord: fake.url }, "demo mode: Discord is a local fake (set DISCORD_BOT_TOKEN for the real one)");
  return fake;
}

/** Settings a cluster child needs to reach the same fake. */
export function demoDiscordEnv(settings: Settings): Record<string, string> {
  const keys = ["DISCORD_GUILD_ID", "DISCORD_APP_ID", "DISCORD_APP_SECRET", "DISCORD_BOT_TOKEN", "DISCORD_CALLBACK_URL", "DISCORD_API_BASE_URL", "DISCORD_OAUTH_BASE_URL", "DISCORD_OAUTH_TOKEN_URL"] as const;
  return Object.fromEntries(keys.map((k) => [k, String(settings[k] ?? "")]));
}
