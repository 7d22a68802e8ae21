#!/usr/bin/env node
/**
 * Replays the Dockerfile without a container engine (none can be had on our machines), so a broken
 * recipe fails CI even though the image is never built.
 *
 * The Dockerfile itself is read, so the two cannot drift: every stage becomes a folder under a
 * scratch directory; WORKDIR, COPY (from the build context with .dockerignore applied, or --from an
 * earlier stage), RUN, ENV and USER are carried out in order, with absolute paths under a WORKDIR
 * mapped into the stage's folder. Then the final stage is started the way the image starts —
 * ENTRYPOINT + CMD, as its USER, with its ENV (plus what `docker run -e` would add: a database, a
 * secret, a free port on 127.0.0.1) — and its HEALTHCHECK command is run until it passes (GET
 * /healthz). An instruction this script does not know fails it, so a new one must be taught here.
 *
 * Differences from a real build, by necessity: the base image's files are the machine's (its node
 * and npm, not node:22-slim's), and the user of USER is created on the machine when missing.
 *
 * Usage (as root, like CI): node .ci/docker-replay.mjs
 * Needs a PostgreSQL server: REPLAY_DATABASE_URL or TEST_DATABASE_URL (a fresh database is created
 * on it for the run and dropped afterwards). KEEP_REPLAY=1 keeps the scratch directory.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

const context = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const started = Date.now();
const say = (line) => console.log(`[docker-replay ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
process.removeAllListeners("warning"); // path.matchesGlob is "experimental" on Node 20
let scratch;
const removeScratch = () => spawnSync("rm", ["-rf", scratch]);
const fail = (line) => {
  console.error(`[docker-replay] FAILED: ${line}`);
  if (scratch && process.env.KEEP_REPLAY !== "1") removeScratch();
  process.exit(1);
};

if (process.getuid?.() !== 0) fail("run as root (the image's USER is switched to, as Docker does)");
const serverUrl = process.env.REPLAY_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!serverUrl?.startsWith("postgres")) fail("set REPLAY_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server");

// ---- parse the Dockerfile: continuation lines joined, comment lines dropped (as Docker does)
function parseDockerfile(text) {
  const instructions = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) continue;
    if (!current && !line) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const [, keyword, rest] = /^(\S+)\s*(.*)$/s.exec(current.trim());
    instructions.push({ keyword: keyword.toUpperCase(), rest: rest.trim() });
    current = "";
  }
  if (current.trim()) fail("the Dockerfile ends inside a continued line");
  return instructions;
}

/** Splits `--flag=value` options off the front of an instruction's arguments. */
function options(rest) {
  const flags = {};
  let remaining = rest;
  for (let m; (m = /^--([\w-]+)=(\S+)\s+/.exec(remaining)); remaining = remaining.slice(m[0].length)) flags[m[1]] = m[2];
  return { flags, remaining };
}

/** Exec form (JSON array) or shell form, as Docker reads ENTRYPOINT, CMD and RUN. */
const commandOf = (text) => (text.startsWith("[") ? JSON.parse(text) : ["/bin/sh", "-c", text]);

function parseEnv(rest) {
  const env = {};
  const re = /([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (let m; (m = re.exec(rest)); ) env[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  if (!Object.keys(env).length) fail(`ENV ${rest}: only the KEY=value form is understood`);
  return env;
}

// ---- .dockerignore, for COPY from the build context
const ignorePatterns = fs.existsSync(path.join(context, ".dockerignore"))
  ? fs
      .readFileSync(path.join(context, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"))
  : [];
function ignored(relative) {
  let result = false;
  for (const pattern of ignorePatterns) {
    const negated = pattern.startsWith("!");
    const glob = path.normalize(negated ? pattern.slice(1) : pattern).replace(/^\/+/, "");
    // A pattern matches the path or any folder above it (Docker excludes whole folders).
    const parts = relative.split("/");
    const hit = parts.some((_, i) => path.matchesGlob(parts.slice(0, i + 1).join("/"), glob));
    if (hit) result = !negated;
  }
  return result;
}

function copyTree(from, to, filter) {
  const stat = fs.lstatSync(from);
  if (!filter) {
    fs.mkdirSync(stat.isDirectory() ? to : path.dirname(to), { recursive: true });
    execFileSync("cp", ["-a", stat.isDirectory() ? `${from}/.` : from, to]);
    return;
  }
  if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from)) {
      if (filter && !filter(path.join(from, entry))) continue;
      copyTree(path.join(from, entry), path.join(to, entry), filter);
    }
  } else {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(from, to, { preserveTimestamps: true, verbatimSymlinks: true });
  }
}

// ---- the replay
scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aa-docker-replay-"));
fs.chmodSync(scratch, 0o755); // the image's user must reach its files
const stages = [];
let stage;
const workdirs = new Set();
let healthcheck;
let entrypoint = [];
let cmd = [];

/** Absolute image paths in a command or value, mapped into the stage's folder. */
function mapPaths(text, s) {
  let out = text;
  for (const wd of [...workdirs].sort((a, b) => b.length - a.length)) {
    const escaped = wd.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`(^|[\\s="':])${escaped}(?=$|[/\\s"':;&|)])`, "g"), `$1${path.join(s.root, wd)}`);
  }
  return out;
}
const inStage = (s, p) => path.join(s.root, path.posix.isAbsolute(p) ? p : path.posix.join(s.workdir, p));

