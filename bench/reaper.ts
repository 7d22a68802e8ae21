/**
 * Watches the harness and cleans up after it if it dies without doing so itself.
 *
 * Needed because `tsx` SIGKILLs its child when the child does not acknowledge Ctrl-C within a few
 * tens of milliseconds — which happens whenever autocannon keeps the harness's event loop busy.
 * Runs detached (its own process group, so Ctrl-C does not reach it):
 *   node --import tsx bench/reaper.ts <harness pid> <server pid> <DATA_DIR>
 */
import fs from "node:fs";
import { isAlive, teardown } from "./teardown";

const POLL_MS = 250;

const [harnessPid, serverPid, dataDir] = process.argv.slice(2);
if (!harnessPid || !serverPid || !dataDir) {
  console.error("usage: reaper.ts <harness pid> <server pid> <DATA_DIR>");
  process.exit(2);
}

const say = (message: string) => process.stderr.write(`bench reaper: ${message}\n`);

while (isAlive(Number(harnessPid))) await new Promise((resolve) => setTimeout(resolve, POLL_MS));

// The harness normally tears down before it exits; then there is nothing left to do.
if (fs.existsSync(dataDir) || isAlive(Number(serverPid))) {
  say("the harness exited without cleaning up; stopping its server");
  await teardown({ serverPid: Number(serverPid), dataDir }, say);
  say(`removed ${dataDir}`);
}
