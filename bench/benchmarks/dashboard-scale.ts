/**
 * The logged-in dashboard at scale: 1,000 users, 50 groups with permissions and 5,000 memberships,
 * a Member state, measured as a member (not a superuser) who is in 10 groups, owns 3 characters and
 * has 20 unread and 30 read notifications (so /notifications shows a full list, not its empty state).
 *
 * The harness's own server keeps its embedded database to itself (its URL is not exposed), so this
 * benchmark runs a second production server the same way the harness does (`node build/server.js`,
 * NODE_ENV=production, fresh DATA_DIR and SECRET_KEY) but with DATABASE_URL set to a
 * database it created and seeded first (an embedded PostgreSQL in a temporary folder, or a new
 * database on BENCH_DATABASE_URL's server). Knowing that server's SECRET_KEY, it signs the session
 * cookie of a session row it inserted — members log in through EVE SSO, which the benchmark does
 * not reach. The server is stopped and everything removed afterwards; reapers clean up should the
 * harness be killed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseSettings, type Settings } from "../../app/config.server";
import { systemActor } from "../../app/modules/audit/audit.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { createSession } from "../../app/modules/auth/sessions.server";
import { sessionCookie } from "../../app/web/cookies.server";
import { saveStateDefinition } from "../../app/modules/states/states.server";
import { refreshStatistics } from "../../db/dialect";
import { createDb, type Database, dialectOfUrl, migrateToLatest } from "../../db/index.server";
import { BENCH_METRICS_TOKEN } from "../page-costs";
import { serverCpuMs } from "../proc";
import { freePort, SERVER_MEMORY_ENV, SERVER_SCRIPT, serverNodeOptions } from "../server-process";
import { DASHBOARD_MARKER } from "../session";
import { stopServer, teardown } from "../teardown";
import type { Benchmark } from "../types";
import { siteFigures } from "./site-figures";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";

const USERS = 1_000;
const GROUPS = 50;
const GROUPS_PER_USER = 3;
const MEMBER_GROUPS = 10;
const MEMBER_CHARACTERS = 3;
const MEMBER_UNREAD = 20;
const MEMBER_READ = 30;
const CORPORATIONS = 20;
const CORPORATION_BASE = 98_400_000;
const READY_TIMEOUT_MS = 90_000;
/** Fine enough for the start-up figure. */
const STARTUP_POLL_MS = 20;
const CLOSED_LOCAL_URL = "http://127.0.0.1:9";
const ROOT = path.resolve(import.meta.dirname, "..", "..");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Users with mains (and ownerships), groups with settings, permissions and memberships, a Member state. */
export async function seedScale(db: Database) {
  const now = new Date();
  await insertChunked(
    db,
    "eve_corporations",
    Array.from({ length: CORPORATIONS }, (_, c) => ({
      corporation_id: CORPORATION_BASE + c,
      corporation_name: `Scale Corp ${c}`,
      corporation_ticker: `SC${c}`,
      member_count: USERS / CORPORATIONS,
      ceo_id: null,
      alliance_id: null,
      faction_id: null,
      updated_at: now,
    })),
  );
  // Character k belongs to user k for k < USERS (their main); the member (user 0) owns the extra ones.
  const characterCount = USERS + MEMBER_CHARACTERS - 1;
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: characterCount }, (_, k) => {
      const c = k % CORPORATIONS;
      return {
        character_id: 94_000_000 + k,
        character_name: `Scale Pilot ${k}`,
        corporation_id: CORPORATION_BASE + c,
        corporation_name: `Scale Corp ${c}`,
        corporation_ticker: `SC${c}`,
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
    characters.slice(0, USERS).map((c, i) => ({
      username: i === 0 ? "scale_member" : `scale_${c.character_id}`,
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
    })),
  );
  const users = await db.selectFrom("users").select(["id", "main_character_id"]).orderBy("id").execute();
  const member = users[0]!;
  await insertChunked(
    db,
    "character_ownerships",
    characters.map((c, k) => ({ character_id: c.id, owner_hash: `scale-${String(k).padStart(22, "0")}`, user_id: k < USERS ? users[k]!.id : member.id })),
  );
  const permissions = (await db.selectFrom("permissions").select("id").orderBy("id").execute()).map((p) => p.id);
  await insertChunked(db, "auth_groups", Array.from({ length: GROUPS }, (_, g) => ({ name: `Scale Group ${String(g).padStart(2, "0")}` })));
  const groups = (await db.selectFrom("auth_groups").select("id").orderBy("id").execute()).map((g) => g.id);
  await insertChunked(
    db,
    "group_settings",
    groups.map((group_id, g) => ({ group_id, internal: false, hidden: false, open: g % 3 === 0, public: g % 5 === 0, restricted: false, description: `Scale group ${g}` })),
  );
  await insertChunked(
    db,
    "group_permissions",
    groups.flatMap((group_id, g) => [...new Set([permissions[g % permissions.length]!, permissions[(g * 7 + 3) % permissions.length]!])].map((permission_id) => ({ group_id, permission_id }))),
  );
  await insertChunked(
    db,
    "user_groups",
    users.flatMap((u, i) => {
      const count = i === 0 ? MEMBER_GROUPS : GROUPS_PER_USER;
      return Array.from({ length: count }, (_, k) => ({ user_id: u.id, group_id: groups[(i + k * 7) % GROUPS]! }));
    }),
  );
  // Member: half of the corporations, with three permissions of its own.
  const state = (await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
  await saveStateDefinition(
    db,
    state,
    {
      name: "Member",
      priority: 100,
      public: false,
      permissionIds: permissions.slice(0, 3),
      characterIds: [],
      corporationIds: Array.from({ length: CORPORATIONS / 2 }, (_, c) => CORPORATION_BASE + c),
      allianceIds: [],
      factionIds: [],
    },
    systemActor("bench"),
  );
  // The member's notifications: the unread tab (what /notifications opens on) lists 20, newest first.
  await insertChunked(
    db,
    "notifications",
    Array.from({ length: MEMBER_UNREAD + MEMBER_READ }, (_, k) => ({
      user_id: member.id,
      level: (["info", "success", "warning", "danger"] as const)[k % 4],
      title: `Scale notification ${k}`,
      message: `Scale notification ${k}: something happened to one of your characters or groups.`,
      viewed: k >= MEMBER_UNREAD,
      created_at: new Date(now.getTime() - k * 60_000),
    })),
  );
  return { memberId: member.id };
}

/** A production server on `databaseUrl`, started like the harness starts its own. */
export async function startServer(databaseUrl: string, progress: (message: string) => void) {
  const port = await freePort();
  let postgresPort = await freePort();
  while (postgresPort === port) postgresPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-bench-scale-"));
  fs.chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...SERVER_MEMORY_ENV,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    SITE_URL: `http://127.0.0.1:${port}`,
    SECRET_KEY: randomBytes(32).toString("hex"),
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    DATABASE_URL: databaseUrl,
    // The queue shares a PostgreSQL auth database; with MySQL it gets an embedded one in DATA_DIR.
    QUEUE_DATABASE_URL: "",
    EMBEDDED_POSTGRES_PORT: String(postgresPort),
    ESI_SSO_CLIENT_ID: "bench-placeholder",
    ESI_SSO_CLIENT_SECRET: "bench-placeholder",
    ESI_USER_CONTACT_EMAIL: "bench@example.invalid",
    ESI_SSO_BASE_URL: CLOSED_LOCAL_URL,
    ESI_API_URL: `${CLOSED_LOCAL_URL}/`,
  };
  const settings: Settings = parseSettings(env);
  const tail: string[] = [];
  const launch = () => {
    const child: ChildProcess = spawn(process.execPath, [...serverNodeOptions(), SERVER_SCRIPT], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    if (child.pid === undefined) throw new Error(`cannot start ${process.execPath} ${SERVER_SCRIPT}`);
    const reaper = spawn(process.execPath, ["--import", "tsx", path.join("bench", "reaper.ts"), String(process.pid), String(child.pid), dataDir], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    reaper.unref();
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) {
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > 20) tail.shift();
          if (process.env.BENCH_VERBOSE === "1") process.stderr.write(`  [scale server] ${line}\n`);
        }
      });
    }
    return { child, pid: child.pid, spawnedAt: performance.now() };
  };
  progress(`  starting a second server on port ${port} (DATA_DIR ${dataDir}) on the seeded database…`);
  let running: ReturnType<typeof launch>;
  try {
    running = launch();
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const recentOutput = () => (tail.length ? tail.map((l) => `  | ${l}`).join("\n") : "  | (no output)");
  /** Seconds from spawning to the first 200 from /healthz, and the CPU seconds used by then. */
  const untilHealthy = async () => {
    const { child, pid, spawnedAt } = running;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the second server exited during startup; last output:\n${recentOutput()}`);
      try {
        const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 200) return { seconds: (performance.now() - spawnedAt) / 1000, cpuSeconds: serverCpuMs(pid) / 1000 };
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(STARTUP_POLL_MS);
    }
    throw new Error(`GET /healthz did not return 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last}); last output:\n${recentOutput()}`);
  };
  return {
    baseUrl,
    get pid() {
      return running.pid;
    },
    settings,
    /** The first start: with MySQL/MariaDB it also creates the queue's embedded PostgreSQL in DATA_DIR (once per site). */
    startSeconds: Number.NaN,
    startCpuSeconds: Number.NaN,
    /** A restart on the same DATA_DIR and database: what starting after a new build takes on an installed site. */
    restartSeconds: Number.NaN,
    restartCpuSeconds: Number.NaN,
    recentOutput,
    async waitUntilHealthy() {
      ({ seconds: this.startSeconds, cpuSeconds: this.startCpuSeconds } = await untilHealthy());
    },
    async restart(say: (message: string) => void) {
      say("  restarting the second server on the same DATA_DIR…");
      await stopServer({ serverPid: running.pid, dataDir }, say);
      running = launch();
      ({ seconds: this.restartSeconds, cpuSeconds: this.restartCpuSeconds } = await untilHealthy());
    },
    stop: (say: (message: string) => void) => teardown({ serverPid: running.pid, dataDir }, say),
  };
}

export const dashboardScale: Benchmark = {
  name: "dashboard-scale",
  async run(ctx) {
    const database = await ownDatabase("dashboard", ctx.progress);
    let db: Database | undefined;
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      useBenchSettings();
      db = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(db);
      await syncPermissionCatalogue(db);
      ctx.progress(`  seeding ${USERS} users, ${GROUPS} groups, ${USERS * GROUPS_PER_USER} memberships…`);
      const { memberId } = await seedScale(db);
      // A live site's tables have statistics (autovacuum, or the importer's last step).
      await refreshStatistics(db);

      server = await startServer(database.url, ctx.progress);
      await server.waitUntilHealthy();
      await server.restart(ctx.progress);
      const member = await db.selectFrom("users").select(["id", "username", "is_staff", "is_superuser"]).where("id", "=", memberId).executeTakeFirstOrThrow();
      const token = await createSession(db, server.settings, member, { ip: "127.0.0.1", userAgent: "bench" });
      const cookie = (await sessionCookie(server.settings).serialize(token)).split(";")[0]!;

      // The page must be the member's dashboard with their groups, not a redirect or an error.
      const check = await fetch(new URL("/dashboard", server.baseUrl), { redirect: "manual", headers: { Cookie: cookie } });
      const body = await check.text();
      const shownGroups = (body.match(/Scale Group \d\d/g) ?? []).length;
      if (check.status !== 200 || !body.includes(DASHBOARD_MARKER) || !body.includes("scale_member") || shownGroups < MEMBER_GROUPS) {
        throw new Error(`GET /dashboard as the member: expected 200 with ${MEMBER_GROUPS} groups, got ${check.status} ${check.headers.get("location") ?? ""} (${shownGroups} groups)`);
      }

      return await siteFigures(ctx, {
        baseUrl: server.baseUrl,
        pid: server.pid,
        startSeconds: server.startSeconds,
        startCpuSeconds: server.startCpuSeconds,
        restartSeconds: server.restartSeconds,
        restartCpuSeconds: server.restartCpuSeconds,
        cookie,
        databaseUrl: database.url,
        dialect: dialectOfUrl(database.url) === "mysql" ? "MySQL" : "PostgreSQL",
        signal: interrupt.signal,
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await server?.stop(ctx.progress).catch((error: Error) => ctx.progress(`  stopping the second server: ${error.message}`));
      await db?.destroy().catch(() => {});
      await database.cleanup().catch((error: Error) => ctx.progress(`  cleanup: ${error.message}`));
    }
  },
};
