/**
 * The figures of issue 10 on the seeded site (dashboard-scale.ts starts its server), each next to
 * the original's figure with the ratio: start-up time, per-request costs (bytes, CPU, database
 * transactions), throughput and p99 of the login page (anonymous), the member's dashboard, /groups
 * and /notifications at c=BENCH_CONNECTIONS, the dashboard at c=64 for BENCH_C64_DURATION seconds
 * (default 60; 0 skips it), and the peak memory of the web process with its embedded worker.
 */
import { ORIGINAL, TARGETS, versus } from "../baseline";
import { runLoad } from "../load";
import { measurePageCost } from "../page-costs";
import { memorySnapshot } from "../proc";
import type { BenchContext, Figure, LoadResult, Target } from "../types";
import { loadFigure } from "./http";

export interface SiteUnderTest {
  baseUrl: string;
  pid: number;
  /** Seconds from spawning the server to the first 200 from /healthz, and its CPU seconds by then. */
  startSeconds: number;
  startCpuSeconds: number;
  /** The same for a restart on the same DATA_DIR (the first start may create the queue's embedded PostgreSQL). */
  restartSeconds: number;
  restartCpuSeconds: number;
  /** The member's Cookie header. */
  cookie: string;
  databaseUrl: string;
  dialect: string;
  signal: AbortSignal;
}

interface Page {
  name: string;
  path: string;
  member: boolean;
  targetRps: number;
  originalRps?: readonly [number, number];
  originalP99?: readonly [number, number];
  targetP99?: number;
  originalKb?: number;
}

const PAGES: Page[] = [
  { name: "login", path: "/login", member: false, targetRps: TARGETS.loginRequestsPerSecond, originalRps: ORIGINAL.loginRequestsPerSecond, originalP99: ORIGINAL.loginP99Ms, originalKb: ORIGINAL.loginPageKb },
  {
    name: "dashboard",
    path: "/dashboard",
    member: true,
    targetRps: TARGETS.dashboardRequestsPerSecond,
    originalRps: ORIGINAL.dashboardRequestsPerSecond,
    originalP99: ORIGINAL.dashboardP99Ms,
    targetP99: TARGETS.dashboardP99Ms,
    originalKb: ORIGINAL.dashboardPageKb,
  },
  { name: "groups", path: "/groups", member: true, targetRps: TARGETS.pageRequestsPerSecond },
  { name: "notifications", path: "/notifications", member: true, targetRps: TARGETS.pageRequestsPerSecond },
];

