/** Builds (if needed), starts and stops the production server as a child process. */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { teardown } from "./teardown";
import { BENCH_METRICS_TOKEN } from "./page-costs";

const ROOT = path.resolve(import.meta.dirname, "..");
const READY_TIMEOUT_MS = 90_000;
/** The setup line is printed just after the server starts listening. */
const SETUP_LINE_TIMEOUT_MS = 15_000;
const TAIL_LINES = 40;
/** Port 9 (discard) is not served here: connections are refused immediately. */
const CLOSED_LOCAL_URL = "http://127.0.0.1:9";

type Progress = (message: string) => void;

/** The compiled server (`npm run build`), run with plain node as `npm start` and the Docker image run it. */
export const SERVER_SCRIPT = "build/server.js";

/** Runs `npm run build` when there is no compiled server (or BENCH_BUILD=1 asks for a fresh one). */
export async function ensureBuild(progress: Progress) {
  const forced = process.env.BENCH_BUILD === "1";
  if (!forced && fs.existsSync(path.join(ROOT, SERVER_SCRIPT))) return;
  progress(forced ? "building (BENCH_BUILD=1): npm run build…" : `no ${SERVER_SCRIPT}: running npm run build…`);
  // Build output goes to stderr so stdout carries only the figures.
  const child = spawn("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`npm run build failed (exit code ${code})`);
}

/** A port nobody listens on right now: the kernel picks one for a throwaway listener. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The heap flags of the Docker image (its NODE_OPTIONS) and of `npm start`. */
const SERVER_NODE_OPTIONS = "--max-old-space-size=128 --max-semi-space-size=8";

/** The environment the Docker image and `npm start` add for the server's memory (decision 0049). */
export const SERVER_MEMORY_ENV = { MALLOC_ARENA_MAX: "2" } as const;

/** Node options of the server, as the Docker image sets them; BENCH_NODE_OPTIONS replaces them. */
export function serverNodeOptions(): string[] {
  const raw = process.env.BENCH_NODE_OPTIONS ?? SERVER_NODE_OPTIONS;
  return raw.split(/\s+/).filter(Boolean);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ServerProcess {
  readonly baseUrl: string;
  /** Resolves with the first-run setup URL the server prints on stdout. */
  readonly setupUrl: Promise<string>;
  private readonly tail: string[] = [];
  private resolveSetup!: (url: string) => void;
  private rejectSetup!: (error: Error) => void;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.setupUrl = new Promise((resolve, reject) => {
      this.resolveSetup = resolve;
      this.rejectSetup = reject;
    });
    this.setupUrl.catch(() => {}); // handled by whoever awaits it; avoid an unhandled rejection otherwise
    child.once("exit", (code, signal) => this.rejectSetup(new Error(`server exited (${signal ?? `code ${code}`}) before printing the setup URL`)));
    this.collect(child.stdout!, true);
    this.collect(child.stderr!, false);
  }

  /** The pid of the server itself: node runs build/server.js directly, with no `npx` wrapper in between. */
  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns `node build/server.js` with a fresh DATA_DIR, a random SECRET_KEY and a free port. */
  static async start(progress: Progress): Promise<ServerProcess> {
    const port = await freePort();
    // Its own free port rather than the default 54329-and-up scan, which races with dev and e2e servers starting at the same time.
    let postgresPort = await freePort();
    while (postgresPort === port) postgresPort = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-bench-"));
    // The embedded PostgreSQL runs as user postgres and must be able to enter the folder.
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
      // Set even when empty: the server's .env loader never overrides a variable that is set.
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
      QUEUE_DATABASE_URL: "",
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      // Production needs an EVE SSO application. Placeholders pointing at a closed local port keep
      // the run independent of CCP's servers: any ESI/SSO call fails at once instead of going out.
      ESI_SSO_CLIENT_ID: "bench-placeholder",
      ESI_SSO_CLIENT_SECRET: "bench-placeholder",
      ESI_USER_CONTACT_EMAIL: "bench@example.invalid",
      ESI_SSO_BASE_URL: CLOSED_LOCAL_URL,
      ESI_API_URL: `${CLOSED_LOCAL_URL}/`,
    };
    progress(`starting server on port ${port} (DATA_DIR ${dataDir})…`);
    // A process group of its own: Ctrl-C in the terminal then reaches only the harness, which stops
    // the server in order, instead of hitting the server and its PostgreSQL all at once.
    const child = spawn(process.execPath, [...serverNodeOptions(), SERVER_SCRIPT], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    if (child.pid === undefined) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`cannot start ${process.execPath} ${SERVER_SCRIPT}`);
    }
    // Cleans up should this process die without doing it (e.g. SIGKILLed); exits on its own afterwards.
    const reaper = spawn(process.execPath, ["--import", "tsx", path.join("bench", "reaper.ts"), String(process.pid), String(child.pid), dataDir], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    reaper.unref();
    return new ServerProcess(child, port, dataDir);
  }

  private collect(stream: NodeJS.ReadableStream, isStdout: boolean) {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        if (process.env.BENCH_VERBOSE === "1") process.stderr.write(`  [server] ${line}\n`);
        const setup = isStdout && /First run: create the first superuser at (\S+)/.exec(line);
        if (setup) this.resolveSetup(setup[1]!);
      }
    });
  }

  /** The server's last output lines, for error messages. */
  recentOutput(): string {
    return this.tail.length ? this.tail.map((line) => `  | ${line}`).join("\n") : "  | (no output)";
  }

  /** Polls GET /healthz until it answers 200. */
  async waitUntilHealthy() {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`server exited during startup; last output:\n${this.recentOutput()}`);
      try {
        const response = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 200) return;
        last = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`GET /healthz did not return 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last}); last output:\n${this.recentOutput()}`);
  }

  async waitForSetupUrl(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              "the server printed no first-run setup URL: the database already has a superuser. " +
                "The benchmark creates its own superuser and needs an empty database (unset BENCH_DATABASE_URL to use a fresh embedded one).",
            ),
          ),
        SETUP_LINE_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.setupUrl, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the server and its PostgreSQL and removes DATA_DIR (see `teardown.ts`). */
  async stop(say: Progress) {
    await teardown({ serverPid: this.pid, dataDir: this.dataDir }, say);
  }
}
