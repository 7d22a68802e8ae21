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
