/**
 * Password hashes the forums' own logins accept: phpBB's phpass "portable" `$H$`, SMF's
 * sha1(lower(name) + password) (SMF ≤ 2.0) and bcrypt of the same string (SMF 2.1's native form),
 * IPS4's bcrypt `$2y$` with its salt column. Test vectors: docs/decisions/0024-forum-database-connectors.md.
 */
import { createHash, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { hash as bcryptHash, verify as bcryptVerify } from "@node-rs/bcrypt";

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** phpass's own base-64 (little-endian groups of three bytes). */
function phpassEncode(input: Buffer): string {
  let out = "";
  let i = 0;
  while (i < input.length) {
    let value = input[i++];
    out += ITOA64[value & 0x3f];
    if (i < input.length) value |= input[i] << 8;
    out += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= input.length) break;
    if (i < input.length) value |= input[i] << 16;
    out += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= input.length) break;
    out += ITOA64[(value >> 18) & 0x3f];
  }
  return out;
}

function phpassDigest(password: string, salt: string, cost: number): Buffer {
  const pw = Buffer.from(password, "utf8");
  let h = createHash("md5").update(salt).update(pw).digest();
  // One reused buffer (digest + password) and the one-shot hash: about a third faster than createHash per round.
  const round = Buffer.alloc(16 + pw.length);
  pw.copy(round, 16);
  for (let n = 2 ** cost; n > 0; n--) {
    h.copy(round, 0);
    h = hash("md5", round, "buffer");
  }
  return h;
}

/** `$H$` + cost character + 8-character salt + 22-character digest (34 characters). */
export function phpassHash(password: string, options: { salt?: string; cost?: number } = {}): string {
  const cost = options.cost ?? 19;
  if (cost < 7 || cost > 30) throw new RangeError("phpass cost must be 7..30");
  const salt = options.salt ?? phpassEncode(randomBytes(6));
  if (salt.length !== 8) throw new RangeError("phpass salt must be 8 characters");
  return `$H$${ITOA64[cost]}${salt}${phpassEncode(phpassDigest(password, salt, cost))}`;
}

/** What phpBB's salted_md5 driver checks ($H$ and $P$ alike). */
export function phpassVerify(password: string, stored: string): boolean {
  if (!/^\$[HP]\$/.test(stored) || stored.length !== 34) return false;
  const cost = ITOA64.indexOf(stored[3]);
  if (cost < 7 || cost > 30) return false;
  const expected = Buffer.from(stored.slice(12));
  const actual = Buffer.from(phpassEncode(phpassDigest(password, stored.slice(4, 12), cost)));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** SMF 1.1–2.0: sha1(strtolower(member_name) . password); SMF 2.1 still accepts it and rehashes. */
export function smfSha1(memberName: string, password: string): string {
  return createHash("sha1")
    .update(memberName.toLowerCase() + password, "utf8")
    .digest("hex");
}

/** SMF 2.1's hash_password(): password_hash(strtolower(member_name) . password, PASSWORD_BCRYPT). */
export async function smfBcrypt(memberName: string, password: string, cost = 10): Promise<string> {
  return bcrypt2y(memberName.toLowerCase() + password, cost);
}

function decodeBcryptSalt(salt: string): Buffer {
  if (!/^[./A-Za-z0-9]{22}$/.test(salt)) throw new RangeError("bcrypt salt must be 22 characters of bcrypt's base-64");
  const bits = [...salt].map((c) => BCRYPT64.indexOf(c));
  const out = Buffer.alloc(16);
  let acc = 0;
  let n = 0;
  let o = 0;
  for (const b of bits) {
    acc = (acc << 6) | b;
    n += 6;
    if (n >= 8 && o < 16) {
      n -= 8;
      out[o++] = (acc >> n) & 0xff;
    }
  }
  return out;
}

/** bcrypt in PHP's `$2y$` spelling (the same algorithm as `$2b$`). */
export async function bcrypt2y(password: string, cost: number, salt?: string): Promise<string> {
  const hashed = await bcryptHash(password, cost, salt ? decodeBcryptSalt(salt) : undefined);
  return `$2y$${hashed.slice(4)}`;
}

export async function bcryptCheck(password: string, stored: string): Promise<boolean> {
  return /^\$2[aby]\$/.test(stored) ? bcryptVerify(password, `$2b$${stored.slice(4)}`) : false;
}

/** IPS4: members_pass_hash and members_pass_salt (the 22-character salt section of the hash). */
export async function ips4Hash(password: string, cost = 13, salt?: string): Promise<{ hash: string; salt: string }> {
  const hashed = await bcrypt2y(password, cost, salt);
  return { hash: hashed, salt: hashed.slice(7, 29) };
}
