/**
 * The benchmark harness: `npm run bench` (or `npx tsx bench/run.ts`).
 *
 * Starts the production server on a fresh embedded PostgreSQL, creates a superuser through the
 * first-run setup page, runs every benchmark in `index.ts`, prints one line per figure to stdout
 * (progress goes to stderr), and writes `bench/results/latest.json`. The server is always stopped
 * and its temporary DATA_DIR removed, also on errors and Ctrl-C (and by `reaper.ts` should this
 * process be killed outright).
 *
 * Environment: BENCH_DURATION (seconds per load, default 10), BENCH_CONNECTIONS (default 8),
 * BENCH_WARMUP (seconds, default min(3, duration)), BENCH_ONLY (comma-separated benchmark names; opt-in ones such as `import` run only when named), BENCH_DATABASE_URL (an empty external database
 * instead of the embedded one), BENCH_BUILD=1 (rebuild first), BENCH_VERBOSE=1 (echo server output).
 */
import os from "node:os";
import path from "node:path";
import { benchmarks } from "./index";
import { runLoad } from "./load";
import { memorySnapshot } from "./proc";
import { formatFigure, formatSummary, writeResults } from "./report";
import { ensureBuild, ServerProcess } from "./server-process";
import { createSuperuserSession } from "./session";
import type { BenchContext, Figure } from "./types";

/** Set on Ctrl-C / SIGTERM: stops running loads; the harness then only reports its cleanup. */
const interrupt = new AbortController();

function say(message: string) {
  process.stderr.write(`${message}\n`);
}

/** Progress of the benchmarks, silent once interrupted (the run is being torn down). */
function progress(message: string) {
  if (!interrupt.signal.aborted) say(message);
}

function numberFromEnv(name: string, fallback: number, { integer = false, min = 0 } = {}): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}: expected ${integer ? "a whole number" : "a number"} ≥ ${min}, got "${raw}"`);
  }
  return value;
}

let server: ServerProcess | undefined;
let stopping: Promise<void> | undefined;
/** Idempotent: the error path, the normal path and a signal may all ask for it. */
function cleanup(): Promise<void> {
  if (!stopping) stopping = server ? server.stop(say).catch((error: Error) => say(`cleanup: ${error.message}`)) : Promise.resolve();
  return stopping;
}

// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by the tsx
// wrapper), and a second signal without a listener would kill it before the cleanup finishes.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) return;
    say(`\n${signal}: stopping the server and cleaning up…`);
    // Set now: the main flow may reach its own exit first, once the shared cleanup is done.
    process.exitCode = signal === "SIGINT" ? 130 : 143;
    interrupt.abort();
    void cleanup().finally(() => process.exit());
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const durationSeconds = numberFromEnv("BENCH_DURATION", 10, { min: 1 });
  const connections = numberFromEnv("BENCH_CONNECTIONS", 8, { integer: true, min: 1 });
  const warmupSeconds = numberFromEnv("BENCH_WARMUP", Math.min(3, durationSeconds));
  // Load and server share the machine; anything else running skews the figures, so say so.
  const loadAtStart = os.loadavg();
  const cpuCount = os.availableParallelism();
  if (loadAtStart[0]! > cpuCount / 2) progress(`note: the machine is busy (load average ${loadAtStart[0]!.toFixed(1)} on ${cpuCount} CPUs); figures will be lower than on an idle machine`);

  await ensureBuild(progress);
  server = await ServerProcess.start(progress);
  const running = server;
  progress("waiting for GET /healthz to return 200…");
  await running.waitUntilHealthy();
  progress(`server up (pid ${running.pid}); creating the superuser "bench" through the setup page…`);
  const sessionCookie = await createSuperuserSession(running.baseUrl, await running.waitForSetupUrl());

  const ctx: BenchContext = {
    baseUrl: running.baseUrl,
    sessionCookie,
    durationSeconds,
    warmupSeconds,
    connections,
    load: (options) => runLoad({ baseUrl: running.baseUrl, connections, durationSeconds, warmupSeconds, serverPid: running.pid, signal: interrupt.signal, progress }, options),
    memory: () => memorySnapshot(running.pid),
    progress,
  };

  const figures: Figure[] = [];
  const only = process.env.BENCH_ONLY?.split(",").map((name) => name.trim()).filter(Boolean);
  for (const benchmark of benchmarks) {
    if (only?.length ? !only.includes(benchmark.name) : benchmark.optIn) continue;
    progress(`[${benchmark.name}]`);
    const produced = await benchmark.run(ctx);
    // Print as soon as each benchmark is done, so a long run shows results early.
    for (const figure of produced) console.log(formatFigure(figure));
    figures.push(...produced);
  }

  await cleanup();
  console.log(formatSummary(figures, { seconds: (Date.now() - started) / 1000, durationSeconds, connections }));
  const file = writeResults({
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    settings: { durationSeconds, warmupSeconds, connections, database: process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "embedded" },
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    figures,
  });
  progress(`results written to ${path.relative(process.cwd(), file)}`);
}

try {
  await main();
} catch (error) {
  // After an interrupt, errors are the teardown's echo; the signal handler sets the exit code.
  if (!interrupt.signal.aborted) {
    say(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await cleanup();
}
// Lingering keep-alive sockets must not hold the process open once everything is stopped.
process.exit();
