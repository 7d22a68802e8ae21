/**
 * Test databases: a PostgreSQL server (TEST_DATABASE_URL, else an embedded one started here) holding
 * a migrated template that each test file clones; MySQL/MariaDB when TEST_MYSQL_URL is set.
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import pg from "pg";
import { Logger, runMigrations } from "graphile-worker";
import type { TestProject } from "vitest/node";
import { createDb, ensureDatabaseExists, migrateToLatest, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../db/index.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplate: string;
    mysqlServerUrl: string | null;
    runId: string;
  }
}

let embedded: EmbeddedPostgresHandle | undefined;
let embeddedDir: string | undefined;

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-test-pg-"));
    fs.chmodSync(embeddedDir, 0o755);
    embedded = await startEmbeddedPostgres(path.join(embeddedDir, "data"));
    serverUrl = embedded.url;
    console.log(`[tests] PostgreSQL: embedded (${new URL(serverUrl).port}); set TEST_DATABASE_URL to use another server`);
  } else {
    console.log(`[tests] PostgreSQL: ${new URL(serverUrl).host}`);
  }
  const template = `aa_test_tpl_${runId}`;
  const templateUrl = withDatabase(serverUrl, template);
  await ensureDatabaseExists(templateUrl);
  const db = createDb(templateUrl, { poolSize: 2 });
  await migrateToLatest(db);
  await syncPermissionCatalogue(db);
  await db.destroy();
  const pool = new pg.Pool({ connectionString: templateUrl, max: 1 });
  await runMigrations({ pgPool: pool, logger: new Logger(() => () => {}) });
  await pool.end();

  const mysqlUrl = process.env.TEST_MYSQL_URL || null;
  console.log(mysqlUrl ? `[tests] MySQL/MariaDB: ${new URL(mysqlUrl).host}` : "[tests] MySQL/MariaDB: not configured (TEST_MYSQL_URL unset): MySQL tests are skipped");

  project.provide("pgServerUrl", serverUrl);
  project.provide("pgTemplate", template);
  project.provide("mysqlServerUrl", mysqlUrl);
  project.provide("runId", runId);

  return async () => {
    // Drop what this run created, then stop the embedded server.
    const admin = new pg.Client({ connectionString: withDatabase(serverUrl!, "postgres") });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like $1", [`aa_test_%${runId}%`]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
    await admin.end();
    if (mysqlUrl) {
      const { createConnection } = await import("mysql2/promise");
      const conn = await createConnection({ uri: mysqlUrl.replace(/\/[^/]*$/, "/") });
      const [dbs] = await conn.query<any[]>("show databases like ?", [`aa_test_%${runId}%`]);
      for (const row of dbs) await conn.query(`drop database if exists \`${Object.values(row)[0]}\``);
      await conn.end();
    }
    await embedded?.stop();
    if (embeddedDir) fs.rmSync(embeddedDir, { recursive: true, force: true });
  };
}
