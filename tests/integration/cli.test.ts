/** The command line as operators use it: real processes, real databases, one clear line on errors. */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectFreeTestsElsewhere, dialects, createTestRuntime, type TestRuntime } from "../support/db";

const SECRET = "cli-test-secret-that-is-long-enough-for-sure";

function cli(args: string[], env: Record<string, string>, input?: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-cli-"));
  const result = spawnSync(process.execPath, ["--import", "tsx", "bin/allianceauth.ts", ...args], {
    env: { NODE_ENV: "development", PATH: process.env.PATH!, HOME: os.tmpdir(), LOG_LEVEL: "silent", DATA_DIR: dataDir, SECRET_KEY: SECRET, ...env },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(dialectFreeTestsElsewhere)("configuration errors: one line naming the setting, exit 1, no stack trace", () => {
  it.each([
    [{ DATABASE_URL: "sqlite:///tmp/x.db" }, /^problem: DATABASE_URL: must start with postgres:\/\//],
    [{ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" }, /^problem: DATABASE_URL: cannot reach the database: connection refused/],
    [{ NODE_ENV: "production", SECRET_KEY: "" }, /^problem: SECRET_KEY: is required in production/],
    [{ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/x", CRONTAB_OVERRIDES: "nope=off" }, /^problem: CRONTAB_OVERRIDES: unknown schedule "nope"/],
  ])("check with %o", (env, expected) => {
    const { code, stderr } = cli(["check"], env);
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines[0]).toMatch(expected);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("the server refuses to start with a bad setting, in one line", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
      env: { NODE_ENV: "development", PATH: process.env.PATH!, DATABASE_URL: "mysql://root@127.0.0.1:1/aa", SECRET_KEY: SECRET, LOG_LEVEL: "silent", DATA_DIR: "/tmp/aa-cli-bad" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Startup error: DATABASE_URL: cannot reach the database: connection refused/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.each(dialects)("commands on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect, { queue: "separate" });
    env = { DATABASE_URL: rt.url, QUEUE_DATABASE_URL: rt.queueUrl };
  });
  afterAll(async () => rt?.stop());

  it.skipIf(skip)("check passes on a migrated database", () => {
    const { code, stdout, stderr } = cli(["check"], env);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("ok: configuration valid");
  });

  it.skipIf(skip)("createsuperuser without a terminal: flags, validation and duplicates", async () => {
    const ok = cli(["createsuperuser", "--username", "clio", "--email", "c@example.com", "--password", "twelve chars pw!"], env);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const user = await rt.db.selectFrom("users").selectAll().where("username", "=", "clio").executeTakeFirstOrThrow();
    expect(user).toMatchObject({ is_superuser: true, is_staff: true, is_active: true, email: "c@example.com" });
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const dup = cli(["createsuperuser", "--username", "clio", "--password", "twelve chars pw!"], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toBe("createsuperuser: username: A user with this username already exists.");

    const short = cli(["createsuperuser", "--username", "other", "--password", "short"], env);
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe("createsuperuser: password: The password must have at least 12 characters.");

    const missing = cli(["createsuperuser", "--no-input"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--username and --password/);

    const fromEnv = cli(["createsuperuser", "--no-input"], { ...env, ALLIANCEAUTH_SUPERUSER_USERNAME: "envy", ALLIANCEAUTH_SUPERUSER_PASSWORD: "from the environment" });
    expect(fromEnv.code).toBe(0);
    expect(await rt.db.selectFrom("users").select("id").where("username", "=", "envy").executeTakeFirst()).toBeDefined();
  });

  it.skipIf(skip)("task run executes a task now; task enqueue puts it on the queue; bad names and payloads fail clearly", async () => {
    const run = cli(["task", "run", "authentication.cleanup_expired_sessions"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/done in \d+ ms: \{"sessions":\d+,"oneTimeTokens":\d+\}/);

    const queued = cli(["task", "enqueue", "authentication.cleanup_expired_sessions", "{}", "--priority", "7"], env);
    expect(queued.code).toBe(0);
    const { rows } = await rt.queuePool.query("select task_identifier, priority from graphile_worker.jobs");
    expect(rows).toEqual([{ task_identifier: "authentication.cleanup_expired_sessions", priority: 7 }]);

    const unknown = cli(["task", "run", "no.such_task"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('task: unknown task "no.such_task" (see `npm run task -- list`)');

    const badJson = cli(["task", "run", "core.relay_outbox", "{nope"], env);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr.trim()).toBe("task: payload is not valid JSON: {nope");

    const badPayload = cli(["task", "run", "core.relay_outbox", '{"unexpected":1}'], env);
    expect(badPayload.code).toBe(1);
    expect(badPayload.stderr).toMatch(/^task: invalid payload for core.relay_outbox/);

    const list = cli(["task", "list"], env);
    expect(list.stdout).toMatch(/authentication\.cleanup_expired_sessions\s+Delete expired sessions/);
  });
});

describe.skipIf(dialectFreeTestsElsewhere)("the web server with two HTTP processes (WEB_CONCURRENCY=2)", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime("postgres");
  });
  afterAll(async () => rt?.stop());

  it("serves from the forked processes, runs the worker once, and stops cleanly", async () => {
    const port = 3700 + Math.floor(Math.random() * 200);
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      env: { NODE_ENV: "development", PATH: process.env.PATH!, DATABASE_URL: rt.url, SECRET_KEY: SECRET, LOG_LEVEL: "warn", PORT: String(port), HOST: "127.0.0.1", WEB_CONCURRENCY: "2", DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "aa-cluster-")) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    try {
      let health: { status?: string; worker?: { workers: number } } = {};
      for (let i = 0; i < 120 && health.status !== "ok"; i++) {
        await new Promise((r) => setTimeout(r, 500));
        health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json(), () => ({}));
      }
      expect(health).toMatchObject({ status: "ok", worker: { workers: 1 } });
      const statuses = await Promise.all(Array.from({ length: 8 }, () => fetch(`http://127.0.0.1:${port}/login`).then((r) => r.status)));
      expect(statuses).toEqual(Array(8).fill(200));
      const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
      expect(children).toHaveLength(2);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      // The server's own output says why it did not exit cleanly (its shutdown deadline, a stuck pool).
      expect(await exited, `server output:\n${output}`).toBe(0);
    }
    expect(output).not.toMatch(/"level":50/);
  }, 90_000);
});
