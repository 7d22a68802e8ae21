/**
 * What one request to a page costs, in counts that do not depend on how busy the machine is:
 * bytes on the wire (as sent, and as sent to a client that accepts gzip), CPU milliseconds of the
 * server process (user + system, from /proc/<pid>/stat) and database transactions (PostgreSQL's
 * `pg_stat_database.xact_commit`; every autocommit statement is one). Requests are sent one after
 * another, so the CPU figure is the server's cost per request without contention.
 */
import fs from "node:fs";
import http from "node:http";
import pg from "pg";

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface PageCost {
  path: string;
  status: number;
  bytes: number;
  gzipBytes: number;
  cpuMsPerRequest: number;
  /** Null when the database is not PostgreSQL. */
  transactionsPerRequest: number | null;
}

/** User + system CPU time of a process, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command: state(0) ppid(1) … utime(11) stime(12)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

async function transactions(client: pg.Client | null): Promise<number> {
  if (!client) return 0;
  const { rows } = await client.query<{ n: string }>("select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()");
  return Number(rows[0]!.n);
}

export async function measurePageCost(options: {
  baseUrl: string;
  pid: number;
  path: string;
  headers?: Record<string, string>;
  /** PostgreSQL URL of the server's database, for the transaction count. */
  databaseUrl?: string | null;
  requests?: number;
}): Promise<PageCost> {
  const url = new URL(options.path, options.baseUrl).href;
  const headers = options.headers ?? {};
  const requests = options.requests ?? 200;
  const plain = await get(url, { ...headers, "Accept-Encoding": "identity" });
  const gzip = await get(url, { ...headers, "Accept-Encoding": "gzip" });
  let client: pg.Client | null = null;
  if (options.databaseUrl?.startsWith("postgres")) {
    client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
  }
  try {
    for (let i = 0; i < 20; i++) await get(url, { ...headers, "Accept-Encoding": "gzip" }); // warm
    // pg_stat counters are flushed by each backend at most once a second: wait before and after.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const xactBefore = await transactions(client);
    const cpuBefore = cpuMs(options.pid);
    for (let i = 0; i < requests; i++) await get(url, { ...headers, "Accept-Encoding": "gzip" });
    const cpu = cpuMs(options.pid) - cpuBefore;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Our own two counter reads are transactions too.
    const xact = client ? (await transactions(client)) - xactBefore - 1 : null;
    return {
      path: options.path,
      status: plain.status,
      bytes: plain.bytes,
      gzipBytes: gzip.bytes,
      cpuMsPerRequest: cpu / requests,
      transactionsPerRequest: xact === null ? null : xact / requests,
    };
  } finally {
    await client?.end();
  }
}
