/**
 * Demo mode: with no TeamSpeak server configured (never in production) the fake ServerQuery server
 * from tests/fakes/teamspeak3 runs in this process, and a simulated client redeems each privilege
 * key a moment after it is made (there is no TeamSpeak client in a demo).
 */
import type { Settings } from "~/config.server";
import { getLogger } from "../../modules/ops/logger.server";

export async function startDemoTs3(settings: Settings) {
  const { startFakeTs3, seedDemoTs3, TS3_DEMO } = await import("../../../tests/fakes/teamspeak3/index");
  const fake = await startFakeTs3({ login: TS3_DEMO.login, autoRedeemMs: 1500, floodCommands: 0 });
  seedDemoTs3(fake);
  Object.assign(settings, {
    TEAMSPEAK3_SERVER_IP: fake.host,
    TEAMSPEAK3_SERVER_PORT: fake.port,
    TEAMSPEAK3_SERVERQUERY_USER: TS3_DEMO.login.username,
    TEAMSPEAK3_SERVERQUERY_PASSWORD: TS3_DEMO.login.password,
    TEAMSPEAK3_VIRTUAL_SERVER: 1,
    TEAMSPEAK3_PUBLIC_URL: settings.TEAMSPEAK3_PUBLIC_URL || "ts.demo.invalid",
  });
  getLogger().warn({ teamspeak3: `${fake.host}:${fake.port}` }, "demo mode: TeamSpeak 3 is a local fake (set TEAMSPEAK3_SERVER_IP for the real one)");
  return fake;
}

/** Settings a cluster child needs to reach the same fake. */
export function demoTs3Env(settings: Settings): Record<string, string> {
  const keys = ["TEAMSPEAK3_SERVER_IP", "TEAMSPEAK3_SERVER_PORT", "TEAMSPEAK3_SERVERQUERY_USER", "TEAMSPEAK3_SERVERQUERY_PASSWORD", "TEAMSPEAK3_VIRTUAL_SERVER", "TEAMSPEAK3_PUBLIC_URL"] as const;
  return Object.fromEntries(keys.map((k) => [k, String(settings[k] ?? "")]));
}
