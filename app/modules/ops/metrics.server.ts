/** Prometheus metrics: HTTP requests by route and status, latency, jobs by state. */
import client from "prom-client";
import type { Runtime } from "../runtime.server";
import { serviceDrift } from "../services/drift.server";

interface Metrics {
  registry: client.Registry;
  requests: client.Counter<"route" | "method" | "status">;
  latency: client.Histogram<"route" | "method">;
  jobOutcomes: client.Counter<"task" | "outcome">;
  serviceDrift: client.Gauge<"service" | "kind">;
  serviceReconciledAt: client.Gauge<"service">;
  dbStatements: client.Counter<"outcome">;
}

const METRICS_KEY = Symbol.for("allianceauth.metrics");
type Holder = { [METRICS_KEY]?: Metrics };

export function getMetrics(): Metrics {
  const holder = globalThis as Holder;
  if (holder[METRICS_KEY]) return holder[METRICS_KEY]!;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const metrics: Metrics = {
    registry,
    requests: new client.Counter({ name: "http_requests_total", help: "HTTP requests by route, method and status", labelNames: ["route", "method", "status"], registers: [registry] }),
    latency: new client.Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["route", "method"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobOutcomes: new client.Counter({ name: "jobs_finished_total", help: "Jobs finished by this process, by task and outcome", labelNames: ["task", "outcome"], registers: [registry] }),
    serviceDrift: new client.Gauge({ name: "services_reconcile_drift", help: "Last reconcile per service: members changed, removed, failed, gone, unlinked role holders, orphan roles, calls", labelNames: ["service", "kind"], registers: [registry] }),
    dbStatements: new client.Counter({ name: "db_statements_total", help: "Statements this process sent to the auth database, by outcome", labelNames: ["outcome"], registers: [registry] }),
    serviceReconciledAt: new client.Gauge({ name: "services_last_reconcile_timestamp_seconds", help: "When each service was last reconciled", labelNames: ["service"], registers: [registry] }),
  };
  holder[METRICS_KEY] = metrics;
  return metrics;
}

/** Counts a statement sent to the auth database (createDb's onStatement). */
export function countDbStatement(failed: boolean) {
  getMetrics().dbStatements.inc({ outcome: failed ? "error" : "ok" });
}

export function recordJobOutcome(task: string, outcome: "succeeded" | "retried" | "failed") {
  getMetrics().jobOutcomes.inc({ task, outcome });
}

export interface JobCounts {
  queued: number;
  running: number;
  retrying: number;
  failed: number;
}

/** Jobs in the queue by state (completed jobs leave the queue; see jobs_finished_total). */
export async function countJobsByState(runtime: Pick<Runtime, "queuePool">): Promise<JobCounts> {
  const result = await runtime.queuePool.query<{ queued: string; running: string; retrying: string; failed: string }>(`
    select
      count(*) filter (where locked_at is null and attempts = 0) as queued,
      count(*) filter (where locked_at is not null) as running,
      count(*) filter (where locked_at is null and attempts > 0 and attempts < max_attempts) as retrying,
      count(*) filter (where attempts >= max_attempts) as failed
    from graphile_worker.jobs`);
  const row = result.rows[0];
  return { queued: Number(row.queued), running: Number(row.running), retrying: Number(row.retrying), failed: Number(row.failed) };
}

/** The exposition text; queue gauges are read at scrape time. */
export async function renderMetrics(runtime: Runtime): Promise<string> {
  const metrics = getMetrics();
  metrics.serviceDrift.reset();
  metrics.serviceReconciledAt.reset();
  try {
    for (const drift of await serviceDrift(runtime.db)) {
      metrics.serviceReconciledAt.set({ service: drift.service }, drift.at);
      for (const [kind, value] of Object.entries(drift.counts)) metrics.serviceDrift.set({ service: drift.service, kind }, value);
    }
  } catch {
    // The gauges stay empty when the database cannot be read; the rest of the page still renders.
  }
  let jobsText = "";
  try {
    const counts = await countJobsByState(runtime);
    const outbox = await runtime.db.selectFrom("job_outbox").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    jobsText =
      "# HELP jobs_in_queue Jobs in the queue by state\n# TYPE jobs_in_queue gauge\n" +
      Object.entries(counts).map(([state, n]) => `jobs_in_queue{state="${state}"} ${n}`).join("\n") +
      `\n# HELP jobs_in_outbox Jobs waiting in the outbox for the relay\n# TYPE jobs_in_outbox gauge\njobs_in_outbox ${Number(outbox.n)}\n`;
  } catch {
    jobsText = "# jobs_in_queue unavailable: queue unreachable\n";
  }
  return (await metrics.registry.metrics()) + jobsText;
}

