/** Read-only access to an Alliance Auth database on MySQL/MariaDB (mysql2) or PostgreSQL (pg). */
import pg from "pg";

export type SourceRow = Record<string, unknown>;

export interface Source {
  dialect: "mysql" | "postgres";
  /** `?` placeholders on both dialects. */
  query(text: string, params?: unknown[]): Promise<SourceRow[]>;
  tables(): Promise<Set<string>>;
  columns(table: string): Promise<Set<string>>;
  close(): Promise<void>;
}

/** The URL as it may be shown and stored: the password replaced by ***. */
export function redactSource(url: string) {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** The URL to give back in a form: the password left out, so it is typed again, never echoed. */
export function withoutPassword(url: string) {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1@");
}

/** One clear line for the failures operators meet: bad URL, unreachable host, wrong password, no database. */
export class SourceError extends Error {}

function describeConnectError(error: unknown, url: URL): string {
  const e = error as { code?: string; message?: string };
  const where = `${url.hostname}:${url.port || (url.protocol.startsWith("postgres") ? 5432 : 3306)}`;
  switch (e.code) {
    case "ECONNREFUSED":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot reach the source database at ${where} (${e.code})`;
    case "ER_ACCESS_DENIED_ERROR":
    case "28P01":
    case "28000":
      return `the source database refused the login for user "${decodeURIComponent(url.username)}" (wrong user or password)`;
    case "ER_BAD_DB_ERROR":
    case "3D000":
      return `the source database "${url.pathname.slice(1)}" does not exist on ${where}`;
    default:
      return `cannot open the source database: ${e.message ?? String(error)}`;
  }
}

export async function openSource(urlText: string): Promise<Source> {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new SourceError("--from must be a URL like mysql://user:password@host/db or postgres://user:password@host/db");
  }
  if (url.protocol === "mysql:" || url.protocol === "mariadb:") {
    const mysql = await import("mysql2/promise");
    const conn = await mysql
      .createConnection({
        host: url.hostname,
        port: Number(url.port || 3306),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
        timezone: "Z",
        supportBigNumbers: true,
        bigNumberStrings: false,
        connectTimeout: 10_000,
      })
      .catch((error) => {
        throw new SourceError(describeConnectError(error, url));
      });
    const database = url.pathname.slice(1);
    return {
      dialect: "mysql",
      async query(text, params = []) {
        const [rows] = await conn.query(text, params);
        return rows as SourceRow[];
      },
      async tables() {
        const [rows] = await conn.query("select table_name as t from information_schema.tables where table_schema = ?", [database]);
        return new Set((rows as { t: string }[]).map((r) => r.t));
      },
      async columns(table) {
        const [rows] = await conn.query("select column_name as c from information_schema.columns where table_schema = ? and table_name = ?", [database, table]);
        return new Set((rows as { c: string }[]).map((r) => r.c));
      },
      close: () => conn.end(),
    };
  }
  if (url.protocol === "postgres:" || url.protocol === "postgresql:") {
    const client = new pg.Client({ connectionString: urlText, connectionTimeoutMillis: 10_000 });
    client.on("error", () => {});
    await client.connect().catch((error) => {
      throw new SourceError(describeConnectError(error, url));
    });
    const query = async (text: string, params: unknown[] = []) => {
      let n = 0;
      const result = await client.query(text.replace(/\?/g, () => `$${++n}`), params);
      return result.rows as SourceRow[];
    };
    return {
      dialect: "postgres",
      query,
      async tables() {
        const rows = await query("select table_name as t from information_schema.tables where table_schema = current_schema()");
        return new Set(rows.map((r) => String(r.t)));
      },
      async columns(table) {
        const rows = await query("select column_name as c from information_schema.columns where table_schema = current_schema() and table_name = ?", [table]);
        return new Set(rows.map((r) => String(r.c)));
      },
      close: () => client.end(),
    };
  }
  throw new SourceError(`--from: unsupported scheme "${url.protocol}" (use mysql:// or postgres://)`);
}