export async function siteFigures(ctx: BenchContext, site: SiteUnderTest): Promise<Figure[]> {
  const figures: Figure[] = [];
  const on = `${site.dialect}`;
  figures.push({
    name: "start",
    metrics: [
      { key: "ready", value: site.startSeconds, unit: "", digits: 2 },
      { key: "cpu", value: site.startCpuSeconds, unit: "", digits: 2 },
      { key: "restart", value: site.restartSeconds, unit: "", digits: 2 },
      { key: "restartCpu", value: site.restartCpuSeconds, unit: "", digits: 2 },
    ],
    baseline:
      "seconds from `node build/server.js` to /healthz 200 on a migrated database, and CPU seconds used by then: the first start on a new DATA_DIR (with MySQL/MariaDB it creates the queue's embedded PostgreSQL, once per site), then a restart on the same one",
    targets: [
      {
        label: `start ≤ ${TARGETS.startSeconds} s after the build (a restart of an installed site)`,
        met: site.restartSeconds <= TARGETS.startSeconds,
        detail: `${site.restartSeconds.toFixed(2)} s (${site.restartCpuSeconds.toFixed(2)} s CPU); the first start on a new DATA_DIR ${site.startSeconds.toFixed(2)} s`,
      },
    ],
  });

  for (const page of PAGES) {
    const headers: Record<string, string> = page.member ? { Cookie: site.cookie } : {};
    const cost = await measurePageCost({ baseUrl: site.baseUrl, pid: site.pid, path: page.path, headers });
    const kb = cost.bytes / 1024;
    figures.push({
      name: `cost ${page.name}`,
      metrics: [
        { key: "KB", value: kb, unit: "", digits: 1 },
        { key: "gzipKB", value: cost.gzipBytes / 1024, unit: "", digits: 1 },
        { key: "cpu", value: cost.cpuMsPerRequest, unit: "ms", digits: 2 },
        { key: "db", value: cost.statementsPerRequest, unit: "" as const, digits: 1 },
      ],
      baseline: `${page.path}${page.originalKb ? `; size ${versus(kb, page.originalKb, " KB")}` : ""}; cpu = server CPU per request, db = statements to the database per request`,
      details: { path: cost.path, bytes: cost.bytes, gzipBytes: cost.gzipBytes, cpuMsPerRequest: cost.cpuMsPerRequest, statementsPerRequest: cost.statementsPerRequest },
    });
  }

  const load = (path: string, headers: Record<string, string>, connections = ctx.connections, durationSeconds = ctx.durationSeconds, tolerateFailures = false): Promise<LoadResult> =>
    runLoad({ baseUrl: site.baseUrl, connections, durationSeconds, warmupSeconds: ctx.warmupSeconds, serverPid: site.pid, signal: site.signal, progress: ctx.progress }, { path, headers, tolerateFailures });

  for (const page of PAGES) {
    const result = await load(page.path, page.member ? { Cookie: site.cookie } : {});
    const comparisons = [
      page.originalRps ? `req/s ${versus(result.requestsPerSecond, page.originalRps)}` : "",
      page.originalP99 ? `p99 ${versus(result.p99Ms, page.originalP99, " ms")}` : "",
    ].filter(Boolean);
    const targets: Target[] = [
      { label: `${page.path} ≥ ${page.targetRps} req/s at c=${ctx.connections} (${on})`, met: result.requestsPerSecond >= page.targetRps, detail: `${result.requestsPerSecond.toFixed(0)} req/s` },
    ];
    if (page.targetP99) targets.push({ label: `${page.path} p99 ≤ ${page.targetP99} ms (${on})`, met: result.p99Ms <= page.targetP99, detail: `${result.p99Ms.toFixed(1)} ms` });
    figures.push({ ...loadFigure(page.name, result), baseline: [`${on}, c=${ctx.connections}`, ...comparisons].join("; "), targets });
  }

  const c64Seconds = Number(process.env.BENCH_C64_DURATION ?? 60);
  if (c64Seconds > 0) {
    const connections = TARGETS.highConcurrencyConnections;
    const result = await load("/dashboard", { Cookie: site.cookie }, connections, c64Seconds, true);
    const failures = result.non2xx + result.errors + result.timeouts;
    figures.push({
      ...loadFigure("dashboard c64", result),
      metrics: [...loadFigure("dashboard c64", result).metrics, ...(result.timeouts ? [{ key: "timeouts", value: result.timeouts, unit: "" as const }] : [])],
      baseline: `${on}, c=${connections} for ${c64Seconds} s; p99 ${versus(result.p99Ms, ORIGINAL.dashboardP99Ms, " ms")} (the original's at c=8)`,
      targets: [
        {
          label: `dashboard at c=${connections}: 0 errors, p99 ≤ ${TARGETS.highConcurrencyP99Ms} ms (${on})`,
          met: failures === 0 && result.p99Ms <= TARGETS.highConcurrencyP99Ms,
          detail: `${failures} errors, p99 ${result.p99Ms.toFixed(1)} ms`,
        },
      ],
    });
  }

  const memory = memorySnapshot(site.pid);
  figures.push({
    name: "site memory",
    metrics: [
      { key: "peak", value: memory.peakRssMb, unit: "MB" },
      { key: "rss", value: memory.rssMb, unit: "MB" },
    ],
    baseline: `web process with its embedded worker, peak RSS through all loads above; ${versus(memory.peakRssMb, ORIGINAL.memoryMb, " MB")} (gunicorn, 3 workers)`,
    targets: [{ label: `web + worker peak RSS ≤ ${TARGETS.memoryMb} MB`, met: memory.peakRssMb <= TARGETS.memoryMb, detail: `${memory.peakRssMb.toFixed(1)} MB` }],
  });
  return figures;
}
