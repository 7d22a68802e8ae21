/**
 * Django password hashes carried over from Alliance Auth: PBKDF2-SHA256/SHA1, Argon2 and the bcrypt
 * variants are verified as Django does; the login then rehashes to our Argon2id. Django's unusable
 * passwords ("!" + random) and the empty string are no password at all (null).
 */
import { verify as argonVerify } from "@node-rs/argon2";
import { compare as bcryptCompare } from "@node-rs/bcrypt";
import { createHash, createHmac, pbkdf2, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const pbkdf2Async = promisify(pbkdf2);
const DJANGO_PREFIXES = ["pbkdf2_sha256$", "pbkdf2_sha1$", "argon2$", "bcrypt_sha256$", "bcrypt$"];

/** The value to store for a Django `password` column: the hash as is, or null when unusable. */
export function djangoHashToStored(password: string): string | null {
  if (!password || password.startsWith("!")) return null;
  return DJANGO_PREFIXES.some((p) => password.startsWith(p)) ? password : null;
}

export function isDjangoHash(stored: string): boolean {
  return DJANGO_PREFIXES.some((p) => stored.startsWith(p));
}

function equal(a: Buffer, b: Buffer) {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Django's check_password for the hashers AA installs may have used. */
export async function verifyDjangoHash(stored: string, password: string): Promise<boolean> {
  const [algorithm, ...rest] = stored.split("$");
  try {
    if (algorithm === "pbkdf2_sha256" || algorithm === "pbkdf2_sha1") {
      const [iterations, salt, digest] = rest;
      const expected = Buffer.from(digest, "base64");
      const actual = await pbkdf2Async(password, salt, Number(iterations), expected.length, algorithm === "pbkdf2_sha256" ? "sha256" : "sha1");
      return equal(actual, expected);
    }
    if (algorithm === "argon2") {
      // argon2$argon2id$v=19$m=...,t=...,p=...$salt$hash: the part after "argon2" is the PHC string.
      return await argonVerify(`$${rest.join("$")}`, password);
    }
    if (algorithm === "bcrypt_sha256") {
      // Django: bcrypt over the hex SHA-256 of the password; stored as bcrypt_sha256$$2b$12$...
      const key = createHash("sha256").update(password).digest("hex");
      return await bcryptCompare(key, rest.slice(1).length ? `$${rest.slice(1).join("$")}` : "");
    }
    if (algorithm === "bcrypt") return await bcryptCompare(password, `$${rest.slice(1).join("$")}`);
  } catch {
    return false;
  }
  return false;
}

/**
 * passlib `bcrypt_sha256` v2 (AA's mumble passwords): `$bcrypt-sha256$v=2,t=2b,r=12$<salt>$<checksum>`;
 * key = base64(HMAC-SHA256(salt, password)), then bcrypt `$2b$12$<salt><checksum>`.
 */
export async function verifyPasslibBcryptSha256(stored: string, password: string): Promise<boolean> {
  const match = /^\$bcrypt-sha256\$v=2,t=(2[abxy]?),r=(\d+)\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})$/.exec(stored);
  if (!match) return false;
  const [, ident, rounds, salt, checksum] = match;
  const key = createHmac("sha256", salt).update(password).digest("base64");
  return bcryptCompare(key, `$${ident}$${rounds.padStart(2, "0")}$${salt}${checksum}`).catch(() => false);
}

