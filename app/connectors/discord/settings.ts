/** The Discord settings the connector reads (declared in app/config.server.ts). */
import type { Settings } from "~/config.server";
import { discordCallbackUrl, discordConfigured, discordBotInviteUrl } from "./index.server";

export function discordSettings(settings: Settings) {
  return {
    configured: discordConfigured(settings),
    guildId: settings.DISCORD_GUILD_ID,
    appId: settings.DISCORD_APP_ID,
    appSecret: settings.DISCORD_APP_SECRET,
    callbackUrl: discordCallbackUrl(settings),
    oauthAuthorizeUrl: settings.DISCORD_OAUTH_BASE_URL,
    oauthTokenUrl: settings.DISCORD_OAUTH_TOKEN_URL,
    syncNames: settings.DISCORD_SYNC_NAMES,
    disableRoleCreation: settings.DISCORD_DISABLE_ROLE_CREATION,
  };
}

/** "Link Discord server": the bot authorization URL with the guild preselected. */
export function botInviteUrl(settings: Settings) {
  return discordBotInviteUrl({ clientId: settings.DISCORD_APP_ID, guildId: settings.DISCORD_GUILD_ID || undefined, authorizeUrl: settings.DISCORD_OAUTH_BASE_URL });
}
