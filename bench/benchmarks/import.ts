/**
 * Import of a synthetic Alliance Auth database (opt-in: `BENCH_ONLY=import`, it takes minutes). The
 * AA 4.1 fixture is loaded into a scratch MariaDB database (BENCH_AA_MYSQL_URL, else TEST_MYSQL_URL,
 * else root@127.0.0.1:3306; needs the `mariadb` client) and its per-user tables are copied K times
 * with shifted ids and suffixed unique values (users, profiles, characters, ownerships and their
 * records, ESI tokens and scopes, group memberships, notifications, Discord and Mumble accounts), so
 * the shape per user stays the fixture's; groups, states and the apps' tables stay as they are.
 * BENCH_IMPORT_USERS sets the size (default 50,000). The figure: wall time of the whole import into
 * our own database, rows per second, and the peak resident memory of this process while it ran.
 */
import fs from "node:fs";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import mysql from "mysql2/promise";
import { parseSettings, setSettings } from "../../app/config.server";
import { SecretBox } from "../../app/modules/auth/secrets.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { importAllianceAuth } from "../../app/modules/import/importer.server";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { databaseUrl, hasMariadbClient, loadAaFixture, mysqlAdmin } from "../../tests/support/aa-fixture";
import { ownDatabase } from "./states";
import type { Benchmark, Figure } from "../types";

const FIXTURE_USERS = 120;
/** Above every id of the fixture: copy k's ids are the fixture's plus k × OFFSET. */
const OFFSET = 1_000_000;
/** EVE character ids of copy k: the fixture's plus k × this (fits the columns after they are widened). */
const EVE_SHIFT = 3_000_000;

const hash = (column: string) => `concat(left(${column}, 19), '~', lpad(s.k, 8, '0'))`;

/** Per table: the columns and what copy k puts in each (`t` the fixture row, `s.k` the copy). */
const SCALED: [table: string, columns: Record<string, string>][] = [
  ["auth_user", { id: "t.id + s.k * " + OFFSET, password: "t.password", last_login: "t.last_login", is_superuser: "0", username: "concat(t.username, '~', s.k)", first_name: "t.first_name", last_name: "t.last_name", email: "t.email", is_staff: "0", is_active: "t.is_active", date_joined: "t.date_joined" }],
  ["eveonline_evecharacter", { id: `t.id + s.k * ${OFFSET}`, character_id: `t.character_id + s.k * ${EVE_SHIFT}`, character_name: "concat(t.character_name, ' ', s.k)", corporation_id: "t.corporation_id", corporation_name: "t.corporation_name", corporation_ticker: "t.corporation_ticker", alliance_id: "t.alliance_id", alliance_name: "t.alliance_name", alliance_ticker: "t.alliance_ticker", faction_id: "t.faction_id", faction_name: "t.faction_name" }],
  ["authentication_userprofile", { id: `t.id + s.k * ${OFFSET}`, main_character_id: `t.main_character_id + s.k * ${OFFSET}`, state_id: "t.state_id", user_id: `t.user_id + s.k * ${OFFSET}`, language: "t.language", night_mode: "t.night_mode", theme: "t.theme" }],
  ["authentication_characterownership", { id: `t.id + s.k * ${OFFSET}`, owner_hash: hash("t.owner_hash"), character_id: `t.character_id + s.k * ${OFFSET}`, user_id: `t.user_id + s.k * ${OFFSET}` }],
  ["authentication_ownershiprecord", { id: `t.id + s.k * ${OFFSET}`, owner_hash: hash("t.owner_hash"), created: "t.created", character_id: `t.character_id + s.k * ${OFFSET}`, user_id: `t.user_id + s.k * ${OFFSET}` }],
  ["esi_token", { id: `t.id + s.k * ${OFFSET}`, created: "t.created", access_token: "t.access_token", refresh_token: "t.refresh_token", character_id: `t.character_id + s.k * ${EVE_SHIFT}`, character_name: "t.character_name", token_type: "t.token_type", character_owner_hash: hash("t.character_owner_hash"), user_id: `t.user_id + s.k * ${OFFSET}`, sso_version: "t.sso_version" }],
  ["esi_token_scopes", { id: `t.id + s.k * ${OFFSET}`, token_id: `t.token_id + s.k * ${OFFSET}`, scope_id: "t.scope_id" }],
  ["auth_user_groups", { id: `t.id + s.k * ${OFFSET}`, user_id: `t.user_id + s.k * ${OFFSET}`, group_id: "t.group_id" }],
  ["notifications_notification", { id: `t.id + s.k * ${OFFSET}`, level: "t.level", title: "t.title", message: "t.message", timestamp: "t.timestamp", viewed: "t.viewed", user_id: `t.user_id + s.k * ${OFFSET}` }],
  ["discord_discorduser", { user_id: `t.user_id + s.k * ${OFFSET}`, uid: "t.uid + s.k * 1000000000000", activated: "t.activated", discriminator: "t.discriminator", username: "t.username" }],
  ["mumble_mumbleuser", { user_id: `t.user_id + s.k * ${OFFSET}`, username: "concat(t.username, '~', s.k)", pwhash: "t.pwhash", groups: "t.groups", hashfn: "t.hashfn", display_name: "concat(t.display_name, '~', s.k)", certhash: "t.certhash", last_connect: "t.last_connect", last_disconnect: "t.last_disconnect", release: "t.release", version: "t.version" }],
];

