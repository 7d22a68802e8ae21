/**
 * What one request to a page costs, in counts that do not depend on how busy the machine is:
 * bytes on the wire (as sent, and as sent to a client that accepts gzip), CPU milliseconds of the
 * server process (user + system, from /proc/<pid>/stat) and statements sent to the auth database
 * (the server's own `db_statements_total` on /metrics, on either dialect). Requests are sent one
 * after another, so the CPU figure is the server's cost per request without contention; on a virtual
 * machine where waking an idle process is costly it also holds that cost every time (seen: 8.6–12 ms
 * per dashboard against 2.3–3.3 ms under load on the same machine). The loads print the CPU per request
 * under load beside their throughput (load.ts).
 */
import http from "node:http";
import { serverCpuMs } from "./proc";

/** The servers the harness starts answer /metrics with this token. */
export const BENCH_METRICS_TOKEN = "bench-metrics-token-not-a-secret";

export interface PageCost {
  path: string;
  status: number;
  bytes: number;
  gzipBytes: number;
  cpuMsPerRequest: number;
  statementsPerRequest: number;
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

/** The server's count of statements sent to its auth database. */
async function statements(baseUrl: string): Promise<number> {
  const response = await fetch(new URL("/metrics", baseUrl), { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
  const text = await response.text();
  const match = /^db_statements_total\{outcome="ok"\} (\d+)/m.exec(text);
  if (!response.ok || !match) throw new Error(`GET /metrics: ${response.status}, no db_statements_total (is METRICS_TOKEN set on the server?)`);
  return Number(match[1]);
}

export async function measurePageCost(options: {
  baseUrl: string;
  pid: number;
  path: string;
  headers?: Record<string, string>;
  requests?: number;
}): Promise<PageCost> {
  const url = new URL(options.path, options.baseUrl).href;
  const headers = options.headers ?? {};
  const requests = options.requests ?? 200;
  const plain = await get(url, { ...headers, "Accept-Encoding": "identity" });
  const gzip = await get(url, { ...headers, "Accept-Encoding": "gzip" });
  for (let i = 0; i < 20; i++) await get(url, { ...headers, "Accept-Encoding": "gzip" }); // warm
  // What a /metrics read sends itself (the service drift it reports), measured between two reads.
  const ownCost = -(await statements(options.baseUrl)) + (await statements(options.baseUrl));
  const statementsBefore = await statements(options.baseUrl);
  const cpuBefore = serverCpuMs(options.pid);
  for (let i = 0; i < requests; i++) await get(url, { ...headers, "Accept-Encoding": "gzip" });
  const cpu = serverCpuMs(options.pid) - cpuBefore;
  const sent = (await statements(options.baseUrl)) - statementsBefore - ownCost;
  return {
    path: options.path,
    status: plain.status,
    bytes: plain.bytes,
    gzipBytes: gzip.bytes,
    cpuMsPerRequest: cpu / requests,
    statementsPerRequest: sent / requests,
  };
}
