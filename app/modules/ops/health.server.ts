/** Liveness of the parts the site needs: auth database, queue, a recent worker heartbeat. */
import { sql } from "kysely";
import type { Runtime } from "../runtime.server";
import { describeDbError } from "../../../db/index.server";

const WORKER_STALE_MS = 60_000;

export interface HealthReport {
  status: "ok" | "unavailable";
  database: { ok: boolean; dialect: string; error?: string };
  queue: { ok: boolean; error?: string };
  worker: { ok: boolean; lastSeen: string | null; workers: number };
}

/**
 * The answer, or an error after `ms`. The timer is cleared as soon as the answer comes: a load
 * balancer or a benchmark may ask thousands of times a second, and each pending timer (with its
 * promise) would stay alive for its whole wait, to be collected only by a full collection.
 */
function timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export async function checkHealth(runtime: Runtime, now = new Date()): Promise<HealthReport> {
  const database: HealthReport["database"] = { ok: false, dialect: runtime.dialect };
  const queue: HealthReport["queue"] = { ok: false };
  const worker: HealthReport["worker"] = { ok: false, lastSeen: null, workers: 0 };
  await Promise.all([
    timeout(sql`select 1`.execute(runtime.db), 3000)
      .then(async () => {
        database.ok = true;
        const beats = await runtime.db
          .selectFrom("worker_heartbeats")
          .select("last_seen_at")
          .where("last_seen_at", ">", new Date(now.getTime() - WORKER_STALE_MS))
          .orderBy("last_seen_at", "desc")
          .execute();
        worker.workers = beats.length;
        worker.ok = beats.length > 0;
        worker.lastSeen = beats[0]?.last_seen_at.toISOString() ?? null;
      })
      .catch((error: unknown) => {
        database.error = describeDbError(error);
      }),
    timeout(runtime.queuePool.query("select 1 from graphile_worker.migrations limit 1"), 3000)
      .then(() => {
        queue.ok = true;
      })
      .catch((error: unknown) => {
        queue.error = describeDbError(error);
      }),
  ]);
  return { status: database.ok && queue.ok && worker.ok ? "ok" : "unavailable", database, queue, worker };
}
