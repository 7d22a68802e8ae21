/**
 * Demo mode: with no EVE SSO application configured (never in production) the faithful fake EVE from
 * tests/fakes/eve runs in this process, seeded with a small universe, and the site talks to it.
 */
import type { Settings } from "~/config.server";
import { randomToken } from "../auth/crypto.server";
import { getLogger } from "../ops/logger.server";
import { resetSsoCaches } from "./sso.server";

export async function startDemoEve(settings: Settings) {
  const { startFakeEve, seedDemoWorld } = await import("../../../tests/fakes/eve/index");
  const clientId = "allianceauth-demo";
  const clientSecret = randomToken();
  const fake = await startFakeEve({ clients: [{ clientId, clientSecret, redirectUri: settings.ESI_SSO_CALLBACK_URL }] });
  seedDemoWorld(fake);
  // The settings object is shared by the whole process: point it at the fake.
  Object.assign(settings, { ESI_SSO_CLIENT_ID: clientId, ESI_SSO_CLIENT_SECRET: clientSecret, ESI_SSO_BASE_URL: fake.ssoUrl, ESI_API_URL: `${fake.esiUrl}/` });
  resetSsoCaches();
  getLogger().warn({ sso: fake.ssoUrl, esi: fake.esiUrl }, "demo mode: EVE SSO and ESI are a local fake (set ESI_SSO_CLIENT_ID for the real ones)");
  return fake;
}
