/**
 * The HTTP layer: compression, static files, /healthz, /metrics, security headers, request ids and logs, and
 * for every route: input checks at the edge, the CSRF check for every non-GET request, per-address
 * rate limits, then the Remix request handler.
 */
import { randomFillSync, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { type AppLoadContext, createRequestHandler, type ServerBuild, writeReadableStreamToWritable } from "@remix-run/node";
import { type AgnosticRouteObject as RouteObject, matchRoutes } from "@remix-run/router";
import compression from "compression";
import express from "express";
import pLimit from "p-limit";
import { memoised, REFUSAL_PATH, type Refusal, type RequestContext } from "./request-context";
import type { Runtime } from "../modules/runtime.server";
import { safeEqual } from "../modules/auth/crypto.server";
import { checkCsrf, csrfCookie, isSafeMethod, readOrIssueCsrfToken, submittedCsrfToken } from "./csrf.server";
import { checkRequestBody, checkRequestTarget } from "./edge-input.server";
import { renderedPage } from "./rendered-body.server";
import { createPageCache, fillPage, pageVariantKey } from "./page-cache.server";
import { sessionCookie } from "./cookies.server";
import { FLASH_COOKIE } from "./flash.server";
import { loadBranding } from "../modules/branding/branding.server";
import { recordPageView } from "../modules/analytics/analytics.server";
import { createRateLimits } from "./rate-limit.server";
import { checkHealth } from "../modules/ops/health.server";
import { getLogger, loggablePath } from "../modules/ops/logger.server";
import { getMetrics, renderMetrics } from "../modules/ops/metrics.server";
import { isSwitchedOffPath } from "~/apps/registry.server";

/** Where requests for a switched-off app go: no route matches it, so the site's 404 page answers. */
const SWITCHED_OFF_PATH = "/.app-switched-off";

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const LABEL_CACHE_SIZE = 1_000;

function originOf(url: string) {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/** Maps a path to the id of the Remix route that serves it (the metrics label). */
export function createRouteLabeler(build: ServerBuild) {
  const ids = Object.keys(build.routes);
  const tree = (parent: string | undefined): RouteObject[] =>
    ids
      .filter((id) => build.routes[id]!.parentId === parent)
      .map((id) => {
        const route = build.routes[id]!;
        return route.index ? { id, index: true, path: route.path } : { id, path: route.path, children: tree(id) };
      });
  const routes = tree(undefined);
  // Matching flattens and ranks the whole route tree each time: remember recent paths.
  const recent = new Map<string, string>();
  return (pathname: string) => {
    let label = recent.get(pathname);
    if (label === undefined) {
      const matches = matchRoutes(routes, pathname);
      label = matches?.[matches.length - 1]?.route.id ?? "unmatched";
      if (recent.size >= LABEL_CACHE_SIZE) recent.clear();
      recent.set(pathname, label);
    }
    return label;
  };
}

/** The Content-Security-Policy of a page, made once but for the nonce. */
function contentSecurityPolicy(formTargets: string[]): (nonce: string) => string {
  const rest = [
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https://images.evetech.net",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // The login form posts here, and we redirect to EVE SSO: browsers check the redirect against form-action.
    `form-action 'self' ${formTargets.join(" ")}`.trim(),
    "frame-ancestors 'none'",
  ].join("; ");
  return (nonce) => `default-src 'self'; script-src 'self' 'nonce-${nonce}'; ${rest}`;
}

function securityHeaders(res: express.Response, nonce: string, https: boolean, policy: (nonce: string) => string) {
  res.setHeader("Content-Security-Policy", policy(nonce));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

const NONCE_BYTES = 16;
/** Random bytes for 256 nonces at a time: one call to the generator instead of one per request. */
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

/** A page's script nonce: 16 fresh random bytes in hex (a cached page finds it by its text, and no escaping changes it). */
function newNonce(): string {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString("hex", nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

async function readBody(req: express.Request): Promise<Buffer> {
  const tooLarge = () => Object.assign(new Error("request body too large"), { status: 413 });
  if (Number(req.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toHeaders(req: express.Request) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  return headers;
}

async function sendResponse(res: express.Response, response: Response) {
  res.status(response.status);
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
  for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
  const rendered = renderedPage(response);
  if (rendered) res.end(rendered.body);
  else if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/** The `trust proxy` value for TRUSTED_PROXIES: none unless listed (X-Forwarded-For is ignored). */
export function trustProxySetting(value: string): string[] | false {
  const list = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return list.length ? list : false;
}

/** Polls that must not keep a session alive (they are not user activity). */
const BACKGROUND_ROUTES = new Set(["routes/notifications.count"]);
export const BACKGROUND_HEADER = "x-background-request";

/** The names directly under public/ (files and folders) other than the build output. */
function publicRootFiles(dir: string): Set<string> {
  try {
    return new Set(fs.readdirSync(dir).filter((name) => name !== "build"));
  } catch {
    return new Set();
  }
}

function bearerMatches(req: express.Request, token: string) {
  const header = req.get("authorization") ?? "";
  return Boolean(token) && header.startsWith("Bearer ") && safeEqual(header.slice(7).trim(), token);
}

export function createApp(runtime: Runtime, build: ServerBuild) {
  const { settings } = runtime;
  const log = getLogger();
  const metrics = getMetrics();
  const handle = createRequestHandler(build, "production");
  const labelRoute = createRouteLabeler(build);
  const rateLimits = createRateLimits(runtime);
  const siteOrigin = new URL(settings.SITE_URL).origin;
  const pages = createPageCache();
  // Page requests handled at once (PAGE_CONCURRENCY): the rest wait their turn, in arrival order.
  const limit = settings.PAGE_CONCURRENCY > 0 ? pLimit(settings.PAGE_CONCURRENCY) : null;
  const pageGate = <T>(fn: () => Promise<T>): Promise<T> => (limit ? limit(fn) : fn());
  const cookieNames = { csrf: csrfCookie(settings).name, personal: [sessionCookie(settings).name, FLASH_COOKIE] };
  const policy = contentSecurityPolicy([originOf(settings.ESI_SSO_BASE_URL), originOf(settings.DISCORD_OAUTH_BASE_URL), ...(settings.DISCOURSE_URL ? [originOf(settings.DISCOURSE_URL)] : [])]);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(settings.TRUSTED_PROXIES));

  // Request id, access log and metrics for every request.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get("x-request-id");
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (res.locals.route as string | undefined) ?? "static";
      metrics.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.latency.observe({ route, method: req.method }, seconds);
      const entry = { requestId, method: req.method, path: loggablePath(req.path), status: res.statusCode, ms: Math.round(seconds * 1000), route };
      if (route === "static" || route === "healthz" || route === "metrics") log.debug(entry, "request");
      else log.info(entry, "request");
    });
    next();
  });

  // gzip/deflate/br for clients that accept it (pages, scripts, styles, JSON; not images or tiny bodies).
  app.use(compression({ threshold: 1024 }));

  // Public: the overall state and which part is down, no details. With the metrics token: everything.
  app.get("/healthz", async (req, res) => {
    res.locals.route = "healthz";
    const report = await checkHealth(runtime);
    const body = bearerMatches(req, settings.METRICS_TOKEN)
      ? report
      : { status: report.status, database: { ok: report.database.ok }, queue: { ok: report.queue.ok }, worker: { ok: report.worker.ok, workers: report.worker.workers } };
    res.status(report.status === "ok" ? 200 : 503).json(body);
  });

  // Only with METRICS_TOKEN set and presented; otherwise it does not exist on this port.
  app.get("/metrics", async (req, res, next) => {
    if (!settings.METRICS_TOKEN) return next();
    res.locals.route = "metrics";
    if (!bearerMatches(req, settings.METRICS_TOKEN)) {
      res.status(401).setHeader("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("Unauthorized");
      return;
    }
    res.type("text/plain; version=0.0.4").send(await renderMetrics(runtime));
  });

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  // The other public files: looked up only for their own names, not on every page request.
  const serveRoot = express.static("public", { maxAge: "1h", index: false });
  const rootFiles = publicRootFiles("public");
  app.use((req, res, next) => (rootFiles.has(req.path.split("/", 2)[1]!) ? serveRoot(req, res, next) : next()));

  // Every page request waits its turn (PAGE_CONCURRENCY) before any of its work: one that waits holds
  // only the socket's request, and one whose client left meanwhile is not run at all.
  app.all("*", (req, res, next) => void pageGate(() => page(req, res, next)));
  const page = async (req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.socket.destroyed) return;
    try {
      const nonce = newNonce();
      securityHeaders(res, nonce, settings.secureCookies, policy);
      const csrf = await readOrIssueCsrfToken(settings, req.get("cookie") ?? null);
      if (csrf.setCookie) res.append("Set-Cookie", csrf.setCookie);

      const host = req.get("host") ?? new URL(settings.SITE_URL).host;
      let url = `${req.protocol}://${host}${req.originalUrl}`;
      const headers = toHeaders(req);
      let method = req.method;
      let body: Buffer | null = null;
      let refusal: Refusal | undefined;
      const routeId = labelRoute(req.path);
      const warn = (fields: Record<string, unknown>, message: string) => log.warn({ requestId: res.locals.requestId, path: loggablePath(req.path), ip: req.ip, ...fields }, message);

      const targetProblem = checkRequestTarget(req.originalUrl);
      if (targetProblem) refusal = { status: 400, reason: targetProblem };
      if (!refusal && !isSafeMethod(method)) {
        body = await readBody(req);
        const parsed = await checkRequestBody(req.get("content-type") ?? null, body);
        if (!parsed.ok) refusal = { status: 400, reason: parsed.reason };
        else {
          const failure = checkCsrf({
            headers,
            allowedOrigins: [siteOrigin, `${req.protocol}://${host}`],
            cookieToken: csrf.expected,
            submittedToken: submittedCsrfToken(headers, parsed.form),
          });
          if (failure) {
            warn({ failure }, "CSRF check failed");
            refusal = { status: 403, reason: "csrf" };
          }
        }
      }
      if (!refusal) {
        const limit = await rateLimits.check(routeId, method, req.ip ?? null);
        if (limit.limited) {
          warn({ limit: limit.action }, "rate limit reached");
          refusal = { status: 429, reason: "tooManyRequests", retryAfterSeconds: limit.retryAfterSeconds };
        }
      }
      const switchedOff = !refusal && isSwitchedOffPath(settings, req.path);
      if (switchedOff) {
        // An app switched off (APPS_DISABLED): its pages are not found, and none of its code runs.
        url = `${req.protocol}://${host}${SWITCHED_OFF_PATH}`;
        method = "GET";
        body = null;
        headers.delete("content-type");
        headers.delete("content-length");
      } else if (refusal) {
        // Render the refusal page without running any loader or action of the requested route.
        url = `${req.protocol}://${host}${REFUSAL_PATH}`;
        method = "GET";
        body = null;
        headers.delete("content-type");
        headers.delete("content-length");
      }
      res.locals.route = refusal ? "routes/request-refused" : routeId;
      if (refusal?.retryAfterSeconds) res.setHeader("Retry-After", String(refusal.retryAfterSeconds));

      const context: RequestContext = {
        requestId: res.locals.requestId,
        ip: req.ip ?? null,
        csrfToken: csrf.token,
        nonce,
        memo: new Map(),
        background: BACKGROUND_ROUTES.has(routeId) || req.get(BACKGROUND_HEADER) === "1",
        refusal,
      };
      // A page all anonymous visitors see alike: from memory when this variant was rendered before.
      let pageKey: string | null = null;
      const variant = switchedOff || refusal || req.method !== "GET" ? null : pageVariantKey({ routeId, url, acceptLanguage: req.get("accept-language") ?? "", cookies: req.get("cookie") ?? "" }, cookieNames);
      if (variant !== null) {
        // Branding is read per request (root's loader then uses this read): a change shows at once.
        pageKey = `${variant}\n${JSON.stringify(await memoised(context, "branding", () => loadBranding(runtime.db)))}`;
        const page = pages.get(pageKey);
        if (page) {
          if (page.pattern) recordPageView(runtime.db, settings, page.pattern);
          const body = fillPage(page, csrf.token, nonce);
          res.status(page.status);
          for (const [name, value] of page.headers) res.setHeader(name, value);
          res.setHeader("Content-Length", String(body.length));
          res.end(body);
          return;
        }
      }

      const controller = new AbortController();
      // Aborted only when the client went away before the answer was complete.
      res.on("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      const request = new Request(url, { method, headers, body: body ? new Uint8Array(body) : null, signal: controller.signal });
      const response = await handle(request, context as unknown as AppLoadContext);
      const rendered = pageKey === null ? undefined : renderedPage(response);
      if (pageKey !== null && rendered) pages.remember(pageKey, response, rendered.body, { token: csrf.token, nonce, pattern: rendered.pattern });
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  };

  app.use((error: Error & { status?: number }, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ requestId: res.locals.requestId, path: loggablePath(req.path), err: { message: error.message, stack: error.stack } }, "request failed");
    if (res.headersSent) {
      res.end();
      return;
    }
    // The unread rest of a refused body makes the connection unusable: close it after answering.
    if (status === 413) res.setHeader("Connection", "close");
    res.status(status).type("text/plain").send(status === 413 ? "Request body too large" : "Internal Server Error");
  });

  return app;
}

/**
 * The HTTP server for an Express app, whose requests and responses are born with the app's
 * prototypes (`app.request`, `app.response`). Express sets them on every request with
 * `Object.setPrototypeOf`; on an object Node made as a plain IncomingMessage that gives it a hidden
 * class of its own, allocated in the old generation, so each request left old garbage behind: a
 * full collection about twice a second under load, the pauses that made the slowest 1% of pages
 * (decision 0068). Already in place, the call changes nothing.
 */
export function createHttpServer(app: express.Express): http.Server {
  // Plain functions, as Node's own constructors are (they run with the arguments Node passes): a
  // class cannot take an existing object as its prototype.
  function AppRequest(this: http.IncomingMessage, ...args: unknown[]) {
    Reflect.apply(http.IncomingMessage, this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: http.ServerResponse, ...args: unknown[]) {
    Reflect.apply(http.ServerResponse, this, args);
  }
  AppResponse.prototype = app.response;
  return http.createServer({ IncomingMessage: AppRequest as unknown as typeof http.IncomingMessage, ServerResponse: AppResponse as unknown as typeof http.ServerResponse }, app);
}

export function startHttpServer(runtime: Runtime, build: ServerBuild): Promise<http.Server> {
  const app = createApp(runtime, build);
  return new Promise((resolve, reject) => {
    const server = createHttpServer(app).listen(runtime.settings.PORT, runtime.settings.HOST);
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}
