/** One-shot messages shown as toasts on the next page (a signed cookie; works without JavaScript). */
import { createCookie, redirect } from "@remix-run/node";
import type { Settings } from "~/config.server";
import { deriveKey } from "../modules/auth/crypto.server";
import { getRuntime } from "../modules/runtime.server";

export type FlashLevel = "info" | "success" | "warning" | "danger";
/** `key` is an i18n key; `params` its interpolation values. */
export interface Flash {
  level: FlashLevel;
  key: string;
  params?: Record<string, string | number>;
}

/** The cookie's name (the HTTP layer does not share a page rendered for a browser that has one). */
export const FLASH_COOKIE = "aa_flash";

function flashCookie(settings: Settings) {
  return createCookie(FLASH_COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure: settings.secureCookies, secrets: [deriveKey(settings.SECRET_KEY, "flash-cookie")], maxAge: 300 });
}

/** Set-Cookie value that carries the message to the next page. */
function flashHeader(flash: Flash): Promise<string> {
  return flashCookie(getRuntime().settings).serialize([flash]);
}

/** Redirect (302) that shows `flash` on the next page; `cookies` are other Set-Cookie values sent before it. */
export async function redirectWithFlash(to: string, flash: Flash, cookies: string[] = []) {
  const headers = new Headers();
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  headers.append("Set-Cookie", await flashHeader(flash));
  return redirect(to, { headers });
}

/** Messages waiting for this request, and the Set-Cookie value that clears them. */
export async function takeFlash(request: Request): Promise<{ messages: Flash[]; clear: string | null }> {
  const cookie = flashCookie(getRuntime().settings);
  const value = await cookie.parse(request.headers.get("Cookie"));
  if (!Array.isArray(value) || value.length === 0) return { messages: [], clear: null };
  const messages = value.filter((m): m is Flash => m && typeof m.key === "string" && ["info", "success", "warning", "danger"].includes(m.level));
  return { messages, clear: await cookie.serialize([], { maxAge: 0 }) };
}