/** The fixture plus `copies` shifted copies of its per-user rows; returns the source's row count. */
async function scaledSource(url: string, copies: number) {
  const conn = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    // Shifted EVE ids outgrow AA's int columns; the importer reads them as numbers either way.
    await conn.query("set foreign_key_checks = 0; alter table esi_token modify character_id bigint not null; alter table eveonline_evecharacter modify character_id bigint unsigned not null");
    await conn.query("create table bench_copies (k int primary key)");
    for (let k = 1; k <= copies; k += 1000) await conn.query(`insert into bench_copies values ${Array.from({ length: Math.min(1000, copies - k + 1) }, (_, i) => `(${k + i})`).join(",")}`);
    for (const [table, columns] of SCALED) {
      const names = Object.keys(columns).map((c) => `\`${c}\``).join(", ");
      const pk = table.endsWith("user") && !table.startsWith("auth_") ? "user_id" : "id";
      await conn.query(`insert into ${table} (${names}) select ${Object.values(columns).join(", ")} from ${table} t cross join bench_copies s where t.${pk} < ${OFFSET}`);
    }
    await conn.query("drop table bench_copies");
    const [rows] = await conn.query("select sum(table_rows) as n from information_schema.tables where table_schema = database()");
    return Number((rows as { n: number }[])[0]!.n);
  } finally {
    await conn.end();
  }
}

/** This process's resident set, in MB. */
function rssMb() {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export const importBench: Benchmark = {
  name: "import",
  optIn: true,
  async run(ctx) {
    const server = process.env.BENCH_AA_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/";
    if (!hasMariadbClient()) {
      ctx.progress("  import skipped: the mariadb client is not installed");
      return [];
    }
    const users = Number(process.env.BENCH_IMPORT_USERS ?? 50_000);
    const copies = Math.max(0, Math.ceil(users / FIXTURE_USERS) - 1);
    const sourceName = `aa_bench_import_${randomBytes(4).toString("hex")}`;
    const database = await ownDatabase("import", ctx.progress);
    let db: Database | undefined;
    try {
      ctx.progress(`  loading the AA 4.1 fixture and copying its per-user rows ${copies} times (${(FIXTURE_USERS * (copies + 1)).toLocaleString("en")} users)…`);
      const sourceUrl = await loadAaFixture(server, sourceName);
      const sourceRows = await scaledSource(sourceUrl, copies);
      db = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(db);
      await syncPermissionCatalogue(db);
      const settings = parseSettings({ NODE_ENV: "test", SECRET_KEY: randomBytes(32).toString("hex"), LOG_LEVEL: "silent", DATA_DIR: os.tmpdir() });
      setSettings(settings);
      ctx.progress(`  importing ≈${sourceRows.toLocaleString("en")} source rows…`);
      const before = rssMb();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 250);
      const started = performance.now();
      let report;
      let shown = 0;
      try {
        report = await importAllianceAuth(db, {
          from: databaseUrl(server, sourceName),
          box: SecretBox.fromSettings(settings),
          progress: (_table, _done, _total, overall) => {
            const tenth = Math.floor((10 * overall.done) / Math.max(1, overall.total));
            if (tenth > shown) ctx.progress(`    ${overall.done.toLocaleString("en")} / ${overall.total.toLocaleString("en")} rows (${Math.round(((performance.now() - started) / 1000))} s)`);
            shown = Math.max(shown, tenth);
          },
        });
      } finally {
        clearInterval(sampler);
      }
      const ms = performance.now() - started;
      peak = Math.max(peak, rssMb());
      const imported = Object.values(report.tables).reduce((n, t) => n + t.imported, 0);
      const importedUsers = report.tables.auth_user?.imported ?? 0;
      const figure: Figure = {
        name: `import-allianceauth ${importedUsers.toLocaleString("en")} users (AA 4.1 fixture ×${copies + 1})`,
        metrics: [
          { key: "rows", value: imported, unit: "" },
          { key: "wall", value: ms / 1000, unit: "", digits: 0 },
          { key: "rows/s", value: imported / (ms / 1000), unit: "" },
          { key: "peak rss", value: peak, unit: "MB" },
          { key: "rss growth", value: peak - before, unit: "MB" },
        ],
        baseline: "original: no importer; moving an install means the same Django code and schema",
        targets: [{ label: `import ${importedUsers} users: ≤ 512 MB peak, no differences`, met: peak <= 512 && report.differences.length === 0, detail: `${peak.toFixed(0)} MB, ${report.differences.length} differences, ${report.problems.length} rows changed or skipped by a rule, ${(ms / 1000).toFixed(0)} s` }],
        details: { users: importedUsers, sourceRows, imported, seconds: ms / 1000, differences: report.differences.length, problems: report.problems.length },
      };
      return [figure];
    } finally {
      await db?.destroy().catch(() => {});
      await database.cleanup().catch((error: Error) => ctx.progress(`  cleanup: ${error.message}`));
      await mysqlAdmin(server, `drop database if exists ${sourceName}`).catch(() => {});
    }
  },
};
