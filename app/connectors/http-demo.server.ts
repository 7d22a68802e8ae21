/**
 * Demo mode for Discourse, XenForo and Openfire: with none of a service's settings present (never in
 * production) its faithful fake from tests/fakes runs in this process and the settings point at it,
 * as the fake Discord does (discord/demo.server.ts). The Jabber broadcast needs an XMPP server and stays
 * off in demo mode.
 */
import type { Settings } from "~/config.server";
import { randomToken } from "../modules/auth/crypto.server";
import { getLogger } from "../modules/ops/logger.server";

const KEYS = ["DISCOURSE_URL", "DISCOURSE_API_KEY", "DISCOURSE_API_USERNAME", "DISCOURSE_SSO_SECRET", "XENFORO_ENDPOINT", "XENFORO_APIKEY", "XENFORO_DEFAULT_GROUP", "OPENFIRE_ADDRESS", "OPENFIRE_SECRET_KEY", "JABBER_URL"] as const;

export async function startDemoHttpServices(settings: Settings) {
  const stops: (() => Promise<void>)[] = [];
  const log = getLogger();
  if (!settings.DISCOURSE_URL) {
    const { startFakeDiscourse } = await import("../../tests/fakes/discourse/index");
    const secrets = { apiKey: randomToken(), ssoSecret: randomToken() };
    const fake = await startFakeDiscourse({ ...secrets, apiUsername: "system", connectUrl: `${settings.SITE_URL}/discourse/sso` });
    Object.assign(settings, { DISCOURSE_URL: fake.url, DISCOURSE_API_KEY: secrets.apiKey, DISCOURSE_API_USERNAME: "system", DISCOURSE_SSO_SECRET: secrets.ssoSecret });
    stops.push(fake.stop);
    log.warn({ discourse: fake.url }, "demo mode: Discourse is a local fake (set DISCOURSE_URL for a real forum)");
  }
  if (!settings.XENFORO_ENDPOINT) {
    const { startFakeXenForo } = await import("../../tests/fakes/xenforo/index");
    const fake = await startFakeXenForo({ apiKey: randomToken() });
    Object.assign(settings, { XENFORO_ENDPOINT: fake.endpoint, XENFORO_APIKEY: fake.apiKey, XENFORO_DEFAULT_GROUP: 5 });
    stops.push(fake.stop);
    log.warn({ xenforo: fake.endpoint }, "demo mode: XenForo is a local fake (set XENFORO_ENDPOINT for a real forum)");
  }
  if (!settings.OPENFIRE_ADDRESS) {
    const { startFakeOpenfire } = await import("../../tests/fakes/openfire/index");
    const fake = await startFakeOpenfire({ secret: randomToken(), domain: settings.JABBER_URL || "localhost" });
    Object.assign(settings, { OPENFIRE_ADDRESS: fake.url, OPENFIRE_SECRET_KEY: fake.secret, JABBER_URL: settings.JABBER_URL || "localhost" });
    stops.push(fake.stop);
    log.warn({ openfire: fake.url }, "demo mode: Openfire is a local fake (set OPENFIRE_ADDRESS for a real server)");
  }
  return {
    stop: async () => {
      for (const stop of stops) await stop();
    },
    /** Settings a cluster child needs to reach the same fakes. */
    env: () => Object.fromEntries(KEYS.map((k) => [k, String(settings[k] ?? "")])),
  };
}

