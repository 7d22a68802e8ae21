/** Load generation with autocannon, run in this process. */
import autocannon from "autocannon";
import { machineCpuMs, serverCpuMs, statusKb } from "./proc";
import type { LoadOptions, LoadResult } from "./types";

/** More than this share of failed requests makes the figures meaningless: the run fails. */
const MAX_FAILURE_RATIO = 0.01;
const RSS_SAMPLE_MS = 200;

export interface LoadSettings {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  serverPid: number;
  /** Aborted on Ctrl-C: ends the running load at once. */
  signal: AbortSignal;
  progress(message: string): void;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

async function fire(settings: LoadSettings, url: string, options: LoadOptions, seconds: number, onResponse?: (status: number, ms: number) => void) {
  settings.signal.throwIfAborted();
  const instance = autocannon({ url, connections: settings.connections, duration: seconds, timeout: 10, headers: options.headers });
  if (onResponse) instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
  const stop = () => instance.stop();
  settings.signal.addEventListener("abort", stop, { once: true });
  try {
    return await instance;
  } finally {
    settings.signal.removeEventListener("abort", stop);
  }
}

/**
 * Warm-up (discarded), then the measured run. Latencies are taken from autocannon's per-response
 * event rather than its histogram, which rounds to whole milliseconds — too coarse for fast routes.
 */
export async function runLoad(settings: LoadSettings, options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.path, settings.baseUrl).href;
  const { connections } = settings;
  if (settings.warmupSeconds > 0) {
    settings.progress(`  warming up ${options.path} for ${settings.warmupSeconds} s…`);
    await fire(settings, url, options, settings.warmupSeconds);
  }

  settings.progress(`  measuring ${options.path} for ${settings.durationSeconds} s at c=${connections}…`);
  const latencies: number[] = [];
  let rssMaxKb = statusKb(settings.serverPid, "VmRSS") ?? 0;
  const sampler = setInterval(() => {
    rssMaxKb = Math.max(rssMaxKb, statusKb(settings.serverPid, "VmRSS") ?? 0);
  }, RSS_SAMPLE_MS);
  const serverCpuBefore = serverCpuMs(settings.serverPid);
  const machineBefore = machineCpuMs();
  let result: autocannon.Result;
  try {
    result = await fire(settings, url, options, settings.durationSeconds, (status, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  } finally {
    clearInterval(sampler);
  }
  const serverCpu = serverCpuMs(settings.serverPid) - serverCpuBefore;
  const machineAfter = machineCpuMs();
  settings.signal.throwIfAborted();

  const ok = latencies.length;
  const failed = result.non2xx + result.errors;
  const codes = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(", ");
  if (ok === 0 || (!options.tolerateFailures && failed > MAX_FAILURE_RATIO * (ok + failed))) {
    throw new Error(`GET ${options.path}: ${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors (${result.timeouts} timeouts); status codes: ${codes || "none"}`);
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    path: options.path,
    connections,
    durationSeconds: result.duration,
    requestsPerSecond: ok / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: latencies.reduce((sum, ms) => sum + ms, 0) / ok,
    maxMs: sorted[sorted.length - 1]!,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    rssMaxMb: rssMaxKb / 1024,
    serverCpuMsPerRequest: serverCpu / Math.max(1, ok + failed),
    machineBusyPercent: (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total),
  };
}
