/**
 * The web process: settings → database (embedded PostgreSQL when none is configured) → migrations →
 * HTTP server (Remix, /healthz, /metrics) → the embedded worker unless EMBEDDED_WORKER=false.
 */
import "./app/modules/ops/undici.server"; // first: one undici for fetch and its dispatcher
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startHttpServer } from "./app/modules/ops/http.server";
import { bootOrExit } from "./bin/boot";
import { startWorker, type WorkerHandle } from "./jobs/worker";
import { announceSetupIfNeeded } from "./app/modules/auth/setup-announce.server";
import { getLogger } from "./app/modules/ops/logger.server";
import { startDemoEve } from "./app/modules/eve/demo.server";

const log = getLogger();
// A signal during start-up must still stop the embedded PostgreSQL: hold it until boot is done.
let bootSignal: string | null = null;
const onEarlySignal = (signal: string) => {
  bootSignal = signal;
};
process.once("SIGINT", onEarlySignal);
process.once("SIGTERM", onEarlySignal);
const runtime = await bootOrExit({ migrate: true });
const { settings } = runtime;
const demoEve = settings.demoMode ? await startDemoEve(settings) : null;

const buildPath = path.resolve("build/index.js");
let build;
try {
  build = await import(pathToFileURL(buildPath).href);
} catch (error) {
  console.error(`build: cannot load ${buildPath} (run \`npm run build\` first): ${(error as Error).message.split("\n")[0]}`);
  await runtime.stop();
  process.exit(1);
}

const server = await startHttpServer(runtime, build).catch(async (error: NodeJS.ErrnoException) => {
  const reason = error.code === "EADDRINUSE" ? `port ${settings.PORT} is already in use` : error.message;
  console.error(`PORT: cannot listen on ${settings.HOST}:${settings.PORT}: ${reason}`);
  await runtime.stop();
  process.exit(1);
});

let worker: WorkerHandle | undefined;
if (settings.EMBEDDED_WORKER) worker = await startWorker(runtime);

log.info({ url: settings.SITE_URL, dialect: runtime.dialect, embeddedWorker: settings.EMBEDDED_WORKER }, "Alliance Auth is serving");
await announceSetupIfNeeded(runtime);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await worker?.stop().catch(() => {});
  await demoEve?.stop();
  await runtime.stop();
  process.exit(0);
}
process.off("SIGINT", onEarlySignal);
process.off("SIGTERM", onEarlySignal);
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
if (bootSignal) void shutdown(bootSignal);
process.on("unhandledRejection", (reason) => log.error({ err: String(reason) }, "unhandled rejection"));
process.on("uncaughtException", (error) => log.error({ err: error.message, stack: error.stack }, "uncaught exception"));
