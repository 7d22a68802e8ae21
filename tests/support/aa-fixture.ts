/**
 * The Alliance Auth 4.1 fixture (tests/fixtures/alliance-auth-4.1) loaded into a scratch database
 * on the MariaDB server of TEST_MYSQL_URL, with the `mariadb` client: the importer's source in the
 * import tests, the e2e import and the import bench.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import mysql from "mysql2/promise";

export const AA_FIXTURE = path.resolve(import.meta.dirname, "../fixtures/alliance-auth-4.1");

/** `serverUrl` with its database set to `name`. */
export function databaseUrl(serverUrl: string, name: string) {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs statements as the server's user (no database selected). */
export async function mysqlAdmin(serverUrl: string, sql: string) {
  const conn = await mysql.createConnection({ uri: databaseUrl(serverUrl, ""), multipleStatements: true });
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/** Whether the `mariadb` client is on the PATH. */
export function hasMariadbClient() {
  return spawnSync("mariadb", ["--version"]).status === 0;
}

/** Feeds an SQL dump to the `mariadb` client into database `name` of `serverUrl`. */
export function loadDump(serverUrl: string, name: string, dump: Buffer) {
  const u = new URL(serverUrl);
  const args = ["-h", u.hostname, "-P", u.port || "3306", "-u", decodeURIComponent(u.username), ...(u.password ? [`-p${decodeURIComponent(u.password)}`] : []), name];
  const result = spawnSync("mariadb", args, { input: dump, maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`loading the dump failed: ${result.stderr}`);
}

/** A fresh copy of the fixture in database `name`; returns its URL. */
export async function loadAaFixture(serverUrl: string, name: string) {
  await mysqlAdmin(serverUrl, `drop database if exists ${name}; create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`);
  loadDump(serverUrl, name, gunzipSync(fs.readFileSync(`${AA_FIXTURE}/alliance-auth-4.1.0-devfix.sql.gz`)));
  return databaseUrl(serverUrl, name);
}

/** Drops the PostgreSQL database of `pgUrl` (and creates it empty again with `recreate`). */
export async function dropPostgresDatabase(pgUrl: string, options: { recreate?: boolean } = {}) {
  const pg = (await import("pg")).default;
  const admin = new URL(pgUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    if (options.recreate) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/** The type Django gives a field on PostgreSQL, from the MariaDB column it has on MySQL. */
function postgresType(col: { dt: string; ct: string; js: number }) {
  if (col.js) return "jsonb";
  if (col.ct === "tinyint(1)") return "boolean";
  if (["tinyint", "smallint", "mediumint"].includes(col.dt)) return "integer";
  if (col.dt === "int") return col.ct.includes("unsigned") ? "bigint" : "integer";
  if (col.dt === "bigint") return "bigint";
  if (["datetime", "timestamp"].includes(col.dt)) return "timestamptz";
  if (["date", "time"].includes(col.dt)) return col.dt;
  if (col.dt === "decimal") return "numeric";
  if (["double", "float"].includes(col.dt)) return "double precision";
  if (["blob", "longblob", "mediumblob", "varbinary", "binary"].includes(col.dt)) return "bytea";
  return "text";
}

/**
 * Copies every table of MariaDB database `mysqlUrl` into a new PostgreSQL database `pgUrl` with the
 * column types Django gives the same fields on PostgreSQL (booleans, timestamptz, numeric, jsonb, …),
 * so the importer can be run against an Alliance Auth on PostgreSQL. Keys and constraints are left
 * out: the importer reads only.
 */
export async function copyFixtureToPostgres(mysqlUrl: string, pgUrl: string) {
  const pg = (await import("pg")).default;
  await dropPostgresDatabase(pgUrl, { recreate: true });
  const my = await mysql.createConnection({ uri: mysqlUrl, supportBigNumbers: true, bigNumberStrings: true });
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const [columns] = (await my.query(
      "select c.table_name as t, c.column_name as c, c.data_type as dt, c.column_type as ct, exists (select 1 from information_schema.check_constraints k where k.constraint_schema = c.table_schema and k.table_name = c.table_name and k.check_clause like concat('%json_valid(`', c.column_name, '`)%')) as js from information_schema.columns c where c.table_schema = database() order by c.table_name, c.ordinal_position",
    )) as unknown as [{ t: string; c: string; dt: string; ct: string; js: number }[]];
    const tables = new Map<string, { c: string; type: string }[]>();
    for (const col of columns) {
      const type = postgresType(col);
      const list = tables.get(col.t) ?? [];
      if (list.length === 0) tables.set(col.t, list);
      list.push({ c: col.c, type });
    }
    for (const [table, cols] of tables) {
      await client.query(`create table "${table}" (${cols.map((c) => `"${c.c}" ${c.type}`).join(", ")})`);
      const [rows] = (await my.query(`select * from \`${table}\``)) as unknown as [Record<string, unknown>[]];
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        const params: unknown[] = [];
        const tuples = chunk.map((row) => `(${cols.map((c) => {
          let v = row[c.c];
          if (v !== null && c.type === "boolean") v = Boolean(Number(v));
          if (v !== null && c.type === "jsonb" && typeof v !== "string") v = JSON.stringify(v);
          params.push(v);
          return `$${params.length}`;
        }).join(", ")})`);
        await client.query(`insert into "${table}" (${cols.map((c) => `"${c.c}"`).join(", ")}) values ${tuples.join(", ")}`, params);
      }
    }
  } finally {
    await my.end();
    await client.end();
  }
}
