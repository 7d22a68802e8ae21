const PARSE_BASE = "http://return-path.invalid";

/**
 * Only same-origin paths may be redirect targets (no open redirects through ?next= or returnTo).
 * The value is parsed with the browser's own URL rules (which drop tabs and newlines and read `\`
 * as `/`), so what passes is what the browser will follow; anything with whitespace, control
 * characters or backslashes is refused outright. Returns the normalised path.
 */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2000) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PARSE_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== PARSE_BASE || url.pathname.startsWith("//")) return fallback;
  return url.pathname + url.search + url.hash;
}
