/**
 * Minimal node:http plumbing shared by the fake SSO and ESI: handlers get a parsed request and return a Reply;
 * this module sends it, logs the exchange and makes sure nothing a client sends can crash the process.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RequestRecord {
  service: string;
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export interface FakeRequest {
  method: string;
  url: URL;
  /** Lower-case header names, repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, text: string): Reply {
  return { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: text };
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location, "cache-control": "no-store" } };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooBig ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export async function serve(options: {
  service: string;
  host: string;
  port: number;
  log: RequestRecord[];
  /** Oldest entries are dropped beyond this, so long demo or benchmark runs don't grow without bound. */
  maxLog: number;
  clock: () => number;
  handle: (request: FakeRequest) => Promise<Reply>;
}): Promise<RunningServer> {
  const { service, log, clock, handle } = options;

  const server = http.createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const headers = flattenHeaders(req.headers);
    let body = "";
    let reply: Reply;
    try {
      const raw = await readBody(req);
      if (raw === null) {
        reply = json(413, { error: "Request body too large" });
      } else {
        body = raw;
        // The Host header is client-controlled; the URL is only used for its path and query.
        const url = new URL(req.url ?? "/", "http://fake.invalid");
        reply = await handle({ method, url, headers, body });
      }
    } catch (error) {
      reply = json(500, { error: `Internal error in fake ${service}: ${error instanceof Error ? error.message : String(error)}` });
    }
    // Recorded before sending, so a test that awaited the response always finds the entry.
    if (log.length >= options.maxLog) log.splice(0, log.length - options.maxLog + 1);
    log.push({ service, method, path: req.url ?? "/", status: reply.status, headers, ...(body ? { body } : {}) });
    if (res.destroyed) return;
    // Date follows the fake clock so that Expires/Last-Modified are consistent with it after advanceClock().
    res.writeHead(reply.status, { date: httpDate(clock()), ...reply.headers });
    res.end(method === "HEAD" ? undefined : reply.body);
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostForUrl}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (undici pools them) would otherwise hold close() open for seconds.
        server.closeAllConnections();
      }),
  };
}
