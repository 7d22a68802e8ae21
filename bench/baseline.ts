/**
 * The original Alliance Auth 4.1 (Django under gunicorn with 3 workers, on MariaDB), measured side
 * by side with this rewrite on one 2-core machine with the same data (1,001 users, 50 groups, 20
 * corporations, 5 alliances, each user in 3 groups) and `wrk -t2 -c8 -d20s --latency` after a 3 s
 * warm-up, four runs (issue 10). Ranges are the lowest and highest of the four runs. Every figure
 * the bench prints next to one of these carries its ratio, so a regression shows.
 */
export type Range = readonly [low: number, high: number];

export const ORIGINAL = {
  loginRequestsPerSecond: [756, 1275] as Range,
  loginP99Ms: [13, 32] as Range,
  dashboardRequestsPerSecond: [65, 132] as Range,
  dashboardP99Ms: [87, 200] as Range,
  /** master + 3 workers, peak RSS */
  memoryMb: 373,
  loginPageKb: 6.5,
  dashboardPageKb: 17.9,
  /** State re-check of 1,000 users. */
  stateRecheckSeconds: [2.1, 3.4] as Range,
  stateRecheckQueries: [3404, 4604] as Range,
} as const;

/** The goals of issue 10 on this machine (c=8, server and client sharing the cores). */
export const TARGETS = {
  loginRequestsPerSecond: 1500,
  dashboardRequestsPerSecond: 500,
  dashboardP99Ms: 30,
  pageRequestsPerSecond: 400,
  /** Web and worker processes together, peak RSS through the whole benchmark. */
  memoryMb: 180,
  startSeconds: 2,
  highConcurrencyConnections: 64,
  highConcurrencyP99Ms: 150,
} as const;

const fmt = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** `0.64–1.07× the original (756–1275)`: ours divided by each end of the original's range. */
export function versus(ours: number, original: Range | number, unit = ""): string {
  const [low, high] = typeof original === "number" ? [original, original] : original;
  const ratio = low === high ? `${fmt(ours / low)}×` : `${fmt(ours / high)}–${fmt(ours / low)}×`;
  const range = low === high ? `${fmt(low)}${unit}` : `${fmt(low)}–${fmt(high)}${unit}`;
  return `${ratio} the original's ${range}`;
}
