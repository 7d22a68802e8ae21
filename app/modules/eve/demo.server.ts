/**
 * Demo mode: with no EVE SSO application configured (never in production) the faithful fake EVE from
 * tests/fakes/eve runs in the web process, seeded with a small universe, and the site talks to it.
 * The web process writes where the fake listens (and its client secret) to DATA_DIR/demo-eve.json,
 * so that a separate `npm run worker` (EMBEDDED_WORKER=false) reaches the same fake.
 */
import fs from "node:fs";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { randomToken } from "../auth/crypto.server";
import { getLogger } from "../ops/logger.server";
import { seedDemoStates } from "./demo-seed.server";
import { EveProvider } from "./entities.server";
import { EsiClient } from "./esi-client.server";
import { resetSsoCaches } from "./sso.server";

type DemoConnection = Pick<Settings, "ESI_SSO_CLIENT_ID" | "ESI_SSO_CLIENT_SECRET" | "ESI_SSO_BASE_URL" | "ESI_API_URL">;

export const demoEveFile = (settings: Pick<Settings, "DATA_DIR">) => path.resolve(settings.DATA_DIR, "demo-eve.json");

function useConnection(settings: Settings, connection: DemoConnection) {
  // The settings object is shared by the whole process: point it at the fake.
  Object.assign(settings, connection);
  resetSsoCaches();
}

export async function startDemoEve(settings: Settings) {
  const { startFakeEve, seedDemoWorld } = await import("../../../tests/fakes/eve/index");
  const clientId = "allianceauth-demo";
  const clientSecret = randomToken();
  const fake = await startFakeEve({ clients: [{ clientId, clientSecret, redirectUri: settings.ESI_SSO_CALLBACK_URL }] });
  seedDemoWorld(fake);
  const connection: DemoConnection = { ESI_SSO_CLIENT_ID: clientId, ESI_SSO_CLIENT_SECRET: clientSecret, ESI_SSO_BASE_URL: fake.ssoUrl, ESI_API_URL: `${fake.esiUrl}/` };
  useConnection(settings, connection);
  const file = demoEveFile(settings);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(connection), { mode: 0o600 });
  getLogger().warn({ sso: fake.ssoUrl, esi: fake.esiUrl }, "demo mode: EVE SSO and ESI are a local fake (set ESI_SSO_CLIENT_ID for the real ones)");
  return fake;
}

/**
 * Demo mode's zKillboard (ship replacement reads a loss's hash and value there): the faithful fake
 * from tests/fakes/zkillboard, knowing the demo world's losses. Always the fake in demo mode, since the
 * real zKillboard's kills are not in the fake ESI.
 */
export async function startDemoZkillboard(settings: Settings) {
  const [{ startFakeZkillboard }, { DEMO }] = await Promise.all([import("../../../tests/fakes/zkillboard/index"), import("../../../tests/fakes/eve/index")]);
  const fake = await startFakeZkillboard();
  for (const k of Object.values(DEMO.kills)) fake.addKill({ id: k.id, hash: k.hash, totalValue: k.value });
  settings.ZKILLBOARD_API_URL = fake.apiUrl;
  getLogger().warn({ zkillboard: fake.apiUrl }, "demo mode: zKillboard is a local fake");
  return fake;
}

/**
 * A worker process in demo mode: use the fake the web process started (read from its file; until
 * the web process has written it, poll every few seconds). Returns a stop function.
 */
export function connectToDemoEve(settings: Settings, pollMs = 3000): () => void {
  const file = demoEveFile(settings);
  let last = "";
  const read = () => {
    try {
      const text = fs.readFileSync(file, "utf8");
      if (text === last) return;
      last = text;
      useConnection(settings, JSON.parse(text) as DemoConnection);
      getLogger().info({ file }, "demo mode: the worker uses the fake EVE of the web process");
    } catch {
      // not written yet (the web process is starting), or being rewritten: next poll
    }
  };
  read();
  // The web process writes a new file when it restarts (new ports, new secret): follow it.
  const timer = setInterval(read, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * On a demo site's first run (no user yet, DEMO_SEED_STATES on): Silent Meridian → Member and Ashen
 * Covenant → Blue, read from the running fake like an admin's pick.
 */
export async function seedDemoStatesOnFirstRun(db: Kysely<DB>, settings: Settings) {
  if (!settings.DEMO_SEED_STATES) return [];
  const { DEMO } = await import("../../../tests/fakes/eve/index");
  const changed = await seedDemoStates(db, new EveProvider(new EsiClient(db, settings)), [
    { state: "Member", allianceIds: [DEMO.alliances.meridian] },
    { state: "Blue", allianceIds: [DEMO.alliances.covenant] },
  ]);
  if (changed.length) getLogger().info({ states: changed }, "demo mode: the demo alliances were put into states (DEMO_SEED_STATES=false to start empty)");
  return changed;
}
