/**
 * A faithful fake of zKillboard's API as the SRP app uses it (https://github.com/zKillboard/zKillboard/wiki/API-(Killmails)):
 * `GET /api/killID/{id}/` answers a JSON array holding the kill with its `zkb` block (hash, values),
 * or `[]` for a kill it does not know. Like zKillboard it refuses requests without a User-Agent (403),
 * and answers 429 when a client sends more than `ratePerSecond` requests in a second.
 */
import { json, type Reply, type RequestRecord, serve } from "../eve/http";

export interface ZkbKill {
  id: number;
  hash: string;
  totalValue: number;
  locationId?: number;
}

export interface FakeZkillboard {
  /** Base URL of the API, e.g. http://127.0.0.1:1234/api/ (the ZKILLBOARD_API_URL setting). */
  apiUrl: string;
  log: RequestRecord[];
  addKill(kill: ZkbKill): void;
  /** The next `count` requests answer this status (e.g. 502 while zKillboard is down). */
  failNext(status: number, count?: number): void;
  stop(): Promise<void>;
}

export async function startFakeZkillboard(options: { port?: number; ratePerSecond?: number } = {}): Promise<FakeZkillboard> {
  const kills = new Map<number, ZkbKill>();
  const log: RequestRecord[] = [];
  const rate = options.ratePerSecond ?? 10;
  let window = { second: 0, count: 0 };
  let fault: { status: number; remaining: number } | null = null;

  async function handle(req: { method: string; url: URL; headers: Record<string, string> }): Promise<Reply> {
    if (!req.headers["user-agent"]) return json(403, { error: "Please provide a User-Agent" });
    const second = Math.floor(Date.now() / 1000);
    window = window.second === second ? { second, count: window.count + 1 } : { second, count: 1 };
    if (window.count > rate) return json(429, { error: "Too many requests" }, { "retry-after": "1" });
    if (fault) {
      fault.remaining -= 1;
      const status = fault.status;
      if (fault.remaining <= 0) fault = null;
      return json(status, { error: "Fake zKillboard fault" });
    }
    const m = /^\/api\/killID\/(\d+)\/?$/.exec(req.url.pathname);
    if (req.method !== "GET" || !m) return json(404, { error: "Not found" });
    const kill = kills.get(Number(m[1]));
    if (!kill) return json(200, []);
    const dropped = Math.round(kill.totalValue * 0.3 * 100) / 100;
    return json(200, [
      {
        killmail_id: kill.id,
        zkb: { locationID: kill.locationId ?? 60003760, hash: kill.hash, fittedValue: kill.totalValue, droppedValue: dropped, destroyedValue: kill.totalValue - dropped, totalValue: kill.totalValue, points: 1, npc: false, solo: false, awox: false },
      },
    ]);
  }

  const server = await serve({ service: "zkillboard", host: "127.0.0.1", port: options.port ?? 0, log, maxLog: 1000, clock: () => Date.now(), handle });
  return {
    apiUrl: `${server.url}/api/`,
    log,
    addKill: (kill) => void kills.set(kill.id, { ...kill }),
    failNext: (status, count = 1) => {
      fault = { status, remaining: count };
    },
    stop: () => server.stop(),
  };
}
