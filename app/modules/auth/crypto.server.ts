/** Keys derived from SECRET_KEY, random tokens and token hashes. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const derivedKeys = new Map<string, string>();
/** More than a process derives (a handful of purposes, one secret); a bound all the same. */
const DERIVED_KEYS_KEPT = 64;

/** A purpose-bound key, so one secret never serves two uses (derived once per secret and purpose). */
export function deriveKey(secret: string, purpose: string): string {
  const id = `${purpose}\0${secret}`;
  let key = derivedKeys.get(id);
  if (key === undefined) {
    key = createHmac("sha256", secret).update(`allianceauth:${purpose}`).digest("base64url");
    if (derivedKeys.size >= DERIVED_KEYS_KEPT) derivedKeys.clear();
    derivedKeys.set(id, key);
  }
  return key;
}

/** 256 bits of randomness, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
