/**
 * The rendered HTML of a page, handed from the document renderer (entry.server.tsx) to the HTTP layer
 * (http.server.ts) beside its Response, so the buffer is written to the socket as it is instead of
 * being read back through the Response's web stream. A Response without an entry (data requests,
 * redirects, or a module loaded twice in development) is streamed as usual.
 */
interface RenderedPage {
  body: Buffer;
  /** The route pattern (/groups/:groupId) of the page, for the page-view count. */
  pattern: string | null;
}

const bodies = new WeakMap<Response, RenderedPage>();

export function htmlResponse(html: string, init: ResponseInit & { headers: Headers }, pattern: string | null = null): Response {
  const body = Buffer.from(html, "utf8");
  init.headers.set("Content-Type", "text/html; charset=utf-8");
  init.headers.set("Content-Length", String(body.length));
  // The Response holds the text, not the buffer: given bytes, it would copy them (the page once
  // more in memory and ~1% of its CPU); the text is encoded only should something read the body.
  const response = new Response(html, init);
  bodies.set(response, { body, pattern });
  return response;
}

/** The buffer behind a response made by htmlResponse, and its page's route pattern, if this is one. */
export function renderedPage(response: Response): RenderedPage | undefined {
  return bodies.get(response);
}
