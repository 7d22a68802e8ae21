/**
 * The job worker: graphile-worker with our task list and crontab, a heartbeat for /healthz, and the
 * outbox relay loop when jobs cannot be added inside auth-database transactions.
 */
import os from "node:os";
import { randomUUID } from "node:crypto";
import { parseCronItems, run, type Runner, type TaskList } from "graphile-worker";
import { relayOutbox } from "~/modules/jobs/enqueue.server";
import { graphileLogger, type Runtime } from "~/modules/runtime.server";
import { getLogger } from "~/modules/ops/logger.server";
import { recordJobOutcome } from "~/modules/ops/metrics.server";
import { notifyAdminsOfFailedJob, recordJobEvent } from "~/modules/notifications/job-alerts.server";
import { buildCrontab, scheduleFor, switchedOffTasks } from "./crontab";
import { graphileTaskList, allTasks } from "./task-list";

const HEARTBEAT_MS = 10_000;
const RELAY_MS = 1_000;

export interface WorkerHandle {
  id: string;
  stop(): Promise<void>;
}

async function beat(runtime: Runtime, id: string, startedAt: Date) {
  const now = new Date();
  const updated = await runtime.db.updateTable("worker_heartbeats").set({ last_seen_at: now }).where("worker_id", "=", id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await runtime.db.insertInto("worker_heartbeats").values({ worker_id: id, hostname: os.hostname().slice(0, 255), started_at: startedAt, last_seen_at: now }).execute();
  }
  // Forget workers that have been silent for a day.
  await runtime.db.deleteFrom("worker_heartbeats").where("last_seen_at", "<", new Date(now.getTime() - 86_400_000)).execute();
}

export interface WorkerOptions {
  /** Extra tasks next to the task list (tests register tasks here, e.g. one that always fails). */
  extraTasks?: TaskList;
}

export async function startWorker(runtime: Runtime, options: WorkerOptions = {}): Promise<WorkerHandle> {
  const log = getLogger().child({ component: "worker" });
  const id = randomUUID();
  const startedAt = new Date();
  const crontab = buildCrontab(runtime.settings.CRONTAB_OVERRIDES, runtime.settings.CRONTAB_EXTRA, Object.keys(allTasks()), scheduleFor(runtime.settings));
  const runner: Runner = await run({
    pgPool: runtime.queuePool,
    concurrency: runtime.settings.WORKER_CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2000,
    taskList: { ...graphileTaskList(switchedOffTasks(runtime.settings)), ...options.extraTasks },
    parsedCronItems: parseCronItems(crontab),
    logger: graphileLogger(),
  });
  const safely = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((error) => log.warn({ err: (error as Error).message }, `${what} failed`));
  };
  // Event handlers' writes, awaited by stop() so none is cut off by a closing pool.
  const pending = new Set<Promise<unknown>>();
  const track = (what: string, fn: () => Promise<unknown>) => {
    const p = fn()
      .catch((error) => log.warn({ err: (error as Error).message }, `${what} failed`))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  // Outcomes go to the metrics and to job_events (dashboard statistics); a job whose last attempt
  // failed is also reported to the admins as a notification.
  runner.events.on("job:success", ({ job }) => {
    recordJobOutcome(job.task_identifier, "succeeded");
    track("recording a job event", () => recordJobEvent(runtime.db, job.task_identifier, "succeeded"));
  });
  runner.events.on("job:error", ({ job }) => {
    const last = job.attempts >= job.max_attempts;
    recordJobOutcome(job.task_identifier, last ? "failed" : "retried");
    if (!last) track("recording a job event", () => recordJobEvent(runtime.db, job.task_identifier, "retried"));
  });
  runner.events.on("job:failed", ({ job, error }) => {
    track("recording a job event", () => recordJobEvent(runtime.db, job.task_identifier, "failed"));
    track("notifying admins of a failed job", () => notifyAdminsOfFailedJob(runtime.db, runtime.settings, job, error));
  });
  await beat(runtime, id, startedAt).catch(() => {});
  const heartbeat = setInterval(safely("heartbeat", () => beat(runtime, id, startedAt)), HEARTBEAT_MS);
  const needsRelay = !runtime.queueShared || runtime.dialect !== "postgres";
  let relaying = false;
  const relay = needsRelay
    ? setInterval(
        safely("outbox relay", async () => {
          if (relaying) return;
          relaying = true;
          try {
            while ((await relayOutbox(runtime.db, runtime.queuePool)) > 0);
          } finally {
            relaying = false;
          }
        }),
        RELAY_MS,
      )
    : undefined;
  log.info({ workerId: id, concurrency: runtime.settings.WORKER_CONCURRENCY, relay: needsRelay }, "worker started");

  return {
    id,
    async stop() {
      clearInterval(heartbeat);
      if (relay) clearInterval(relay);
      await runner.stop();
      await Promise.allSettled([...pending]);
      await runtime.db.deleteFrom("worker_heartbeats").where("worker_id", "=", id).execute().catch(() => {});
    },
  };
}
