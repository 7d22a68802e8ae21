/**
 * CSRF protection for every non-GET request (checked once, in the HTTP layer, before any action):
 * a same-origin Origin/Referer when the browser sends one, and a token that must equal the value of
 * a signed, HttpOnly cookie. Forms carry it in the `csrf` field, scripts in `X-CSRF-Token`.
 */
import { createCookie } from "@remix-run/node";
import type { Settings } from "~/config.server";
import { deriveKey, randomToken, safeEqual } from "../modules/auth/crypto.server";

export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string) {
  return SAFE_METHODS.has(method.toUpperCase());
}

export function csrfCookie(settings: Settings) {
  return createCookie(settings.secureCookies ? "__Host-aa_csrf" : "aa_csrf", {
    httpOnly: true,
    sameSite: "lax",
    secure: settings.secureCookies,
    path: "/",
    secrets: [deriveKey(settings.SECRET_KEY, "csrf-cookie")],
  });
}

/** The token of this browser, and a Set-Cookie value when it needs a new one. */
export async function readOrIssueCsrfToken(settings: Settings, cookieHeader: string | null) {
  const cookie = csrfCookie(settings);
  const existing = await cookie.parse(cookieHeader);
  if (typeof existing === "string" && existing.length >= 32) return { token: existing, setCookie: null as string | null };
  const token = randomToken();
  return { token, setCookie: await cookie.serialize(token) };
}

export type CsrfFailure = "origin" | "missing-token" | "bad-token";

export function checkOrigin(headers: Headers, allowedOrigins: string[]): boolean {
  const origin = headers.get("origin");
  if (origin && origin !== "null") return allowedOrigins.includes(origin);
  const referer = headers.get("referer");
  if (referer) {
    try {
      return allowedOrigins.includes(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return origin !== "null";
}

/** Returns why the request fails the check, or null when it passes. */
export function checkCsrf(params: { headers: Headers; allowedOrigins: string[]; cookieToken: string | null; submittedToken: string | null }): CsrfFailure | null {
  if (!checkOrigin(params.headers, params.allowedOrigins)) return "origin";
  if (!params.cookieToken || !params.submittedToken) return "missing-token";
  return safeEqual(params.cookieToken, params.submittedToken) ? null : "bad-token";
}

/** Reads the submitted token from the header or from a form body (urlencoded or multipart). */
export async function submittedCsrfToken(headers: Headers, body: Buffer | null, url: string): Promise<string | null> {
  const header = headers.get(CSRF_HEADER);
  if (header) return header;
  if (!body || body.length === 0) return null;
  const type = headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return null;
  try {
    const form = await new Request(url, { method: "POST", headers: { "content-type": type }, body: new Uint8Array(body) }).formData();
    const value = form.get(CSRF_FIELD);
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}
