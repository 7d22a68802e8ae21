/** The TeamSpeak 3 settings the connector reads (declared in app/config.server.ts). */
import type { Settings } from "~/config.server";
import type { QueryClientOptions } from "./query-client.server";

export function ts3Configured(settings: Settings) {
  return Boolean(settings.TEAMSPEAK3_SERVER_IP);
}

export function queryOptions(settings: Settings): QueryClientOptions {
  return {
    host: settings.TEAMSPEAK3_SERVER_IP,
    port: settings.TEAMSPEAK3_SERVER_PORT,
    username: settings.TEAMSPEAK3_SERVERQUERY_USER,
    password: settings.TEAMSPEAK3_SERVERQUERY_PASSWORD,
    sid: settings.TEAMSPEAK3_VIRTUAL_SERVER,
    floodCommands: settings.TEAMSPEAK3_QUERY_FLOOD_COMMANDS,
    floodWindowMs: settings.TEAMSPEAK3_QUERY_FLOOD_SECONDS * 1000,
    timeoutMs: settings.TEAMSPEAK3_QUERY_TIMEOUT_SECONDS * 1000,
    keepAliveMs: 240_000,
  };
}

/** The link a TeamSpeak client opens: connect, redeem the key, take the nickname. */
export function joinLink(settings: Settings, key: string, nickname: string) {
  if (!settings.TEAMSPEAK3_PUBLIC_URL) return null;
  return `ts3server://${settings.TEAMSPEAK3_PUBLIC_URL}?token=${encodeURIComponent(key)}&nickname=${encodeURIComponent(nickname)}`;
}
