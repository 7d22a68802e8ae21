/** Throughput and latency of the health check and of the logged-in dashboard. */
import { ORIGINAL, versus } from "../baseline";
import { assertDashboard } from "../session";
import type { Benchmark, Figure, LoadResult } from "../types";

export function loadFigure(name: string, result: LoadResult): Figure {
  const metrics: Figure["metrics"] = [
    { key: "req/s", value: result.requestsPerSecond, unit: "" },
    { key: "p50", value: result.p50Ms, unit: "ms", digits: 2 },
    { key: "p99", value: result.p99Ms, unit: "ms", digits: 2 },
    { key: "rss", value: result.rssMaxMb, unit: "MB" },
    { key: "cpu", value: result.serverCpuMsPerRequest, unit: "ms", digits: 2 },
    { key: "busy", value: result.machineBusyPercent, unit: "%", digits: 0 },
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

/** The superuser's dashboard on the almost empty harness database (the member's at scale is in dashboard-scale.ts). */
export const dashboard: Benchmark = {
  name: "dashboard",
  async run(ctx) {
    await assertDashboard(ctx.baseUrl, ctx.sessionCookie);
    const result = await ctx.load({ path: "/dashboard", headers: { Cookie: ctx.sessionCookie } });
    return [
      {
        ...loadFigure("dashboard su", result),
        baseline: `superuser, empty site; req/s ${versus(result.requestsPerSecond, ORIGINAL.dashboardRequestsPerSecond)} (member); p99 ${versus(result.p99Ms, ORIGINAL.dashboardP99Ms, " ms")}`,
      },
    ];
  },
};
