/**
 * The web process (`main`, run by server.ts and by the compiled build/index.js): settings → database (embedded PostgreSQL when none is configured) → migrations →
 * HTTP server (Remix, /healthz, /metrics) → the embedded worker unless EMBEDDED_WORKER=false.
 * With WEB_CONCURRENCY > 1 this process keeps the database, worker and demo EVE, and forks that many
 * HTTP processes that share PORT (node cluster).
 */
import "../app/modules/ops/undici.server"; // first: one undici for fetch and its dispatcher
import cluster, { type Worker as ClusterWorker } from "node:cluster";
import type http from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { startHttpServer } from "../app/web/http.server";
import { bootOrExit, settingsOrExit } from "./boot";
import { startWorker, type WorkerHandle } from "../jobs/worker";
import { ensureMenuSynced } from "../app/modules/menu/stored.server";
import { menuItems } from "../app/modules/menu/registry.server";
import { announceSetupIfNeeded } from "../app/modules/auth/setup-announce.server";
import { getLogger } from "../app/modules/ops/logger.server";
import { seedDemoStatesOnFirstRun, startDemoEve, startDemoZkillboard } from "../app/modules/eve/demo.server";
import { demoDiscordEnv, startDemoDiscord } from "../app/connectors/discord/demo.server";
import { demoTs3Env, startDemoTs3 } from "../app/connectors/teamspeak3/demo.server";
import { startDemoHttpServices } from "../app/connectors/http-demo.server";
import type { Runtime } from "../app/modules/runtime.server";
import { tuneHeap } from "../app/modules/ops/heap.server";

const log = getLogger();
const CHILD_DEMO = "ALLIANCEAUTH_CLUSTER_DEMO";

// A signal during start-up must still stop the embedded PostgreSQL: hold it until boot is done.
let bootSignal: string | null = null;
const onEarlySignal = (signal: string) => {
  bootSignal = signal;
};

async function listen(runtime: Runtime, build: ServerBuild): Promise<http.Server> {
  return startHttpServer(runtime, build).catch(async (error: NodeJS.ErrnoException) => {
    const reason = error.code === "EADDRINUSE" ? `port ${runtime.settings.PORT} is already in use` : error.message;
    console.error(`PORT: cannot listen on ${runtime.settings.HOST}:${runtime.settings.PORT}: ${reason}`);
    await runtime.stop();
    process.exit(1);
  });
}

function handleSignals(shutdown: (signal: string) => Promise<void>) {
  process.off("SIGINT", onEarlySignal);
  process.off("SIGTERM", onEarlySignal);
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  if (bootSignal) void shutdown(bootSignal);
}

/** An HTTP process of the cluster: the primary gave it the database URLs; it migrates nothing. */
async function runHttpChild(build: ServerBuild) {
  const settings = settingsOrExit();
  if (process.env[CHILD_DEMO] === "1") settings.demoMode = true;
  const runtime = await bootOrExit({ migrate: false });
  const server = await listen(runtime, build);
  let stopping = false;
  handleSignals(async () => {
    if (stopping) return;
    stopping = true;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.stop();
    process.exit(0);
  });
}

async function runPrimary(build: ServerBuild) {
  const runtime = await bootOrExit({ migrate: true });
  const { settings } = runtime;
  // The stored sidebar follows the code's entries (new ones appear, removed ones go; admin edits stay).
  await ensureMenuSynced(runtime.db, menuItems());
  const demoEve = settings.demoMode ? await startDemoEve(settings) : null;
  if (demoEve) await seedDemoStatesOnFirstRun(runtime.db, settings);
  const demoZkb = settings.demoMode ? await startDemoZkillboard(settings) : null;
  const demoDiscord = settings.demoMode && !settings.DISCORD_BOT_TOKEN ? await startDemoDiscord(settings) : null;
  const demoTs3 = settings.demoMode && !settings.TEAMSPEAK3_SERVER_IP ? await startDemoTs3(settings) : null;
  const demoHttp = settings.demoMode ? await startDemoHttpServices(settings) : null;
  const children = new Set<ClusterWorker>();
  let server: http.Server | null = null;
  let stopping = false;

  if (settings.WEB_CONCURRENCY > 1) {
    // Children reach the same databases (and, in demo mode, the same fake EVE) as this process.
    const env: Record<string, string> = { DATABASE_URL: runtime.authUrl, QUEUE_DATABASE_URL: runtime.queueUrl, SECRET_KEY: settings.SECRET_KEY };
    if (demoEve) Object.assign(env, { ESI_SSO_CLIENT_ID: settings.ESI_SSO_CLIENT_ID, ESI_SSO_CLIENT_SECRET: settings.ESI_SSO_CLIENT_SECRET, ESI_SSO_BASE_URL: settings.ESI_SSO_BASE_URL, ESI_API_URL: settings.ESI_API_URL, [CHILD_DEMO]: "1" });
    if (demoZkb) env.ZKILLBOARD_API_URL = settings.ZKILLBOARD_API_URL;
    if (demoDiscord) Object.assign(env, demoDiscordEnv(settings));
    if (demoTs3) Object.assign(env, demoTs3Env(settings));
    if (demoHttp) Object.assign(env, demoHttp.env());
    const fork = () => {
      const child = cluster.fork(env);
      children.add(child);
      child.on("exit", (code) => {
        children.delete(child);
        if (!stopping) {
          log.error({ code }, "an HTTP process exited; starting another");
          setTimeout(fork, 1000).unref();
        }
      });
    };
    for (let i = 0; i < settings.WEB_CONCURRENCY; i++) fork();
  } else {
    server = await listen(runtime, build);
  }

  let worker: WorkerHandle | undefined;
  if (settings.EMBEDDED_WORKER) worker = await startWorker(runtime);
  log.info({ url: settings.SITE_URL, dialect: runtime.dialect, embeddedWorker: settings.EMBEDDED_WORKER, httpProcesses: settings.WEB_CONCURRENCY }, "Alliance Auth is serving");
  await announceSetupIfNeeded(runtime);

  handleSignals(async (signal) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    setTimeout(() => process.exit(1), 15_000).unref();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await Promise.all(
      [...children].map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.process.kill("SIGTERM");
          }),
      ),
    );
    await worker?.stop().catch(() => {});
    await demoEve?.stop();
    await demoZkb?.stop();
    await demoDiscord?.stop();
    await demoTs3?.stop();
    await demoHttp?.stop();
    await runtime.stop();
    process.exit(0);
  });
}

/** Starts the web process (or, in a cluster child, one HTTP process) serving `build`. */
export async function main(build: ServerBuild) {
  tuneHeap();
  process.once("SIGINT", onEarlySignal);
  process.once("SIGTERM", onEarlySignal);
  process.on("unhandledRejection", (reason) => log.error({ err: String(reason) }, "unhandled rejection"));
  process.on("uncaughtException", (error) => log.error({ err: error.message, stack: error.stack }, "uncaught exception"));
  if (cluster.isWorker) await runHttpChild(build);
  else await runPrimary(build);
}
