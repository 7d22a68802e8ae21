/**
 * Pages every anonymous visitor sees alike (the login page): rendered once per variant, then
 * answered from memory with this request's CSRF token and CSP nonce put back in.
 *
 * A variant is everything such a page may read: the route, the URL with its query, the
 * Accept-Language header, the cookies other than the CSRF seed (language and theme), and the
 * site-wide rows every page reads (branding, passed in as a fingerprint that the HTTP layer reads
 * per request, so an admin's change shows on the next request). Settings, catalogues and the build
 * do not change while the process runs. A page in ANONYMOUS_PAGES must read nothing else.
 *
 * Only a 200 HTML answer without Set-Cookie is kept (a flash being cleared, a session cookie: not
 * kept), and only for a browser without a session or a flash. The per-request values are found in
 * the rendered HTML by their own text: both are long random strings (the token base64url, the
 * nonce hex) that nothing else on the page can contain. See docs/decisions/0045-anonymous-page-cache.md.
 */

/** Routes whose page depends only on the variant above. */
export const ANONYMOUS_PAGES = new Set(["routes/login"]);

/** Variants kept (least recently used dropped first): a few languages × themes × `next` values. */
const DEFAULT_SIZE = 200;

export interface CachedPage {
  status: number;
  headers: [string, string][];
  /** The HTML around the per-request values: pieces.length === slots.length + 1. */
  pieces: string[];
  slots: ("token" | "nonce")[];
  /** The route pattern, for the page-view count. */
  pattern: string | null;
}

export interface PageVariant {
  routeId: string;
  url: string;
  acceptLanguage: string;
  /** The Cookie header. */
  cookies: string;
}

export interface CookieNames {
  /** Left out of the key: its value only feeds the CSRF token, which is put in per request. */
  csrf: string;
  /** Present: the page is personal (a session, even a stale one) or shows a one-shot message. */
  personal: string[];
}

/**
 * The cache key of this request's page without the site-wide rows (the caller adds their
 * fingerprint), or null when it must be rendered for this browser alone.
 */
export function pageVariantKey(variant: PageVariant, names: CookieNames): string | null {
  if (!ANONYMOUS_PAGES.has(variant.routeId)) return null;
  const kept: string[] = [];
  for (const pair of variant.cookies.split(";")) {
    const trimmed = pair.trim();
    if (!trimmed) continue;
    const name = trimmed.slice(0, Math.max(0, trimmed.indexOf("="))) || trimmed;
    if (names.personal.includes(name)) return null;
    if (name !== names.csrf) kept.push(trimmed);
  }
  kept.sort();
  return [variant.routeId, variant.url, variant.acceptLanguage, kept.join("; ")].join("\n");
}

/** Splits rendered HTML around every occurrence of the token and the nonce. */
export function pageTemplate(html: string, token: string, nonce: string): Pick<CachedPage, "pieces" | "slots"> {
  const pieces: string[] = [];
  const slots: CachedPage["slots"] = [];
  let from = 0;
  for (;;) {
    const atToken = token ? html.indexOf(token, from) : -1;
    const atNonce = nonce ? html.indexOf(nonce, from) : -1;
    if (atToken < 0 && atNonce < 0) break;
    const isToken = atNonce < 0 || (atToken >= 0 && atToken < atNonce);
    const at = isToken ? atToken : atNonce;
    pieces.push(html.slice(from, at));
    slots.push(isToken ? "token" : "nonce");
    from = at + (isToken ? token.length : nonce.length);
  }
  pieces.push(html.slice(from));
  return { pieces, slots };
}

/** The page for this request: the kept HTML with its token and nonce. */
export function fillPage(page: Pick<CachedPage, "pieces" | "slots">, token: string, nonce: string): Buffer {
  let html = page.pieces[0]!;
  for (let i = 0; i < page.slots.length; i++) html += (page.slots[i] === "token" ? token : nonce) + page.pieces[i + 1]!;
  return Buffer.from(html, "utf8");
}

export function createPageCache(size = DEFAULT_SIZE) {
  const pages = new Map<string, CachedPage>();
  return {
    get(key: string): CachedPage | undefined {
      const page = pages.get(key);
      if (page) {
        // Most recently used last.
        pages.delete(key);
        pages.set(key, page);
      }
      return page;
    },
    /** Keeps a rendered answer if it is one that may be shared (see above). */
    remember(key: string, response: Response, body: Buffer, values: { token: string; nonce: string; pattern: string | null }) {
      if (response.status !== 200 || response.headers.has("set-cookie")) return;
      if (!(response.headers.get("content-type") ?? "").startsWith("text/html")) return;
      const headers: [string, string][] = [];
      for (const [name, value] of response.headers) if (name !== "content-length") headers.push([name, value]);
      if (pages.size >= size) pages.delete(pages.keys().next().value!);
      pages.set(key, { status: 200, headers, pattern: values.pattern, ...pageTemplate(body.toString("utf8"), values.token, values.nonce) });
    },
    get size() {
      return pages.size;
    },
  };
}
