import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSession } from "~/modules/auth/sessions.server";
import { addJobNow, enqueue, EnqueueError, relayOutbox } from "~/modules/jobs/enqueue.server";
import { countJobsByState } from "~/modules/ops/metrics.server";
import { checkHealth } from "~/modules/ops/health.server";
import { graphileTaskList } from "../../jobs/task-list";
import { startWorker } from "../../jobs/worker";
import { dialects, createTestRuntime, type TestRuntime } from "../support/db";
import { makeGroup, makeUser } from "../support/factories";

const silent = new Logger(() => () => {});
const LONG_AGO = new Date(Date.now() - 90 * 24 * 3_600_000);

async function queuedJobs(rt: TestRuntime) {
  const { rows } = await rt.queuePool.query<{ task_identifier: string; priority: number; key: string | null }>("select task_identifier, priority, key from graphile_worker.jobs order by id");
  return rows;
}

async function drain(rt: TestRuntime) {
  if (!rt.queueShared) while ((await relayOutbox(rt.db, rt.queuePool)) > 0);
  await runOnce({ pgPool: rt.queuePool, taskList: graphileTaskList(), logger: silent });
}

async function expiredSessionExists(rt: TestRuntime, userId: number) {
  const rows = await rt.db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
  return rows.length > 0;
}

const variants = [
  ...dialects.map((d) => ({ ...d, queue: "shared" as const, label: `${d.dialect}${d.dialect === "postgres" ? " (queue in the same database)" : " (outbox + relay)"}` })),
  { dialect: "postgres" as const, skip: false, queue: "separate" as const, label: "postgres with a separate queue database (outbox + relay)" },
];

describe.each(variants)("transactional jobs: $label", ({ dialect, skip, queue }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect, { queue });
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("a job enqueued in a transaction that rolls back never runs", async () => {
    const user = await makeUser(rt.db);
    await createSession(rt.db, rt.settings, user, {}, LONG_AGO);
    await expect(
      rt.db.transaction().execute(async (trx) => {
        await trx.insertInto("auth_groups").values({ name: `rollback-${user.id}` }).execute();
        await enqueue(trx, "authentication.cleanup_expired_sessions", {});
        throw new Error("abort the change");
      }),
    ).rejects.toThrow("abort the change");
    expect(await rt.db.selectFrom("job_outbox").selectAll().execute()).toHaveLength(0);
    expect(await queuedJobs(rt)).toHaveLength(0);
    await drain(rt);
    expect(await expiredSessionExists(rt, user.id)).toBe(true);
  });

  it.skipIf(skip)("a job enqueued in a committed transaction runs", async () => {
    const user = await makeUser(rt.db);
    await createSession(rt.db, rt.settings, user, {}, LONG_AGO);
    const result = await rt.db.transaction().execute(async (trx) => {
      await makeGroup(trx as never);
      return enqueue(trx, "authentication.cleanup_expired_sessions", {}, { priority: 3 });
    });
    expect(result.via).toBe(rt.queueShared ? "queue" : "outbox");
    if (!rt.queueShared) {
      expect(await rt.db.selectFrom("job_outbox").selectAll().execute()).toHaveLength(1);
      expect(await relayOutbox(rt.db, rt.queuePool)).toBe(1);
      expect(await rt.db.selectFrom("job_outbox").selectAll().execute()).toHaveLength(0);
    }
    expect(await queuedJobs(rt)).toEqual([{ task_identifier: "authentication.cleanup_expired_sessions", priority: 3, key: null }]);
    await drain(rt);
    expect(await expiredSessionExists(rt, user.id)).toBe(false);
    expect(await queuedJobs(rt)).toHaveLength(0);
  });

  it.skipIf(skip)("a job key de-duplicates; priorities keep the original's 0–9 rules", async () => {
    await rt.db.transaction().execute(async (trx) => {
      await enqueue(trx, "authentication.cleanup_expired_sessions", {}, { jobKey: "cleanup-once" });
      await enqueue(trx, "authentication.cleanup_expired_sessions", {}, { jobKey: "cleanup-once" });
    });
    if (!rt.queueShared) await relayOutbox(rt.db, rt.queuePool);
    const jobs = await queuedJobs(rt);
    expect(jobs).toEqual([{ task_identifier: "authentication.cleanup_expired_sessions", priority: 5, key: "cleanup-once" }]);
    await expect(enqueue(rt.db, "authentication.cleanup_expired_sessions", {}, { priority: 0 })).rejects.toBeInstanceOf(EnqueueError);
    await expect(enqueue(rt.db, "authentication.cleanup_expired_sessions", {}, { priority: 10 })).rejects.toBeInstanceOf(EnqueueError);
    await expect(enqueue(rt.db, "Not A Task", {})).rejects.toBeInstanceOf(EnqueueError);
    await drain(rt);
  });
});

describe.each(dialects)("the worker process on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    if (!skip) rt = await createTestRuntime(dialect);
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("runs committed jobs, reports a heartbeat, and health turns ok", async () => {
    expect((await checkHealth(rt)).worker.ok).toBe(false);
    const worker = await startWorker(rt);
    try {
      const user = await makeUser(rt.db);
      await createSession(rt.db, rt.settings, user, {}, LONG_AGO);
      await rt.db.transaction().execute((trx) => enqueue(trx, "authentication.cleanup_expired_sessions", {}));
      const deadline = Date.now() + 20_000;
      while ((await expiredSessionExists(rt, user.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await expiredSessionExists(rt, user.id)).toBe(false);
      const health = await checkHealth(rt);
      expect(health).toMatchObject({ status: "ok", database: { ok: true }, queue: { ok: true }, worker: { ok: true, workers: 1 } });
    } finally {
      await worker.stop();
    }
    expect((await checkHealth(rt)).worker.ok).toBe(false);
  });

  it.skipIf(skip)("a health check leaves no timer waiting once it has its answers", async () => {
    // Each check guards its two reads with a 3 s timer; one left running per read would pile up
    // under a load balancer's polling (thousands a second in the benchmark). Pooled connections may
    // keep an idle timer each, hence the margin.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const before = vi.getTimerCount();
      for (let i = 0; i < 20; i++) expect((await checkHealth(rt)).database.ok).toBe(true);
      expect(vi.getTimerCount() - before).toBeLessThan(10);
    } finally {
      vi.useRealTimers();
    }
  });

  it.skipIf(skip)("addJobNow queues outside a transaction and job counts see it", async () => {
    await addJobNow(rt.queuePool, "authentication.cleanup_expired_sessions", {}, { runAt: new Date(Date.now() + 3_600_000) });
    expect(await countJobsByState(rt)).toMatchObject({ queued: 1, running: 0, failed: 0 });
  });
});
