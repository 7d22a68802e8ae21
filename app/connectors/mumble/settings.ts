/** The Mumble settings the connector reads (declared in app/config.server.ts). */
import type { Settings } from "~/config.server";

export interface MumbleSettings {
  configured: boolean;
  url: string;
  mode: "table" | "direct";
  iceHost: string;
  icePort: number;
  iceSecret: string;
  serverId: number;
  timeoutMs: number;
}

export function mumbleSettings(settings: Settings): MumbleSettings {
  return {
    configured: Boolean(settings.MUMBLE_URL),
    url: settings.MUMBLE_URL,
    mode: settings.MUMBLE_MODE,
    iceHost: settings.MUMBLE_ICE_HOST,
    icePort: settings.MUMBLE_ICE_PORT,
    iceSecret: settings.MUMBLE_ICE_SECRET,
    serverId: settings.MUMBLE_SERVER_ID,
    timeoutMs: settings.MUMBLE_ICE_TIMEOUT_SECONDS * 1000,
  };
}

/** The connect link: mumble://<url-quoted username>@<MUMBLE_URL> (the original's connect_url). */
export function connectUrl(settings: Settings, username: string | null): string | null {
  const host = settings.MUMBLE_URL.replace(/^mumble:\/\//, "").replace(/\/+$/, "");
  if (!host) return null;
  return username ? `mumble://${encodeURIComponent(username)}@${host}` : `mumble://${host}`;
}
