/** Keys derived from SECRET_KEY, random tokens and token hashes. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A purpose-bound key, so one secret never serves two uses. */
export function deriveKey(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(`allianceauth:${purpose}`).digest("base64url");
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
