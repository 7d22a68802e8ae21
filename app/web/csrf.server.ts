/**
 * CSRF protection for every non-GET request (checked once, in the HTTP layer, before any action):
 * a same-origin Origin or Referer, which must be present, and a token. The token is an HMAC of the
 * browser's session (so it changes at every login and dies with the session) or, before login, of a
 * random value in a signed HttpOnly cookie. Forms carry it in the `csrf` field, scripts in
 * `X-CSRF-Token`.
 */
import { createHmac } from "node:crypto";
import type { Settings } from "~/config.server";
import { deriveKey, randomToken, safeEqual, sha256 } from "../modules/auth/crypto.server";
import { sessionCookie, siteCookie } from "./cookies.server";

export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string) {
  return SAFE_METHODS.has(method.toUpperCase());
}

export const csrfCookie = (settings: Settings) => siteCookie(settings, "aa_csrf", "csrf-cookie");

const tokensOf = new WeakMap<Settings, Map<string, string>>();
/** Sessions and pre-login values whose token a process remembers (a browser asks for its own on every page). */
const TOKENS_KEPT = 256;

/**
 * The token bound to a session token (logged in) or to the pre-login random value: a hash and an
 * HMAC, made once per value and remembered (at most TOKENS_KEPT, all forgotten when full).
 */
export function csrfTokenFor(settings: Settings, basis: { session: string } | { anonymous: string }) {
  let kept = tokensOf.get(settings);
  if (!kept) tokensOf.set(settings, (kept = new Map()));
  const key = "session" in basis ? `s\0${basis.session}` : `a\0${basis.anonymous}`;
  let token = kept.get(key);
  if (token === undefined) {
    const input = "session" in basis ? `session:${sha256(basis.session)}` : `anonymous:${basis.anonymous}`;
    token = createHmac("sha256", deriveKey(settings.SECRET_KEY, "csrf-token")).update(input).digest("base64url");
    if (kept.size >= TOKENS_KEPT) kept.clear();
    kept.set(key, token);
  }
  return token;
}

/**
 * The token of this browser, and a Set-Cookie value when it needs a new pre-login value.
 * `expected` is null when the browser had neither a session nor a pre-login value: nothing it
 * submits can match.
 */
export async function readOrIssueCsrfToken(settings: Settings, cookieHeader: string | null) {
  const session = await sessionCookie(settings).parse(cookieHeader);
  // Bound to the session: no pre-login value is read or issued (the first page after logout issues one).
  if (typeof session === "string" && session) {
    const token = csrfTokenFor(settings, { session });
    return { token, expected: token, setCookie: null };
  }
  const existing = await csrfCookie(settings).parse(cookieHeader);
  const hasSeed = typeof existing === "string" && existing.length >= 32;
  const seed = hasSeed ? existing : randomToken();
  const setCookie = hasSeed ? null : await csrfCookie(settings).serialize(seed);
  const token = csrfTokenFor(settings, { anonymous: seed });
  return { token, expected: hasSeed ? token : null, setCookie };
}

export type CsrfFailure = "origin" | "missing-token" | "bad-token";

/** A non-GET request must name its origin (Origin, else Referer), and it must be ours. */
export function checkOrigin(headers: Headers, allowedOrigins: string[]): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return allowedOrigins.includes(origin);
  const referer = headers.get("referer");
  if (!referer) return false;
  try {
    return allowedOrigins.includes(new URL(referer).origin);
  } catch {
    return false;
  }
}

/** Returns why the request fails the check, or null when it passes. */
export function checkCsrf(params: { headers: Headers; allowedOrigins: string[]; cookieToken: string | null; submittedToken: string | null }): CsrfFailure | null {
  if (!checkOrigin(params.headers, params.allowedOrigins)) return "origin";
  if (!params.cookieToken || !params.submittedToken) return "missing-token";
  return safeEqual(params.cookieToken, params.submittedToken) ? null : "bad-token";
}

/** The submitted token: the header, else the form's `csrf` field (the form parsed at the edge). */
export function submittedCsrfToken(headers: Headers, form: FormData | null): string | null {
  const header = headers.get(CSRF_HEADER);
  if (header) return header;
  const value = form?.get(CSRF_FIELD);
  return typeof value === "string" ? value : null;
}
