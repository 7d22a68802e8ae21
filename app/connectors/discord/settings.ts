/** The Discord settings the connector reads (declared in app/config.server.ts). */
import type { Settings } from "~/config.server";

export interface DiscordSettings {
  guildId: string;
  botToken: string;
  appId: string;
  appSecret: string;
  callbackUrl: string;
  oauthAuthorizeUrl: string;
  oauthTokenUrl: string;
  syncNames: boolean;
  disableRoleCreation: boolean;
}

export function discordSettings(settings: Settings): DiscordSettings {
  const s = settings as Settings & Record<string, unknown>;
  const text = (key: string, fallback = "") => (typeof s[key] === "string" && s[key] ? String(s[key]) : fallback);
  return {
    guildId: text("DISCORD_GUILD_ID"),
    botToken: text("DISCORD_BOT_TOKEN"),
    appId: text("DISCORD_APP_ID"),
    appSecret: text("DISCORD_APP_SECRET"),
    callbackUrl: text("DISCORD_CALLBACK_URL", `${settings.SITE_URL}/services/discord/callback`),
    oauthAuthorizeUrl: text("DISCORD_OAUTH_BASE_URL", "https://discord.com/oauth2/authorize"),
    oauthTokenUrl: text("DISCORD_OAUTH_TOKEN_URL", "https://discord.com/api/v10/oauth2/token"),
    syncNames: Boolean(s.DISCORD_SYNC_NAMES),
    disableRoleCreation: Boolean(s.DISCORD_DISABLE_ROLE_CREATION),
  };
}

/** Permissions the bot needs: manage roles, kick, create invite (PUT member), manage nicknames. */
export const BOT_PERMISSIONS = (1n << 28n) | (1n << 1n) | (1n << 0n) | (1n << 27n);

/** The bot authorization URL ("link Discord server"): scope bot, the guild preselected. */
export function botInviteUrl(settings: Settings) {
  const s = discordSettings(settings);
  const url = new URL(s.oauthAuthorizeUrl);
  url.search = new URLSearchParams({ client_id: s.appId, scope: "bot", permissions: BOT_PERMISSIONS.toString(), ...(s.guildId ? { guild_id: s.guildId, disable_guild_select: "true" } : {}) }).toString();
  return url.toString();
}
