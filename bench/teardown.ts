/**
 * Stopping a benchmark server and everything it started, then removing its DATA_DIR. Used by the
 * harness and by the reaper (`reaper.ts`), so it identifies processes by their DATA_DIR, never by
 * a bare pid that may have been reused, and is safe to run twice.
 */
import fs from "node:fs";

export interface ServerTree {
  serverPid: number;
  dataDir: string;
}

const STOP_TIMEOUT_MS = 20_000;
const POSTGRES_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Alive and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function readProc(pid: number, file: "environ" | "cmdline"): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

/** The server is the process whose environment has our DATA_DIR. */
function isServer(tree: ServerTree): boolean {
  return isAlive(tree.serverPid) && readProc(tree.serverPid, "environ").split("\0").includes(`DATA_DIR=${tree.dataDir}`);
}

/** The embedded PostgreSQL's postmaster has the data folder on its command line (`-D <DATA_DIR>/postgres`). */
function postgresPids(dataDir: string): number[] {
  const needle = `${dataDir}/`;
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && readProc(pid, "cmdline").split("\0").some((arg) => arg.startsWith(needle)));
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {} // already gone
}

async function waitForExit(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * SIGTERM the server and wait up to 20 s (it stops its PostgreSQL itself), else SIGKILL. A server
 * killed, or stopped while still booting, leaves its PostgreSQL running: that gets a fast shutdown
 * (SIGINT), then SIGKILL. DATA_DIR stays (a restart uses it again).
 */
export async function stopServer(tree: ServerTree, say: (message: string) => void) {
  if (isServer(tree)) {
    say("stopping server…");
    signal(tree.serverPid, "SIGTERM");
    if (!(await waitForExit([tree.serverPid], STOP_TIMEOUT_MS))) {
      say(`server did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it`);
      signal(tree.serverPid, "SIGKILL");
      await waitForExit([tree.serverPid], 5_000);
    }
  }
  const leftovers = postgresPids(tree.dataDir);
  if (leftovers.length) {
    say(`stopping the server's leftover PostgreSQL (pid ${leftovers.join(", ")})…`);
    for (const pid of leftovers) signal(pid, "SIGINT");
    if (!(await waitForExit(leftovers, POSTGRES_TIMEOUT_MS))) for (const pid of leftovers) signal(pid, "SIGKILL");
    await waitForExit(leftovers, 5_000);
  }
}

/** `stopServer`, then the DATA_DIR goes. Safe to run twice. */
export async function teardown(tree: ServerTree, say: (message: string) => void) {
  await stopServer(tree, say);
  fs.rmSync(tree.dataDir, { recursive: true, force: true });
}
