/**
 * Adding jobs. On a PostgreSQL auth database that also holds the queue, the job is added with
 * graphile_worker.add_job inside the caller's transaction: it exists if and only if the change
 * commits. Otherwise (MySQL/MariaDB, or a separate queue database) the transaction writes an outbox
 * row and the relay moves it to the queue after commit (at least once; tasks are idempotent).
 * Which of the two a database uses is decided once, by the runtime that opens it (`routeJobs`), and
 * travels with the database into every transaction opened on it.
 */
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import type pg from "pg";
import type { DB } from "../../../db/schema";

type Executor = Kysely<DB> | Transaction<DB>;

/** Priorities as in the original's Celery setup: 0 is the highest and reserved, 5 the default. */
export const PRIORITY = { reserved: 0, high: 3, default: 5, bulk: 6, esi: 7, low: 9 } as const;

export interface EnqueueOptions {
  /** 1–9, lower runs first (0 is reserved for the system). Default 5. */
  priority?: number;
  /** De-duplicates: a job with the same key is updated instead of added again. */
  jobKey?: string;
  jobKeyMode?: "replace" | "preserve_run_at";
  runAt?: Date;
  /** Jobs in one named queue run one at a time, in order (e.g. one queue per external service). */
  queueName?: string;
  maxAttempts?: number;
  /** Allows priority 0. */
  reserved?: boolean;
}

export class EnqueueError extends Error {}

/** How jobs added through a database reach the queue: `queue` (add_job in the same transaction) or `outbox`. */
export type JobRoute = "queue" | "outbox";

// Kept on the database's dialect adapter, which Kysely shares between a database and every
// transaction or plugin view of it. A registered symbol, because modules may load twice.
const JOB_ROUTE = Symbol.for("allianceauth.jobRoute");
type Routed = { [JOB_ROUTE]?: JobRoute };

/** Sets how jobs added through this database (and its transactions) reach the queue; the runtime calls it once. */
export function routeJobs(db: Kysely<any>, route: JobRoute) {
  (db.getExecutor().adapter as Routed)[JOB_ROUTE] = route;
}

function jobRouteOf(db: Kysely<any>): JobRoute {
  const route = (db.getExecutor().adapter as Routed)[JOB_ROUTE];
  if (!route) throw new EnqueueError("this database has no job route: open it through the runtime (setRuntime/bootRuntime)");
  return route;
}

function checkOptions(task: string, options: EnqueueOptions) {
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(task)) throw new EnqueueError(`task name "${task}" must look like namespace.verb`);
  const priority = options.priority ?? PRIORITY.default;
  if (!Number.isInteger(priority) || priority < 0 || priority > 9) throw new EnqueueError(`priority must be 0–9, got ${priority}`);
  if (priority === PRIORITY.reserved && !options.reserved) throw new EnqueueError("priority 0 is reserved for the system");
  return priority;
}

function addJobCall(task: string, payload: unknown, options: EnqueueOptions, priority: number) {
  return sql<{ id: string }>`select (graphile_worker.add_job(
    identifier => ${task}::text,
    payload => ${JSON.stringify(payload ?? {})}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${priority}::int,
    job_key_mode => ${options.jobKey ? (options.jobKeyMode ?? "replace") : null}::text
  )).id`;
}

export async function enqueue(trx: Executor, task: string, payload: unknown, options: EnqueueOptions = {}) {
  const priority = checkOptions(task, options);
  if (jobRouteOf(trx) === "queue") {
    await addJobCall(task, payload, options, priority).execute(trx);
    return { via: "queue" as const };
  }
  await trx
    .insertInto("job_outbox")
    .values({
      task,
      payload: JSON.stringify(payload ?? {}),
      priority,
      job_key: options.jobKey ?? null,
      run_at: options.runAt ?? null,
      queue_name: options.queueName ?? null,
      max_attempts: options.maxAttempts ?? null,
      created_at: new Date(),
    })
    .execute();
  return { via: "outbox" as const };
}

const queueDbs = new WeakMap<pg.Pool, Kysely<any>>();
function queueDb(pool: pg.Pool) {
  let db = queueDbs.get(pool);
  if (!db) {
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    queueDbs.set(pool, db);
  }
  return db;
}

/** Adds a job straight to the queue, outside any auth-database transaction (CLI, cron glue). */
export async function addJobNow(queuePool: pg.Pool, task: string, payload: unknown, options: EnqueueOptions = {}) {
  const priority = checkOptions(task, options);
  const result = await addJobCall(task, payload, options, priority).execute(queueDb(queuePool));
  return result.rows[0]?.id;
}

/**
 * Moves committed outbox rows to the queue. Rows are locked (SKIP LOCKED) so several relays can run;
 * a crash between adding and deleting adds the job twice at worst, which idempotent tasks tolerate.
 */
export async function relayOutbox(db: Kysely<DB>, queuePool: pg.Pool, batchSize = 200): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("job_outbox").selectAll().orderBy("id").limit(batchSize).forUpdate().skipLocked().execute();
    if (rows.length === 0) return 0;
    for (const row of rows) {
      const options: EnqueueOptions = {
        priority: row.priority,
        jobKey: row.job_key ?? undefined,
        runAt: row.run_at ?? undefined,
        queueName: row.queue_name ?? undefined,
        maxAttempts: row.max_attempts ?? undefined,
        reserved: true,
      };
      await addJobCall(row.task, JSON.parse(row.payload), options, row.priority).execute(queueDb(queuePool));
    }
    await trx
      .deleteFrom("job_outbox")
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  });
}
