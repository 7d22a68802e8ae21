/**
 * The HTTP layer: static files, /healthz, /metrics, security headers, request ids and logs, the
 * CSRF check for every non-GET request, and the Remix request handler.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import { type AppLoadContext, createRequestHandler, type ServerBuild, writeReadableStreamToWritable } from "@remix-run/node";
import { type AgnosticRouteObject as RouteObject, matchRoutes } from "@remix-run/router";
import express from "express";
import type { RequestContext } from "./request-context";
import type { Runtime } from "../modules/runtime.server";
import { checkCsrf, isSafeMethod, readOrIssueCsrfToken, submittedCsrfToken } from "./csrf.server";
import { checkHealth } from "../modules/ops/health.server";
import { getLogger } from "../modules/ops/logger.server";
import { getMetrics, renderMetrics } from "../modules/ops/metrics.server";

const MAX_BODY_BYTES = 2 * 1024 * 1024;

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
  return (pathname: string) => {
    const matches = matchRoutes(routes, pathname);
    return matches?.[matches.length - 1]?.route.id ?? "unmatched";
  };
}

function securityHeaders(res: express.Response, nonce: string, https: boolean, formTargets: string[]) {
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https://images.evetech.net",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      // The login form posts here, and we redirect to EVE SSO: browsers check the redirect against form-action.
      `form-action 'self' ${formTargets.join(" ")}`.trim(),
      "frame-ancestors 'none'",
    ].join("; "),
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
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
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

export function createApp(runtime: Runtime, build: ServerBuild) {
  const { settings } = runtime;
  const log = getLogger();
  const metrics = getMetrics();
  const handle = createRequestHandler(build, "production");
  const labelRoute = createRouteLabeler(build);
  const siteOrigin = new URL(settings.SITE_URL).origin;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback, linklocal, uniquelocal");

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
      const entry = { requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000), route };
      if (route === "static" || route === "healthz" || route === "metrics") log.debug(entry, "request");
      else log.info(entry, "request");
    });
    next();
  });

  app.get("/healthz", async (_req, res) => {
    res.locals.route = "healthz";
    const report = await checkHealth(runtime);
    res.status(report.status === "ok" ? 200 : 503).json(report);
  });

  app.get("/metrics", async (_req, res) => {
    res.locals.route = "metrics";
    res.type("text/plain; version=0.0.4").send(await renderMetrics(runtime));
  });

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static("public", { maxAge: "1h", index: false }));

  app.all("*", async (req, res, next) => {
    try {
      const nonce = randomBytes(16).toString("base64");
      securityHeaders(res, nonce, settings.secureCookies, [originOf(settings.ESI_SSO_BASE_URL)]);
      const csrf = await readOrIssueCsrfToken(settings, req.get("cookie") ?? null);
      if (csrf.setCookie) res.append("Set-Cookie", csrf.setCookie);

      const host = req.get("host") ?? new URL(settings.SITE_URL).host;
      let url = `${req.protocol}://${host}${req.originalUrl}`;
      const headers = toHeaders(req);
      let method = req.method;
      let body: Buffer | null = null;
      let status: number | undefined;

      if (!isSafeMethod(method)) {
        body = await readBody(req);
        const failure = checkCsrf({
          headers,
          allowedOrigins: [siteOrigin, `${req.protocol}://${host}`],
          cookieToken: csrf.setCookie ? null : csrf.token,
          submittedToken: await submittedCsrfToken(headers, body, url),
        });
        if (failure) {
          log.warn({ requestId: res.locals.requestId, path: req.path, ip: req.ip, failure }, "CSRF check failed");
          // Render the 403 page without running any action.
          url = `${req.protocol}://${host}/csrf-failed`;
          method = "GET";
          body = null;
          headers.delete("content-type");
          headers.delete("content-length");
          status = 403;
        }
      }
      res.locals.route = status === 403 ? "routes/csrf-failed" : labelRoute(req.path);

      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const request = new Request(url, { method, headers, body: body ? new Uint8Array(body) : null, signal: controller.signal });
      const context: RequestContext = { requestId: res.locals.requestId, ip: req.ip ?? null, csrfToken: csrf.token, nonce, memo: new Map() };
      const response = await handle(request, context as unknown as AppLoadContext);
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  });

  app.use((error: Error & { status?: number }, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ requestId: res.locals.requestId, path: req.path, err: error.message, stack: error.stack }, "request failed");
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

export function startHttpServer(runtime: Runtime, build: ServerBuild): Promise<http.Server> {
  const app = createApp(runtime, build);
  return new Promise((resolve, reject) => {
    const server = app.listen(runtime.settings.PORT, runtime.settings.HOST);
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}
