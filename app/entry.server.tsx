import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "./components/nonce";
import { getLogger, loggablePath } from "./modules/ops/logger.server";
import "./i18n/i18n.server"; // registers the message catalogues the documents render with
import { countPageView, flushPageViews } from "./modules/analytics/analytics.server";
import { getRuntime } from "./modules/runtime.server";

const ABORT_DELAY = 5_000;

/**
 * Renders the whole document, then answers with it in one buffer (with its Content-Length). No route
 * streams (no defer or Suspense), so streaming the shell first would only add work: converting Node
 * streams to web streams and back, chunk by chunk.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.nonce;
  const { db, settings } = getRuntime();
  if (responseStatusCode === 200 && settings.ANALYTICS_PROVIDER !== "off" && settings.ANALYTICS_PAGE_VIEWS) countPageView(routePattern(remixContext), () => flushPageViews(db));
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
      final(callback) {
        const body = Buffer.concat(chunks);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("Content-Length", String(body.length));
        resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
        callback();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          pipe(sink);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logServerError(error, request, loadContext);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY).unref();
  });
}

/** The page's route pattern (/groups/:groupId): what analytics counts, never the URL with its ids. */
function routePattern(context: EntryContext) {
  const parts = context.staticHandlerContext.matches.map((m) => m.route.path).filter((p): p is string => Boolean(p));
  return `/${parts.join("/")}`.replace(/\/{2,}/g, "/");
}

function logServerError(error: unknown, request: Request, context: AppLoadContext) {
  const err = error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) };
  getLogger().error({ requestId: context.requestId, method: request.method, path: loggablePath(new URL(request.url).pathname), err }, "request failed");
}

/** Errors thrown by loaders, actions and rendering: one JSON line with the request id (not raw stacks on stderr). */
export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  if (request.signal.aborted) return;
  logServerError(error, request, context);
}
