/** Throughput and latency of the health check and of the logged-in dashboard. */
import { ORIGINAL, TARGETS } from "../baseline";
import { assertDashboard } from "../session";
import type { Benchmark, Figure, LoadResult } from "../types";

function loadFigure(name: string, result: LoadResult): Figure {
  const metrics: Figure["metrics"] = [
    { key: "req/s", value: result.requestsPerSecond, unit: "" },
    { key: "p50", value: result.p50Ms, unit: "ms", digits: 2 },
    { key: "p99", value: result.p99Ms, unit: "ms", digits: 2 },
    { key: "rss", value: result.rssMaxMb, unit: "MB" },
  ];
  // Shown only when something went wrong, so a clean line stays short.
  if (result.non2xx) metrics.push({ key: "non2xx", value: result.non2xx, unit: "" });
  if (result.errors) metrics.push({ key: "errors", value: result.errors, unit: "" });
  const { path, connections, durationSeconds, meanMs, maxMs, ok, timeouts } = result;
  return { name, metrics, details: { path, connections, durationSeconds, meanMs, maxMs, ok, timeouts } };
}

export const healthz: Benchmark = {
  name: "healthz",
  async run(ctx) {
    const result = await ctx.load({ path: "/healthz" });
    return [{ ...loadFigure("healthz", result), baseline: "no baseline: the floor of the HTTP stack plus a database ping" }];
  },
};

export const dashboard: Benchmark = {
  name: "dashboard",
  async run(ctx) {
    await assertDashboard(ctx.baseUrl, ctx.sessionCookie);
    const result = await ctx.load({ path: "/dashboard", headers: { Cookie: ctx.sessionCookie } });
    const factor = result.requestsPerSecond / ORIGINAL.dashboardRequestsPerSecond;
    return [
      {
        ...loadFigure("dashboard", result),
        baseline: `baseline: ~${ORIGINAL.dashboardRequestsPerSecond} req/s, p99 ~${ORIGINAL.dashboardP99Ms} ms; target ≥${TARGETS.dashboardRequestsPerSecond} req/s, p99 <${TARGETS.dashboardP99Ms} ms`,
        targets: [
          {
            label: `dashboard throughput ≥ ${TARGETS.dashboardRequestsPerSecond} req/s (3× the original)`,
            met: result.requestsPerSecond >= TARGETS.dashboardRequestsPerSecond,
            detail: `${result.requestsPerSecond.toFixed(0)} req/s, ${factor.toFixed(1)}× the original`,
          },
          {
            label: `dashboard p99 < ${TARGETS.dashboardP99Ms} ms (original ~${ORIGINAL.dashboardP99Ms} ms)`,
            met: result.p99Ms < TARGETS.dashboardP99Ms,
            detail: `${result.p99Ms.toFixed(2)} ms`,
          },
        ],
      },
    ];
  },
};
