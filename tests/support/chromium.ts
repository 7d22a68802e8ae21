/**
 * The Chromium that the end-to-end tests (and anything else that drives a browser) launch, found
 * without configuration, in this order:
 *   1. CHROMIUM_PATH, when set;
 *   2. the system's Chromium (chromium, chromium-browser or google-chrome on PATH or in /usr/bin);
 *   3. the Chromium shipped inside the `@sparticuz/chromium` dev dependency (Linux x64): a
 *      brotli-compressed binary in the package itself, unpacked once into node_modules/.cache.
 * `CHROMIUM_SKIP_SYSTEM=1` skips step 2 (CI uses it to prove the path of a machine without one).
 *
 * `tsx tests/support/chromium.ts` (npm's `pretest`) resolves it and prints which one, or stops with
 * one line that says how to get one, before anything else runs.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface FoundChromium {
  path: string;
  source: "CHROMIUM_PATH" | "system" | "package";
}

export const NO_CHROMIUM_HELP =
  "No Chromium for the end-to-end tests: run `npm install` (it brings one inside @sparticuz/chromium on Linux x64), install your system's chromium package (Debian: apt-get install chromium), or set CHROMIUM_PATH.";

const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

function isExecutable(file: string) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function systemChromium(env: Record<string, string | undefined>): string | undefined {
  const dirs = [...(env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/bin"];
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The packaged Chromium, unpacked on first use into node_modules/.cache/sparticuz-chromium-<version>/. */
function packagedChromium(): string | undefined {
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  } catch {
    return undefined; // not installed (e.g. `npm install --omit=dev`)
  }
  const packageDir = path.resolve(path.dirname(entry), "..", "..");
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
  const cacheDir = path.resolve(packageDir, "..", "..", ".cache", `sparticuz-chromium-${version}`);
  const binary = path.join(cacheDir, "chromium");
  if (isExecutable(binary)) return binary;

  // The package unpacks into os.tmpdir(): point that at a private folder, then move it into place
  // in one rename so a concurrent or interrupted run never sees half a browser.
  const staging = `${cacheDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    const script = `const c = require(${JSON.stringify(entry)}); (c.default ?? c).executablePath().then((p) => process.stdout.write(p))`;
    const unpacked = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, TMPDIR: staging }, encoding: "utf8" });
    if (path.resolve(unpacked) !== path.join(staging, "chromium")) throw new Error(`unexpected path ${unpacked}`);
    try {
      fs.renameSync(staging, cacheDir);
    } catch (error) {
      if (!isExecutable(binary)) throw error; // another process finished first: use its copy
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return isExecutable(binary) ? binary : undefined;
}

/** Finds a Chromium, or throws an Error whose message is NO_CHROMIUM_HELP (or names a bad CHROMIUM_PATH). */
export function findChromium(env: Record<string, string | undefined> = process.env): FoundChromium {
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file. ${NO_CHROMIUM_HELP}`);
    return { path: env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
  }
  if (env.CHROMIUM_SKIP_SYSTEM !== "1") {
    const system = systemChromium(env);
    if (system) return { path: system, source: "system" };
  }
  const packaged = packagedChromium();
  if (packaged) return { path: packaged, source: "package" };
  throw new Error(NO_CHROMIUM_HELP);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const found = findChromium();
    console.log(`[tests] Chromium (${found.source}): ${found.path}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
