/**
 * Mumble passwords as the murmur authenticator verifies them: passlib's `bcrypt_sha256`, version 2
 * (passlib ≥ 1.7.3): `$bcrypt-sha256$v=2,t=2b,r=<cost>$<22-char salt>$<31-char checksum>`, where
 * bcrypt ($2b$, same cost and salt) hashes the standard base64 (padded) of
 * HMAC-SHA256(key = the salt's 22 characters, message = the UTF-8 password). Version 1 hashes
 * (`$bcrypt-sha256$2b,12$salt$checksum`, plain SHA-256) written by old installs still verify.
 */
import { createHash, createHmac, randomBytes, randomInt } from "node:crypto";
import { hashSync, verifySync } from "@node-rs/bcrypt";

export const MUMBLE_HASHFN = "bcrypt-sha256";
const BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's own base64 of the 16 salt bytes (22 characters). */
function bcryptBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    out += BCRYPT64[a >> 2]! + BCRYPT64[((a & 3) << 4) | (b >> 4)]!;
    if (i + 1 < bytes.length) out += BCRYPT64[((b & 15) << 2) | (c >> 6)]!;
    if (i + 2 < bytes.length) out += BCRYPT64[c & 63]!;
  }
  return out;
}

const v2Key = (salt: string, password: string) => createHmac("sha256", Buffer.from(salt, "ascii")).update(password, "utf8").digest("base64");
const v1Key = (password: string) => createHash("sha256").update(password, "utf8").digest("base64");

/** A new v2 hash of `password` (random salt; the original's cost is 12). */
export function hashMumblePassword(password: string, cost: number): string {
  const saltBytes = randomBytes(16);
  const salt = bcryptBase64(saltBytes);
  const inner = hashSync(v2Key(salt, password), cost, saltBytes);
  // $2b$12$ + 22 salt + 31 checksum
  const [, , rounds, rest] = inner.split("$");
  if (!rest || rest.slice(0, 22) !== salt) throw new Error("bcrypt returned an unexpected salt");
  return `$bcrypt-sha256$v=2,t=2b,r=${Number(rounds)}$${salt}$${rest.slice(22)}`;
}

const V2 = /^\$bcrypt-sha256\$v=2,t=(2a|2b),r=(\d{1,2})\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})$/;
const V1 = /^\$bcrypt-sha256\$(2a|2b),(\d{1,2})\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})$/;

/** True when `password` matches a passlib bcrypt_sha256 hash (v2 or v1); false for anything else. */
export function verifyMumblePassword(password: string, pwhash: string): boolean {
  const v2 = V2.exec(pwhash);
  const v1 = v2 ? null : V1.exec(pwhash);
  const match = v2 ?? v1;
  if (!match) return false;
  const [, ident, rounds, salt, checksum] = match;
  const key = v2 ? v2Key(salt!, password) : v1Key(password);
  return verifySync(key, `$${ident}$${rounds!.padStart(2, "0")}$${salt}${checksum}`);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The original's generated password: 16 characters of [A-Za-z0-9] (here from a CSPRNG). */
export function generateMumblePassword(length = 16): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

/** An unguessable password nobody ever sees (direct mode keeps a deactivated name registered with it). */
export function unknowablePassword(): string {
  return randomBytes(48).toString("base64url");
}
