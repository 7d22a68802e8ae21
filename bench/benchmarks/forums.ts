/**
 * phpBB3 group sync over its real tables: N linked members (each in one of 20 groups, plus the Member
 * state), 2 % drifted on the forum (a membership removed, or a stray one of our groups added). One
 * `phpbb3.update_all` reconcile: statements issued to the forum database and wall time. Needs MariaDB
 * for the forum (BENCH_MYSQL_URL, else TEST_MYSQL_URL); without one the line says it was skipped.
 */
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { connectorById } from "../../app/connectors/registry.server";
import { closeForumPools, ForumDb } from "../../app/connectors/mysql-forum/db.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { reconcileService } from "../../app/modules/services/runner.server";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { createForumDatabase, type ForumDatabase } from "../../tests/support/forum-db";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";
import type { Benchmark, Figure } from "../types";

const GROUPS = 20;
const DRIFT = 0.02;

async function seed(db: Database, forum: ForumDatabase, members: number) {
  const now = new Date();
  const state = await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow();
  const perm = await db.selectFrom("permissions").select("id").where("app_label", "=", "phpbb3").where("codename", "=", "access_phpbb3").executeTakeFirstOrThrow();
  await db.insertInto("state_permissions").values({ state_id: state.id, permission_id: perm.id }).execute();
  await insertChunked(db, "auth_groups", Array.from({ length: GROUPS }, (_, g) => ({ name: `Bench Group ${g}` })));
  const groups = await db.selectFrom("auth_groups").select(["id", "name"]).orderBy("id").execute();
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: members }, (_, i) => ({ character_id: 94_000_000 + i, character_name: `Forum Pilot ${i}`, corporation_id: 98_300_000, corporation_name: "Bench Corp", corporation_ticker: "BENCH", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: now })),
  );
  const chars = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(db, "users", chars.map((c) => ({ username: `fbench_${c.character_id}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: state.id })));
  const users = await db.selectFrom("users").select(["id"]).where("username", "like", "fbench_%").orderBy("main_character_id").execute();
  await insertChunked(db, "user_groups", users.map((u, i) => ({ user_id: u.id, group_id: groups[i % GROUPS].id })));

  // The forum: the same groups (sanitised as the connector does), the members and their memberships.
  const fdb = new ForumDb(forum.url, forum.prefix);
  const names = [...groups.map((g) => g.name.replace(/ /g, "")), "Member"];
  await fdb.run(`INSERT INTO ${fdb.table("groups")} (group_name, group_desc, group_legend) VALUES ?`, [names.map((n) => [n, n, 0])]);
  const forumGroups = new Map((await fdb.rows<{ group_id: number; group_name: string }>(`SELECT group_id, group_name FROM ${fdb.table("groups")}`)).map((r) => [r.group_name, r.group_id]));
  const firstId = 1000;
  for (let i = 0; i < members; i += 1000) {
    const rows = users.slice(i, i + 1000).map((_, j) => [firstId + i + j, `forum_pilot_${i + j}`, `forum_pilot_${i + j}`, "", "", "", 2]);
    await fdb.run(`INSERT INTO ${fdb.table("users")} (user_id, username, username_clean, user_permissions, user_sig, user_password, group_id) VALUES ?`, [rows]);
  }
  const step = Math.round(1 / DRIFT);
  let drifted = 0;
  const memberships: number[][] = [];
  users.forEach((_, i) => {
    const forumId = firstId + i;
    const own = forumGroups.get(`BenchGroup${i % GROUPS}`)!;
    memberships.push([forumGroups.get("REGISTERED")!, forumId, 0], [forumGroups.get("Member")!, forumId, 0]);
    if (i % step === 0) {
      drifted++;
      // Half lose their group on the forum; half also hold a group of ours they are not in.
      if (i % (2 * step) !== 0) memberships.push([own, forumId, 0], [forumGroups.get(`BenchGroup${(i + 1) % GROUPS}`)!, forumId, 0]);
    } else memberships.push([own, forumId, 0]);
  });
  for (let i = 0; i < memberships.length; i += 5000) await fdb.run(`INSERT INTO ${fdb.table("user_group")} (group_id, user_id, user_pending) VALUES ?`, [memberships.slice(i, i + 5000)]);
  await insertChunked(db, "service_accounts", users.map((u, i) => ({ user_id: u.id, service: "phpbb3", remote_id: String(firstId + i), remote_username: `forum_pilot_${i}`, credentials: null, status: "active" as const, synced: null, activated_at: now, last_sync_at: null, last_error: null, last_error_at: null, removal_due_at: null })));
  return drifted;
}

async function syncFigure(members: number, server: string, progress: (m: string) => void): Promise<Figure> {
  const database = await ownDatabase(`phpbb3${members}`, progress);
  let db: Database | undefined;
  let forum: ForumDatabase | undefined;
  try {
    db = createDb(database.url, { poolSize: 5 });
    await migrateToLatest(db);
    await syncPermissionCatalogue(db);
    forum = await createForumDatabase(server, "phpbb3", { name: `aa_bench_phpbb3_${randomBytes(4).toString("hex")}` });
    progress(`  seeding ${members} linked phpBB3 users (${DRIFT * 100} % drifted)…`);
    const drifted = await seed(db, forum, members);
    const settings = useBenchSettings({ PHPBB3_DATABASE_URL: forum.url, PHPBB3_TABLE_PREFIX: forum.prefix });
    progress(`  phpbb3.update_all over ${members} users…`);
    const started = performance.now();
    const report = await reconcileService({ db, settings }, connectorById("phpbb3")!);
    const ms = performance.now() - started;
    if (report.changed !== drifted) throw new Error(`expected ${drifted} users changed, the reconcile changed ${report.changed}`);
    const statements = report.figures.statements;
    return {
      name: `phpbb3 group sync ${members.toLocaleString("en")} users, ${DRIFT * 100}% drift`,
      metrics: [
        { key: "statements", value: statements, unit: "" },
        { key: "changed", value: report.changed, unit: "" },
        { key: "wall", value: ms, unit: "ms" },
      ],
      baseline: `original: update_all_groups runs one task per user — ≈${members * 3} statements (SELECT user, SELECT groups, SELECT memberships) plus one INSERT/DELETE + UPDATE per change`,
      targets: [{ label: `phpbb3 ${members}: ≤ 12 statements`, met: statements <= 12, detail: `${statements} statements, ${report.changed} users changed, ${(ms / 1000).toFixed(1)} s` }],
      details: { members, drifted, added: report.figures.membershipsAdded, removed: report.figures.membershipsRemoved },
    };
  } finally {
    await closeForumPools();
    await forum?.drop().catch(() => {});
    await db?.destroy().catch(() => {});
    await database.cleanup().catch((error: Error) => progress(`  cleanup: ${error.message}`));
  }
}

export const phpbb3Sync: Benchmark = {
  name: "phpbb3",
  async run(ctx) {
    const server = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL;
    const members = Number(process.env.BENCH_PHPBB3_MEMBERS ?? 5000);
    if (!server) return [{ name: `phpbb3 group sync ${members.toLocaleString("en")} users, ${DRIFT * 100}% drift`, metrics: [], baseline: "skipped: no MariaDB for the forum (set BENCH_MYSQL_URL or TEST_MYSQL_URL)" }];
    return [await syncFigure(members, server, ctx.progress)];
  },
};
