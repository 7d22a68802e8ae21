/** Throughput and latency of the health check and of the logged-in dashboard. */
import { ORIGINAL, TARGETS } from "../baseline";
import { assertDashboard } from "../session";
import type { Benchmark, Figure, LoadResult } from "../types";

function loadFigure(name: string, result: LoadResult): Figure {
  const metrics: Figure["metrics"] = [
    { key: "req/s", value: result.requestsPerSecond, unit: "" },
    { key: "p50", value: result.p50Ms, unit: "ms", digits: 2 },
    { key: "p99", value: result.p99Ms, unit: "ms", digits: 2 },
    { key: "max", value: result.maxMs, unit: "ms", digits: 1 },
    { key: "rss", value: result.rssMaxMb, unit: "MB" },
  ];
  // Shown only when something went wrong, so a clean line stays short.
  if (result.non2xx) metrics.push({ key: "non2xx", value: result.non2xx, unit: "" });
  if (result.errors) metrics.push({ key: "errors", value: result.errors, unit: "" });
  return { name, metrics };
}

export const healthz: Benchmark = {
  name: "healthz",
  async run(ctx) {
    const result = await ctx.load({ path: "/healthz" });
    return [{ ...loadFigure("healthz", result), baseline: "no baseline: shows the floor of the HTTP stack and the database ping" }];
  },
};

export const dashboard: Benchmark = {
  name: "dashboard",
  async run(ctx) {
    await assertDashboard(ctx.baseUrl, ctx.sessionCookie);
    const result = await ctx.load({ path: "/dashboard", headers: { Cookie: ctx.sessionCookie } });
    return [
      {
        ...loadFigure("dashboard", result),
        baseline: `baseline: ~${ORIGINAL.dashboardRequestsPerSecond} req/s, p99 ~${ORIGINAL.dashboardP99Ms} ms; target ≥${TARGETS.dashboardRequestsPerSecond} req/s, p99 <${TARGETS.dashboardP99Ms} ms`,
        targets: [
          { label: `dashboard throughput ≥ ${TARGETS.dashboardRequestsPerSecond} req/s (3× original)`, met: result.requestsPerSecond >= TARGETS.dashboardRequestsPerSecond },
          { label: `dashboard p99 < ${TARGETS.dashboardP99Ms} ms (original ~${ORIGINAL.dashboardP99Ms} ms)`, met: result.p99Ms < TARGETS.dashboardP99Ms },
        ],
      },
    ];
  },
};
