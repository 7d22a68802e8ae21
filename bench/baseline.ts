/**
 * The original Alliance Auth (Django under gunicorn, 3 workers) serving its logged-in dashboard on
 * this kind of machine, and the goals this rewrite sets itself against it.
 */
export const ORIGINAL = {
  dashboardRequestsPerSecond: 85,
  dashboardP99Ms: 140,
  memoryMb: 360,
} as const;

export const TARGETS = {
  /** ≥ 3× the original's throughput. */
  dashboardRequestsPerSecond: ORIGINAL.dashboardRequestsPerSecond * 3,
  dashboardP99Ms: 50,
  /** Half the original's memory. */
  memoryMb: ORIGINAL.memoryMb / 2,
} as const;
