/** The contract between the harness (`run.ts`) and the benchmark modules listed in `index.ts`. */

/** One number on a figure's line, e.g. `p99=3.1ms`. */
export interface Metric {
  key: string;
  value: number;
  unit: "ms" | "MB" | "%" | "";
  /** Decimals when printed; default 0 for counts and req/s, 1 for ms and MB. */
  digits?: number;
}

/** A goal compared against the original Alliance Auth; informational, never fails the run. */
export interface Target {
  label: string;
  met: boolean;
  /** The measured value in words, e.g. `1234 req/s, 14.5× the original`. */
  detail: string;
}

/** One printed line of results. */
export interface Figure {
  name: string;
  metrics: Metric[];
  /** What the original Alliance Auth does, printed in parentheses after the metrics. */
  baseline?: string;
  targets?: Target[];
  /** Further numbers for the JSON results only. */
  details?: Record<string, number | string>;
}

/** Memory of one process tree at one moment, in MB (1024 × 1024 bytes). */
export interface MemorySnapshot {
  /** Peak resident set of the server process since it started (VmHWM). */
  peakRssMb: number;
  /** Current resident set of the server process (VmRSS). */
  rssMb: number;
  /** Proportional set size of the server's child processes (the embedded PostgreSQL), if any. */
  childrenPssMb: number;
  childCount: number;
}

export interface LoadOptions {
  /** Path on the server, e.g. `/healthz`. */
  path: string;
  headers?: Record<string, string>;
  /** Report failed requests in the result instead of failing the run (an error budget is the figure). */
  tolerateFailures?: boolean;
}

export interface LoadResult {
  path: string;
  connections: number;
  durationSeconds: number;
  /** Completed 2xx responses per second. */
  requestsPerSecond: number;
  /** Latency percentiles of 2xx responses, in milliseconds with sub-millisecond precision. */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Highest VmRSS of the server seen while this load ran. */
  rssMaxMb: number;
  /**
   * The server's CPU milliseconds per answered request while this load ran (from /proc). One Node
   * thread serves the requests, so 1000 ÷ this bounds req/s however many cores the machine has.
   */
  serverCpuMsPerRequest: number;
  /** How busy the whole machine was meanwhile (all its CPUs; the load generator included), in %. */
  machineBusyPercent: number;
}

export interface BenchContext {
  /** e.g. http://127.0.0.1:3555 */
  baseUrl: string;
  /** Cookie header of a logged-in superuser (aa_session and aa_csrf). */
  sessionCookie: string;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Warms up, then measures `path` for `durationSeconds` at `connections`. */
  load(options: LoadOptions): Promise<LoadResult>;
  memory(): MemorySnapshot;
  /** A progress line on stderr. */
  progress(message: string): void;
}

export interface Benchmark {
  name: string;
  /** Runs only when BENCH_ONLY names it (slow ones: minutes, not seconds). */
  optIn?: boolean;
  run(ctx: BenchContext): Promise<Figure[]>;
}
