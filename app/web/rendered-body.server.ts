/**
 * The rendered HTML of a page, handed from the document renderer (entry.server.tsx) to the HTTP layer
 * (http.server.ts) beside its Response, so the buffer is written to the socket as it is instead of
 * being read back through the Response's web stream. A Response without an entry (data requests,
 * redirects, or a module loaded twice in development) is streamed as usual.
 */
const bodies = new WeakMap<Response, Buffer>();

export function htmlResponse(html: string, init: ResponseInit & { headers: Headers }): Response {
  const body = Buffer.from(html, "utf8");
  init.headers.set("Content-Type", "text/html; charset=utf-8");
  init.headers.set("Content-Length", String(body.length));
  const response = new Response(body, init);
  bodies.set(response, body);
  return response;
}

/** The buffer behind a response made by htmlResponse, if this is one. */
export function renderedBody(response: Response): Buffer | undefined {
  return bodies.get(response);
}
