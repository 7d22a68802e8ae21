/**
 * DiscourseConnect, provider side (we are the identity provider). Discourse sends `sso` = base64 of
 * `nonce=…&return_sso_url=…` and `sig` = hex HMAC-SHA256 of that base64 text under the shared secret;
 * we verify the signature in constant time, read the nonce, and answer with a signed payload Discourse
 * checks the same way (its own nonce, single use).
 */
import { createHmac } from "node:crypto";
import { safeEqual } from "~/modules/auth/crypto.server";

export class DiscourseConnectError extends Error {}

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest("hex");

/** The nonce of a signed request; throws DiscourseConnectError on a bad signature or payload. */
export function readConnectRequest(secret: string, sso: string, sig: string): { nonce: string; returnSsoUrl: string | null } {
  if (!secret) throw new DiscourseConnectError("DISCOURSE_SSO_SECRET is not set");
  if (!sso || sso.length > 4096 || !/^[0-9a-f]{64}$/i.test(sig)) throw new DiscourseConnectError("missing or malformed sso/sig");
  if (!safeEqual(sign(secret, sso), sig.toLowerCase())) throw new DiscourseConnectError("bad signature");
  const compact = sso.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new DiscourseConnectError("payload is not base64");
  const fields = new URLSearchParams(Buffer.from(compact, "base64").toString("utf8"));
  const nonce = fields.get("nonce");
  if (!nonce || nonce.length > 200) throw new DiscourseConnectError("no nonce");
  return { nonce, returnSsoUrl: fields.get("return_sso_url") };
}

export interface ConnectAnswer {
  nonce: string;
  externalId: number;
  email: string;
  username: string;
  name: string;
  avatarUrl: string | null;
  groups: string[];
}

/** The signed answer as `sso` and `sig` query values. */
export function signConnectAnswer(secret: string, answer: ConnectAnswer): { sso: string; sig: string } {
  const fields = new URLSearchParams({ nonce: answer.nonce, email: answer.email, external_id: String(answer.externalId), username: answer.username, name: answer.name });
  if (answer.avatarUrl) fields.set("avatar_url", answer.avatarUrl);
  if (answer.groups.length) fields.set("groups", answer.groups.join(","));
  const sso = Buffer.from(fields.toString(), "utf8").toString("base64");
  return { sso, sig: sign(secret, sso) };
}

/** The other direction (for the fake forum and tests): a request as Discourse signs it. */
export function signConnectRequest(secret: string, nonce: string, returnSsoUrl: string) {
  const sso = Buffer.from(new URLSearchParams({ nonce, return_sso_url: returnSsoUrl }).toString(), "utf8").toString("base64");
  return { sso, sig: sign(secret, sso) };
}

/** Verifies and decodes an answer (the fake forum's side of sso_login). */
export function readConnectAnswer(secret: string, sso: string, sig: string): URLSearchParams {
  if (!/^[0-9a-f]{64}$/i.test(sig) || !safeEqual(sign(secret, sso), sig.toLowerCase())) throw new DiscourseConnectError("bad signature");
  return new URLSearchParams(Buffer.from(sso.replace(/\s+/g, ""), "base64").toString("utf8"));
}
