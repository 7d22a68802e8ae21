import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceContext } from "./components/nonce";
import { getLogger, loggablePath } from "./modules/ops/logger.server";
import { recordPageView } from "./modules/analytics/analytics.server";
import { getRuntime } from "./modules/runtime.server";
import { htmlResponse } from "./web/rendered-body.server";

/**
 * Renders the whole document to one string and answers with it in one buffer (with its
 * Content-Length). No route streams (no defer or Suspense), so a streaming render would only add
 * work: chunked encoding into small buffers and Node/web stream conversions. A render error is
 * thrown to Remix, which renders the error boundary instead.
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
  const pattern = routePattern(remixContext);
  if (responseStatusCode === 200) recordPageView(db, settings, pattern);
  const html = renderToString(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} />
    </NonceContext.Provider>,
  );
  return htmlResponse(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode }, pattern);
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
