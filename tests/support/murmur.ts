/**
 * A real murmur (Debian's mumble-server) for the Mumble direct-mode tests: own scratch directory,
 * Ice on loopback with a secret, autoban off, started and stopped here (SIGTERM, SIGKILL after a
 * grace period). Runs where murmurd is installed and the CI's test variables are set
 * (TEST_MURMUR=1 or TEST_DATABASE_URL); the newcomer path skips with the reason below.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const MURMURD = "/usr/sbin/murmurd";
export const murmurAvailable = existsSync(MURMURD) && Boolean(process.env.TEST_MURMUR === "1" || process.env.TEST_DATABASE_URL);
export const murmurSkipReason = existsSync(MURMURD)
  ? "Mumble murmur tests run with TEST_MURMUR=1 or TEST_DATABASE_URL set (as .ci/run does)"
  : "Mumble murmur tests need Debian's mumble-server (apt-get install mumble-server; .ci/run installs it)";

export interface Murmur {
  icePort: number;
  port: number;
  secret: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startMurmur(options: { icePort: number; port: number; secret: string; graceMs?: number }): Promise<Murmur> {
  const dir = mkdtempSync(path.join(tmpdir(), "murmur-"));
  // murmurd started as root drops to the mumble-server user, which must write the scratch dir.
  chmodSync(dir, 0o777);
  const ini = path.join(dir, "murmur.ini");
  writeFileSync(
    ini,
    [
      `database=${path.join(dir, "murmur.sqlite")}`,
      `ice="tcp -h 127.0.0.1 -p ${options.icePort}"`,
      `icesecretread=${options.secret}`,
      `icesecretwrite=${options.secret}`,
      "host=127.0.0.1",
      `port=${options.port}`,
      "pidfile=",
      "logfile=",
      // WAL without a sync per write: the tests and the bench register many users.
      "sqlite_wal=1",
      // PBKDF2 rounds of murmur's own password hashes: murmur otherwise benchmarks ~tens of ms per hash.
      "kdfIterations=1000",
      "bonjour=false",
      "autobanAttempts=0",
      "autobanTimeframe=0",
      "autobanTime=0",
      "allowping=false",
      "registerName=",
      "",
    ].join("\n"),
  );
  let output = "";
  const child: ChildProcess = spawn(MURMURD, ["-fg", "-ini", ini], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`murmurd did not start within 20 s:\n${output}`)), 20_000);
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Server listening on/.test(output) && /MurmurIce: Endpoint/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`murmurd exited (${code}):\n${output}`));
    });
  });
  return {
    ...options,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killed = setTimeout(() => child.kill("SIGKILL"), options.graceMs ?? 3000);
        await exited;
        clearTimeout(killed);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
