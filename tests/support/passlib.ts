/**
 * The murmur authenticator's own hash check: Debian's python3-passlib (1.7.4, what the authenticator
 * imports) verifying our hashes. Returns null where that Python module is not installed (the
 * newcomer path); CI installs it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const PYTHON = "/usr/bin/python3";
const SCRIPT = "import json,sys\nfrom passlib.hash import bcrypt_sha256\nprint(json.dumps([bcrypt_sha256.verify(p, h) for p, h in json.load(sys.stdin)]))";

export function passlibAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ["-c", "import passlib.hash, bcrypt"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** passlib's bcrypt_sha256.verify for each (password, hash) pair, or null when passlib is missing. */
export function passlibVerify(pairs: [string, string][]): boolean[] | null {
  if (!passlibAvailable()) return null;
  return JSON.parse(execFileSync(PYTHON, ["-c", SCRIPT], { input: JSON.stringify(pairs) }).toString()) as boolean[];
}