function userIds(name) {
  const user = spawnSync("id", ["-u", name], { encoding: "utf8" });
  if (user.status !== 0) {
    say(`creating the user ${name} (the base image has it)`);
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name]);
  }
  return { uid: Number(execFileSync("id", ["-u", name], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", name], { encoding: "utf8" })) };
}

function stageEnv(s, extra = {}) {
  const home = s.user === "root" ? (process.env.HOME ?? "/root") : path.join(scratch, "home");
  const env = { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8" };
  for (const [k, v] of Object.entries(s.env)) env[k] = mapPaths(v, s);
  return { ...env, ...extra };
}

function asUser(s, argv) {
  if (s.user === "root") return argv;
  const { uid, gid } = userIds(s.user);
  return ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--init-groups", "--", ...argv];
}

const dockerfile = parseDockerfile(fs.readFileSync(path.join(context, "Dockerfile"), "utf8"));
// The base image has its users before any RUN refers to them (`chown node:node …`).
for (const { keyword, rest } of dockerfile) if (keyword === "USER" && rest !== "root") userIds(rest.split(":")[0]);
for (const { keyword, rest } of dockerfile) {
  switch (keyword) {
    case "FROM": {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? fail(`FROM ${rest}`);
      const base = stages.find((s) => s.name === image);
      stage = { name: name ?? String(stages.length), root: path.join(scratch, `stage-${name ?? stages.length}`), workdir: "/", env: {}, user: "root" };
      if (base) copyTree(base.root, stage.root), Object.assign(stage, { workdir: base.workdir, env: { ...base.env }, user: base.user });
      else fs.mkdirSync(stage.root, { recursive: true });
      stages.push(stage);
      healthcheck = undefined;
      entrypoint = [];
      cmd = [];
      say(`stage ${stage.name} (from ${image}${base ? "" : ": the machine's node and npm stand in"})`);
      break;
    }
    case "WORKDIR":
      stage.workdir = path.posix.resolve(stage.workdir, rest);
      workdirs.add(stage.workdir);
      fs.mkdirSync(inStage(stage, stage.workdir), { recursive: true });
      break;
    case "ENV":
      Object.assign(stage.env, parseEnv(rest));
      break;
    case "USER":
      stage.user = rest;
      break;
    case "COPY": {
      const { flags, remaining } = options(`${rest} `);
      const args = remaining.trim().startsWith("[") ? JSON.parse(remaining) : remaining.trim().split(/\s+/);
      const dest = args.pop();
      const unknown = Object.keys(flags).filter((f) => f !== "from" && f !== "chown");
      if (unknown.length) fail(`COPY --${unknown[0]} is not understood by the replay`);
      const from = flags.from ? stages.find((s) => s.name === flags.from) ?? fail(`COPY --from=${flags.from}: no such stage`) : undefined;
      const destPath = inStage(stage, dest);
      for (const src of args) {
        const source = from ? inStage(from, src) : path.join(context, src);
        if (!fs.existsSync(source)) fail(`COPY ${src}: not found`);
        const rel = (p) => path.relative(context, p);
        const filter = from ? undefined : (p) => !ignored(rel(p));
        if (!from && rel(source) && ignored(rel(source))) fail(`COPY ${src}: excluded by .dockerignore`);
        const isDir = fs.statSync(source).isDirectory();
        // Docker copies a folder's contents into dest; a file into dest/ (or as dest).
        const target = isDir || !(dest.endsWith("/") || args.length > 1) ? destPath : path.join(destPath, path.basename(src));
        copyTree(source, target, filter);
        if (flags.chown) execFileSync("chown", ["-R", flags.chown, target]);
      }
      say(`COPY ${rest}`);
      break;
    }
    case "RUN": {
      const argv = commandOf(rest).map((a) => mapPaths(a, stage));
      say(`RUN ${rest}`);
      const run = spawnSync(asUser(stage, argv)[0], asUser(stage, argv).slice(1), { cwd: inStage(stage, stage.workdir), env: stageEnv(stage), stdio: "inherit" });
      if (run.status !== 0) fail(`RUN ${rest} (exit ${run.status ?? run.signal})`);
      break;
    }
    case "HEALTHCHECK": {
      const { flags, remaining } = options(`${rest} `);
      const m = /^CMD\s+(.*)$/s.exec(remaining.trim()) ?? fail(`HEALTHCHECK ${rest}: only the CMD form is understood`);
      healthcheck = { command: commandOf(m[1].trim()), startPeriod: flags["start-period"] ?? "30s" };
      break;
    }
    case "ENTRYPOINT":
      entrypoint = commandOf(rest);
      break;
    case "CMD":
      cmd = commandOf(rest);
      break;
    case "EXPOSE":
    case "LABEL":
      break;
    default:
      fail(`${keyword} is not understood by the replay: teach .ci/docker-replay.mjs`);
  }
}

// ---- start the final stage as the image would and wait for its health check
const final = stage;
if (!healthcheck) fail("the final stage has no HEALTHCHECK to probe /healthz with");
if (!entrypoint.length && !cmd.length) fail("the final stage has no ENTRYPOINT or CMD");

const appDir = inStage(final, final.workdir);
// Production dependencies only: nothing the lock file marks as dev-only may be in the image.
const lock = JSON.parse(fs.readFileSync(path.join(context, "package-lock.json"), "utf8"));
const devOnly = Object.entries(lock.packages ?? {}).filter(([p, info]) => p.startsWith("node_modules/") && info.dev);
const leaked = devOnly.filter(([p]) => fs.existsSync(path.join(appDir, p))).map(([p]) => p.slice("node_modules/".length));
if (leaked.length) fail(`dev dependencies in the final image: ${leaked.slice(0, 10).join(", ")}${leaked.length > 10 ? ", …" : ""}`);
for (let dir = path.dirname(appDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
  if (fs.existsSync(path.join(dir, "node_modules"))) fail(`${dir}/node_modules would leak modules into the image's resolution`);
}
say(`final stage holds production dependencies only (none of the lock file's ${devOnly.length} dev-only packages)`);

const port = await new Promise((resolve) => {
  const srv = net.createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = srv.address();
    srv.close(() => resolve(free));
  });
});
const database = `aa_docker_replay_${randomBytes(4).toString("hex")}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${database}`;
fs.mkdirSync(path.join(scratch, "home"), { recursive: true });
if (final.user !== "root") execFileSync("chown", [final.user, path.join(scratch, "home")]);
// What `docker run -e …` adds: a database, a secret, production EVE settings that point nowhere
// outside this machine, and the port on loopback.
const runEnv = stageEnv(final, {
  HOST: "127.0.0.1",
  PORT: String(port),
  DATABASE_URL: dbUrl.toString(),
  SECRET_KEY: randomBytes(32).toString("base64url"),
  ESI_SSO_CLIENT_ID: "docker-replay",
  ESI_SSO_CLIENT_SECRET: "docker-replay",
  ESI_SSO_BASE_URL: "http://127.0.0.1:9",
  ESI_USER_CONTACT_EMAIL: "ci@example.invalid",
  SITE_URL: `http://127.0.0.1:${port}`,
});
const argv = [...entrypoint, ...cmd].map((a, i) => (i === 0 && a.includes("/") && !a.startsWith("/") ? path.join(appDir, a) : mapPaths(a, final)));
say(`start: ${[...entrypoint, ...cmd].join(" ")} as ${final.user}, port ${port}, database ${database}`);
const output = [];
const server = spawn(asUser(final, argv)[0], asUser(final, argv).slice(1), { cwd: appDir, env: runEnv, stdio: ["ignore", "pipe", "pipe"] });
server.stdout.on("data", (d) => output.push(d));
server.stderr.on("data", (d) => output.push(d));
let exited = null;
server.on("exit", (code, signal) => (exited = code ?? signal));

const seconds = (s) => Number.parseInt(s, 10) * (s.endsWith("m") ? 60 : 1);
const deadline = Date.now() + Math.max(60, seconds(healthcheck.startPeriod) * 2) * 1000;
let healthy = false;
while (!healthy && exited === null && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 1000));
  const probe = spawnSync(asUser(final, healthcheck.command)[0], asUser(final, healthcheck.command).slice(1), { cwd: appDir, env: runEnv, timeout: 5000 });
  healthy = probe.status === 0;
}

async function cleanUp() {
  if (exited === null) {
    server.kill("SIGTERM");
    const stopped = await new Promise((r) => {
      const t = setTimeout(() => r(false), 15_000);
      server.once("exit", () => (clearTimeout(t), r(true)));
    });
    if (!stopped) server.kill("SIGKILL");
  }
  spawnSync("psql", [serverUrl, "-q", "-c", `drop database if exists ${database} with (force)`], { stdio: "inherit" });
  if (process.env.KEEP_REPLAY !== "1") removeScratch();
  else say(`kept ${scratch}`);
}

if (!healthy) {
  await cleanUp();
  process.stderr.write(Buffer.concat(output).toString().split("\n").slice(-30).join("\n"));
  fail(exited !== null ? `the server exited (${exited}) before its health check passed` : "the health check did not pass in time");
}
say("HEALTHCHECK passed: /healthz answered 200");
await cleanUp();
say("the Dockerfile's recipe builds and starts");
