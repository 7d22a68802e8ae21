/**
 * One HTTP exchange with a service's API (Discourse, XenForo, Openfire …) through undici: a timeout,
 * no redirects followed, the body read as text (and JSON when it is JSON). Protocol rules (auth
 * headers, error shapes, rate limits) stay in each connector; network failures become
 * ServiceUnreachableError so jobs retry.
 */
import { request } from "../ops/undici.server";

export class ServiceUnreachableError extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`${service}: ${message}`);
    this.name = "ServiceUnreachableError";
  }
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface HttpCall {
  service: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** A JSON value (sent as application/json) or form fields (application/x-www-form-urlencoded). */
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs?: number;
}

export async function callService(call: HttpCall): Promise<HttpAnswer> {
  const timeout = call.timeoutMs ?? 20_000;
  const headers: Record<string, string> = { accept: "application/json", ...call.headers };
  let body: string | undefined;
  if (call.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(call.json);
  } else if (call.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(call.form).toString();
  }
  try {
    const res = await request(call.url, { method: call.method, headers, body, headersTimeout: timeout, bodyTimeout: timeout, signal: AbortSignal.timeout(timeout) });
    const text = await res.body.text();
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : String(v);
    let json: unknown;
    if (/json/i.test(flat["content-type"] ?? "") && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.statusCode, headers: flat, text, json };
  } catch (error) {
    throw new ServiceUnreachableError(call.service, `${call.method} ${new URL(call.url).pathname}: ${(error as Error).message}`);
  }
}

/** A random password like the original's: 16 characters from [A-Za-z0-9] (here from a CSPRNG). */
export function generatePassword(length = 16): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const out: string[] = [];
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) if (b < 248 && out.length < length) out.push(alphabet[b % 62]);
  }
  return out.join("");
}
