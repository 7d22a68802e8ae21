/**
 * Per-file test databases on real servers, and a runtime wired to them. PostgreSQL files clone the
 * migrated template; MySQL files get a fresh database with the same migrations applied.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { parseSettings, setSettings, type Settings } from "~/config.server";
import { syncPermissionCatalogue } from "~/modules/auth/permissions.server";
import { type Runtime, setRuntime } from "~/modules/runtime.server";
import { createDb, type Database, ensureDatabaseExists, migrateToLatest } from "../../db/index.server";
import type { Dialect } from "../../db/dialect";
import { countDbStatement } from "~/modules/ops/metrics.server";

export const mysqlAvailable = Boolean(inject("mysqlServerUrl"));

/**
 * TEST_DIALECTS (comma-separated, e.g. "mysql") limits the dialect-parametrized tests to those dialects;
 * CI's main step runs only their MySQL half, as its newcomer step runs the PostgreSQL half.
 */
const onlyDialects = process.env.TEST_DIALECTS ? new Set(process.env.TEST_DIALECTS.split(",").map((d) => d.trim())) : null;
const dialectOff = (d: Dialect) => onlyDialects !== null && !onlyDialects.has(d);

/**
 * True when TEST_DIALECTS leaves PostgreSQL out (CI's MySQL half): the tests that do not depend on
 * the auth database's dialect run once, in the PostgreSQL half, and skip here.
 */
export const dialectFreeTestsElsewhere = dialectOff("postgres");

/** Each dialect the suite runs on. MySQL is skipped (and reported so) when TEST_MYSQL_URL is unset. */
export const dialects: { dialect: Dialect; skip: boolean }[] = [
  { dialect: "postgres", skip: dialectOff("postgres") },
  { dialect: "mysql", skip: !mysqlAvailable || dialectOff("mysql") },
];

/**
 * Both dialects whatever TEST_DIALECTS says, for tests that need the MySQL server as an external system
 * (the Alliance Auth source of an import, a forum database) on either auth database: the newcomer step
 * has no MySQL server, so CI's main step runs both halves of these.
 */
export const everyDialect: { dialect: Dialect; skip: boolean }[] = [
  { dialect: "postgres", skip: false },
  { dialect: "mysql", skip: !mysqlAvailable },
];

/** For tests that need PostgreSQL whatever TEST_DIALECTS says (they need a Debian server CI's main step has). */
export const postgresAlways: { dialect: Dialect; skip: boolean } = { dialect: "postgres", skip: false };

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let counter = 0;
function uniqueName(kind: string) {
  return `aa_test_${kind}_${inject("runId")}_${process.pid}_${++counter}_${randomBytes(2).toString("hex")}`;
}

/** A fresh PostgreSQL database cloned from the migrated template (graphile_worker schema included). */
export async function clonePostgres(): Promise<string> {
  const server = inject("pgServerUrl");
  const name = uniqueName("pg");
  const admin = new pg.Client({ connectionString: withDatabase(server, "postgres") });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${inject("pgTemplate")}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(server, name);
}

export async function createMysql(): Promise<string> {
  const url = withDatabase(inject("mysqlServerUrl")!, uniqueName("my"));
  await ensureDatabaseExists(url);
  const db = createDb(url, { poolSize: 2 });
  await migrateToLatest(db);
  await syncPermissionCatalogue(db);
  await db.destroy();
  return url;
}

export function testSettings(overrides: Record<string, string> = {}): Settings {
  return parseSettings({ NODE_ENV: "test", SECRET_KEY: "test-secret-key-that-is-long-enough-0123456789", LOG_LEVEL: "silent", DATA_DIR: "/tmp/aa-test-data", ...overrides });
}

export interface TestRuntime extends Runtime {
  url: string;
  queueUrl: string;
}

/**
 * A runtime on fresh databases. `queue: "shared"` (PostgreSQL only) puts the queue in the auth
 * database; otherwise the queue is a separate PostgreSQL database, as with MySQL in production.
 */
export async function createTestRuntime(dialect: Dialect, options: { queue?: "shared" | "separate"; settings?: Record<string, string>; sharedReads?: boolean } = {}): Promise<TestRuntime> {
  const url = dialect === "postgres" ? await clonePostgres() : await createMysql();
  const shared = dialect === "postgres" && options.queue !== "separate";
  const queueUrl = shared ? url : await clonePostgres();
  const settings = testSettings({ DATABASE_URL: url, QUEUE_DATABASE_URL: queueUrl, ...options.settings });
  setSettings(settings);
  const db: Database = createDb(url, { poolSize: 5, onStatement: countDbStatement, sharedReads: options.sharedReads });
  const queuePool = new pg.Pool({ connectionString: queueUrl, max: 8 });
  const runtime: TestRuntime = {
    settings,
    db,
    dialect,
    queuePool,
    queueShared: shared,
    authUrl: url,
    url,
    queueUrl,
    async stop() {
      await db.destroy();
      await queuePool.end();
      setRuntime(undefined);
    },
  };
  setRuntime(runtime);
  return runtime;
}
