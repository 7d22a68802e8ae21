/**
 * A fake of the three analytics endpoints an operator may name (tests and demo only):
 * - Plausible's events API, `POST /api/event`: JSON with `name`, `domain` and `url`, else 400; 202 "ok".
 * - Umami's `POST /api/send`: `{ type: "event", payload: { website, url, name, … } }`, else 400; a
 *   User-Agent is required (Umami drops bot-less requests): 400 without one.
 * - GA4's Measurement Protocol, `POST /mp/collect?measurement_id=…&api_secret=…`: like Google it
 *   answers 204 to anything well-formed, 400 to a body that is not JSON with `client_id` and at most
 *   25 `events`; an unknown secret is accepted silently (as Google does) but recorded as such.
 * More than `ratePerSecond` requests in a second get 429. Each accepted event is kept for assertions.
 */
import { json, type Reply, type RequestRecord, serve } from "../eve/http";

export interface ReceivedEvent {
  provider: "plausible" | "umami" | "ga4";
  site: string;
  name: string;
  props: Record<string, unknown>;
  /** GA4 only: whether the request's api_secret was the one the fake expects. */
  secretOk?: boolean;
}

export interface FakeAnalytics {
  url: string;
  log: RequestRecord[];
  events: ReceivedEvent[];
  failNext(status: number, count?: number): void;
  stop(): Promise<void>;
}

export async function startFakeAnalytics(options: { ga4Secret?: string; ratePerSecond?: number } = {}): Promise<FakeAnalytics> {
  const log: RequestRecord[] = [];
  const events: ReceivedEvent[] = [];
  const rate = options.ratePerSecond ?? 50;
  let window = { second: 0, count: 0 };
  let fault: { status: number; remaining: number } | null = null;

  const parse = (body: string): Record<string, unknown> | null => {
    try {
      const value = JSON.parse(body) as unknown;
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

  async function handle(req: { method: string; url: URL; headers: Record<string, string>; body: string }): Promise<Reply> {
    const second = Math.floor(Date.now() / 1000);
    window = window.second === second ? { second, count: window.count + 1 } : { second, count: 1 };
    if (window.count > rate) return json(429, { error: "Too many requests" }, { "retry-after": "1" });
    if (fault) {
      fault.remaining -= 1;
      const status = fault.status;
      if (fault.remaining <= 0) fault = null;
      return json(status, { error: "Fake analytics fault" });
    }
    if (req.method !== "POST") return json(405, { error: "Method not allowed" });
    const body = parse(req.body);
    if (req.url.pathname === "/api/event") {
      if (!body || !str(body.name) || !str(body.domain) || !str(body.url)) return json(400, { error: "name, domain and url are required" });
      events.push({ provider: "plausible", site: String(body.domain), name: String(body.name), props: obj(body.props) });
      return { status: 202, headers: { "content-type": "text/plain" }, body: "ok" };
    }
    if (req.url.pathname === "/api/send") {
      const payload = obj(body?.payload);
      if (!req.headers["user-agent"]) return json(400, { error: "user-agent required" });
      if (!body || body.type !== "event" || !str(payload.website) || !str(payload.url) || !str(payload.name)) return json(400, { error: "type, payload.website, payload.url and payload.name are required" });
      events.push({ provider: "umami", site: String(payload.website), name: String(payload.name), props: obj(payload.data) });
      return json(200, { cache: "fake", sessionId: "fake", visitId: "fake" });
    }
    if (req.url.pathname === "/mp/collect") {
      const site = req.url.searchParams.get("measurement_id");
      const secret = req.url.searchParams.get("api_secret");
      const list = body?.events;
      if (!site || !secret || !body || !str(body.client_id) || !Array.isArray(list) || list.length === 0 || list.length > 25) return json(400, { error: "invalid Measurement Protocol request" });
      for (const e of list) {
        const event = obj(e);
        events.push({ provider: "ga4", site, name: String(event.name), props: obj(event.params), secretOk: options.ga4Secret === undefined || secret === options.ga4Secret });
      }
      return { status: 204 };
    }
    return json(404, { error: "Not found" });
  }

  const server = await serve({ service: "analytics", host: "127.0.0.1", port: 0, log, maxLog: 2000, clock: () => Date.now(), handle });
  return {
    url: server.url,
    log,
    events,
    failNext: (status, count = 1) => {
      fault = { status, remaining: count };
    },
    stop: () => server.stop(),
  };
}
