/**
 * Starts the production server the way an operator does (`tsx server.ts`, no configuration but a
 * secret), reads the first-run setup URL it prints, and stops it (and its database) afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { prosodySkipReason, startProsody } from "../support/prosody";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_SERVERS } from "../../playwright.config";
import { createForumDatabase, type ForumDatabase, forumSettings } from "../support/forum-db";

export const STATE_DIR = path.resolve("test-results/e2e-state");

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not healthy at ${url} within ${timeoutMs} ms`);
}

function databaseUrl(name: string): string | undefined {
  if (name !== "mysql") return undefined;
  const url = new URL(process.env.TEST_MYSQL_URL!);
  url.pathname = `/aa_e2e_${Date.now().toString(36)}`;
  return url.toString();
}

export default async function globalSetup() {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  // The Jabber broadcast needs an XMPP server: Debian's prosody when present (CI), else the page stays off.
  const prosody = prosodySkipReason() ? null : await startProsody({ port: Number(process.env.E2E_PROSODY_PORT ?? 3437), allowedSenders: ["broadcast@localhost"] });
  const botPassword = randomBytes(12).toString("base64url");
  await prosody?.register("broadcast", botPassword);
  const broadcastEnv = prosody ? { JABBER_URL: "localhost", JABBER_SERVER: "127.0.0.1", JABBER_PORT: String(prosody.port), BROADCAST_USER: "broadcast@localhost", BROADCAST_USER_PASSWORD: botPassword } : {};
  const children: { child: ChildProcess; dataDir: string }[] = [];
  const mysqlDatabases: string[] = [];
  const forums: ForumDatabase[] = [];
  for (const { name, port } of E2E_SERVERS) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `aa-e2e-${name}-`));
    fs.chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as user postgres
    const siteUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development", // demo mode (local fake EVE) is what a newcomer gets from `npm start`
      PORT: String(port),
      HOST: "127.0.0.1",
      SITE_URL: siteUrl,
      SECRET_KEY: randomBytes(48).toString("base64url"),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      // Every browser of the suite comes from 127.0.0.1: the per-address limits would throttle the suite itself.
      RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
      RATE_LIMIT_SSO_PER_MINUTE: "10000",
      RATE_LIMIT_REGISTRATION_PER_HOUR: "10000",
      // The specs give states themselves (the first-run seeding has its own test: demo-seed.test.ts).
      DEMO_SEED_STATES: "false",
      ...broadcastEnv,
      // Mumble in table mode (no murmur needed): offered on /services.
      MUMBLE_URL: "voice.example.org:64738",
      MUMBLE_PASSWORD_COST: "4",
    };
    // phpBB3, SMF and IPS4 on MariaDB databases built from their schemas (tests/e2e/forums.spec.ts), when there is a MariaDB.
    if (process.env.TEST_MYSQL_URL) {
      for (const kind of ["phpbb3", "smf", "ips4"] as const) {
        const forum = await createForumDatabase(process.env.TEST_MYSQL_URL, kind, { name: `aa_e2e_${kind}_${name}_${Date.now().toString(36)}` });
        forums.push(forum);
        Object.assign(env, forumSettings(forum, `http://forum.example/${kind}`));
      }
      // Low hash costs keep the flows quick; the hashes keep their forms.
      const smf = forums.at(-2)!;
      await smf.conn.query(`INSERT INTO ${smf.table("settings")} (variable, value) VALUES ('bcrypt_hash_cost', '4')`);
      Object.assign(env, { PHPBB3_PASSWORD_COST: "8", IPS4_PASSWORD_COST: "4" });
    }
    delete env.DATABASE_URL;
    delete env.QUEUE_DATABASE_URL;
    const dbUrl = databaseUrl(name);
    if (dbUrl) {
      env.DATABASE_URL = dbUrl;
      mysqlDatabases.push(dbUrl);
    }
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    children.push({ child, dataDir });
    let output = "";
    const setupUrl = new Promise<string>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /First run: create the first superuser at (\S+)/.exec(output);
        if (match) resolve(match[1]);
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
      });
    });
    try {
      await waitForHealthy(`${siteUrl}/healthz`, child, 90_000);
      const url = await Promise.race([setupUrl, new Promise<string>((_, reject) => setTimeout(() => reject(new Error("no setup URL printed")), 10_000))]);
      fs.writeFileSync(path.join(STATE_DIR, `${name}.json`), JSON.stringify({ setupPath: new URL(url).pathname, database: dbUrl ? "mysql" : "embedded postgres" }));
      console.log(`[e2e] ${name}: server up at ${siteUrl} (${dbUrl ? "MySQL/MariaDB" : "embedded PostgreSQL"})`);
    } catch (error) {
      console.error(`[e2e] ${name}: server failed to start:\n${output}`);
      for (const c of children) c.child.kill("SIGTERM");
      for (const forum of forums) await forum.drop();
      throw error;
    }
  }
  return async () => {
    await prosody?.stop();
    await Promise.all(
      children.map(
        ({ child, dataDir }) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
            child.once("exit", () => {
              clearTimeout(timer);
              fs.rmSync(dataDir, { recursive: true, force: true });
              resolve();
            });
            if (child.exitCode !== null) child.emit("exit");
            else child.kill("SIGTERM");
          }),
      ),
    );
    for (const forum of forums) await forum.drop();
    for (const url of mysqlDatabases) {
      const { createConnection } = await import("mysql2/promise");
      const u = new URL(url);
      const conn = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || "root"), password: decodeURIComponent(u.password) });
      await conn.query(`drop database if exists \`${u.pathname.slice(1)}\``);
      await conn.end();
    }
  };
}
