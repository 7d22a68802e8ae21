/**
 * The Discord connector's protocol side, built from the settings: the REST client (rate limits shared
 * through the database) and the OAuth2 configuration. The sync logic lives with the services framework.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { DiscordClient, type DiscordClientOptions } from "./api.server";
import type { DiscordOAuthConfig } from "./oauth.server";
import { KyselyRateLimitStore } from "./rate-limit-store.server";

export type DiscordSettings = Pick<
  Settings,
  "SITE_URL" | "DISCORD_GUILD_ID" | "DISCORD_APP_ID" | "DISCORD_APP_SECRET" | "DISCORD_BOT_TOKEN" | "DISCORD_CALLBACK_URL" | "DISCORD_API_BASE_URL" | "DISCORD_OAUTH_BASE_URL" | "DISCORD_OAUTH_TOKEN_URL"
>;

/** All four of app id, secret, bot token and guild id are set. */
export function discordConfigured(settings: DiscordSettings): boolean {
  return Boolean(settings.DISCORD_GUILD_ID && settings.DISCORD_APP_ID && settings.DISCORD_APP_SECRET && settings.DISCORD_BOT_TOKEN);
}

export function discordCallbackUrl(settings: Pick<Settings, "SITE_URL" | "DISCORD_CALLBACK_URL">): string {
  return settings.DISCORD_CALLBACK_URL || `${settings.SITE_URL}/discord/callback`;
}

export function discordOAuthConfig(settings: DiscordSettings): DiscordOAuthConfig {
  return {
    clientId: settings.DISCORD_APP_ID,
    clientSecret: settings.DISCORD_APP_SECRET,
    redirectUri: discordCallbackUrl(settings),
    authorizeUrl: settings.DISCORD_OAUTH_BASE_URL,
    tokenUrl: settings.DISCORD_OAUTH_TOKEN_URL,
    siteUrl: settings.SITE_URL,
  };
}

/** The bot's client; every process that builds one over the same database shares the rate limits. */
export function createDiscordClient(db: Kysely<DB>, settings: DiscordSettings, options: Partial<DiscordClientOptions> = {}): DiscordClient {
  return new DiscordClient({
    botToken: settings.DISCORD_BOT_TOKEN,
    apiBase: settings.DISCORD_API_BASE_URL,
    siteUrl: settings.SITE_URL,
    store: new KyselyRateLimitStore(db),
    ...options,
  });
}

export { DiscordClient, cutNickname, cutRoleName, type AddMemberOptions, type AddMemberResult, type DiscordClientOptions } from "./api.server";
export { DiscordApiError, DiscordOAuthError, DiscordUnavailableError, isTransientDiscordError } from "./errors.server";
export { MemoryRateLimitStore, KyselyRateLimitStore, type RateLimitStore } from "./rate-limit-store.server";
export * from "./oauth.server";
