/**
 * startFakeDiscourse(): the parts of a Discourse forum Alliance Auth talks to, for tests, demo mode and
 * e2e. DiscourseConnect as the consumer (GET /session/sso issues a nonce and sends the browser to our
 * discourse_connect_url; GET /session/sso_login checks the signature (422), the nonce (419: unknown,
 * used or older than 10 minutes), a blank external_id (500), a suspended user (403), then finds the user
 * by external_id, else by email, else creates one with a de-duplicated username); the admin API with
 * Api-Key/Api-Username (403 otherwise), one site-wide admin bucket per minute answering 429 with
 * Retry-After, built-in automatic groups, group names validated like usernames (422), and removal by
 * a numeric `usernames` failing with 500 as Discourse does.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { escapeHtml, html, json, redirect, serve, type FakeRequest, type Reply, type RequestRecord } from "../eve/http";

export interface FakeDiscourseGroup {
  id: number;
  name: string;
  automatic: boolean;
  members: Set<number>;
}

export interface FakeDiscourseUser {
  id: number;
  username: string;
  name: string;
  email: string;
  externalId: string | null;
  avatarUrl: string | null;
  suspendedTill: string | null;
  suspendReason: string | null;
  loggedOutAt: number | null;
}

export interface FakeDiscourseOptions {
  apiKey: string;
  apiUsername: string;
  ssoSecret: string;
  /** Our discourse_connect_url (SITE_URL/discourse/sso). */
  connectUrl: string;
  host?: string;
  port?: number;
  /** Admin-API requests per minute (max_admin_api_reqs_per_minute). Default 60. */
  adminPerMinute?: number;
}

export interface FakeDiscourse {
  url: string;
  stop(): Promise<void>;
  users: Map<number, FakeDiscourseUser>;
  groups: Map<number, FakeDiscourseGroup>;
  userByExternal(externalId: number | string): FakeDiscourseUser | undefined;
  groupNamesOf(userId: number): string[];
  addGroup(name: string): FakeDiscourseGroup;
  /** Issues a nonce as /session/sso would and returns the signed request for our endpoint. */
  startConnect(returnPath?: string): { sso: string; sig: string; nonce: string };
  setAdminLimit(perMinute: number): void;
  /** The next `times` admin requests answer 429 with this Retry-After (seconds). */
  force429(retryAfter: number, times?: number): void;
  requests: RequestRecord[];
  clearRequests(): void;
  callCount(route: string): number;
}

const AUTOMATIC = ["everyone", "admins", "moderators", "staff", "trust_level_0", "trust_level_1", "trust_level_2", "trust_level_3", "trust_level_4"];
const NONCE_TTL_MS = 10 * 60_000;

const hmac = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest("hex");
function same(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
const errors = (status: number, list: string[], type = "invalid_parameters", headers: Record<string, string> = {}) => json(status, { errors: list, error_type: type }, headers);
const notFound = () => errors(404, ["The requested URL or resource could not be found."], "not_found");

export async function startFakeDiscourse(options: FakeDiscourseOptions): Promise<FakeDiscourse> {
  const users = new Map<number, FakeDiscourseUser>();
  const groups = new Map<number, FakeDiscourseGroup>();
  const nonces = new Map<string, { at: number; returnPath: string; used: boolean }>();
  const requests: RequestRecord[] = [];
  let nextUser = 1;
  let nextGroup = 40;
  let perMinute = options.adminPerMinute ?? 60;
  let window = { start: Date.now(), count: 0 };
  let forced: { retryAfter: number; times: number } | null = null;
  AUTOMATIC.forEach((name, i) => groups.set(i, { id: i, name, automatic: true, members: new Set() }));

  const groupByName = (name: string) => [...groups.values()].find((g) => g.name.toLowerCase() === name.toLowerCase());
  const userByName = (name: string) => [...users.values()].find((u) => u.username.toLowerCase() === name.toLowerCase());
  const userByExternal = (id: number | string) => [...users.values()].find((u) => u.externalId === String(id));
  const groupNamesOf = (userId: number) => [...groups.values()].filter((g) => g.members.has(userId)).map((g) => g.name).sort();
  const serialise = (u: FakeDiscourseUser) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    avatar_template: u.avatarUrl ?? "/letter_avatar/{size}.png",
    suspended_till: u.suspendedTill,
    suspend_reason: u.suspendReason,
    groups: [...groups.values()].filter((g) => g.members.has(u.id)).map((g) => ({ id: g.id, name: g.name, automatic: g.automatic })),
  });

  function addGroup(name: string) {
    const g: FakeDiscourseGroup = { id: nextGroup++, name, automatic: false, members: new Set() };
    groups.set(g.id, g);
    return g;
  }

  function uniqueUsername(wanted: string) {
    const base = (wanted.replace(/[^\w.-]/g, "_").slice(0, 20) || "user").replace(/^[_.-]+/, "") || "user";
    let name = base;
    for (let i = 1; userByName(name) || groupByName(name); i++) name = `${base.slice(0, 19)}${i}`;
    return name;
  }

  function rateLimited(): Reply | null {
    const now = Date.now();
    if (forced && forced.times > 0) {
      forced.times--;
      return limitReply(forced.retryAfter);
    }
    if (now - window.start >= 60_000) window = { start: now, count: 0 };
    if (window.count >= perMinute) return limitReply(Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000)));
    window.count++;
    return null;
  }

  function limitReply(wait: number): Reply {
    return json(
      429,
      { errors: [`You've performed this action too many times. Please wait ${wait} seconds before trying again.`], error_type: "rate_limit", extras: { wait_seconds: wait, time_left: `${wait} seconds` } },
      { "retry-after": String(wait), "discourse-rate-limit-error-code": "admin_api_key_rate_limit" },
    );
  }

  function form(request: FakeRequest): Record<string, unknown> {
    const type = request.headers["content-type"] ?? "";
    if (type.includes("json")) {
      try {
        return JSON.parse(request.body || "{}");
      } catch {
        return {};
      }
    }
    return Object.fromEntries(new URLSearchParams(request.body));
  }

  function sessionSso(request: FakeRequest): Reply {
    const nonce = randomBytes(16).toString("hex");
    const returnPath = request.url.searchParams.get("return_path") ?? "/";
    nonces.set(nonce, { at: Date.now(), returnPath, used: false });
    const payload = Buffer.from(new URLSearchParams({ nonce, return_sso_url: `${server.url}/session/sso_login` }).toString()).toString("base64");
    const target = new URL(options.connectUrl);
    target.searchParams.set("sso", payload);
    target.searchParams.set("sig", hmac(options.ssoSecret, payload));
    return redirect(target.toString());
  }

  function ssoLogin(request: FakeRequest): Reply {
    const sso = request.url.searchParams.get("sso") ?? "";
    const sig = request.url.searchParams.get("sig") ?? "";
    if (!sso || !same(hmac(options.ssoSecret, sso), sig)) return html(422, "<h1>Account login error</h1><p>Signature mismatch (discourse_connect_secret?)</p>");
    const fields = new URLSearchParams(Buffer.from(sso.replace(/\s+/g, ""), "base64").toString("utf8"));
    const nonce = nonces.get(fields.get("nonce") ?? "");
    if (!nonce || nonce.used || Date.now() - nonce.at > NONCE_TTL_MS) return html(419, "<h1>Account login timed out</h1><p>The nonce is unknown, used or expired.</p>");
    nonce.used = true;
    const externalId = (fields.get("external_id") ?? "").trim();
    if (!externalId) return html(500, "<h1>Internal server error</h1><p>external_id is blank</p>");
    const email = (fields.get("email") ?? "").trim();
    let user = userByExternal(externalId) ?? (email ? [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase()) : undefined);
    if (!user) {
      if (!email) return html(500, "<h1>Internal server error</h1><p>no email</p>");
      user = { id: nextUser++, username: uniqueUsername(fields.get("username") ?? email.split("@")[0]), name: fields.get("name") ?? "", email, externalId, avatarUrl: null, suspendedTill: null, suspendReason: null, loggedOutAt: null };
      users.set(user.id, user);
      groups.get(0)!.members.add(user.id);
      groups.get(4)!.members.add(user.id);
    }
    if (user.suspendedTill && Date.parse(user.suspendedTill) > Date.now()) return html(403, `<h1>Account suspended</h1><p>${escapeHtml(user.suspendReason ?? "")}</p>`);
    user.externalId = externalId;
    user.name = fields.get("name") ?? user.name;
    user.avatarUrl = fields.get("avatar_url") ?? user.avatarUrl;
    const wanted = fields.get("groups");
    if (wanted !== null) {
      const names = new Set(wanted.split(",").filter(Boolean).map((n) => n.toLowerCase()));
      for (const g of groups.values()) if (!g.automatic && !names.has(g.name.toLowerCase())) g.members.delete(user.id);
      for (const n of names) groupByName(n)?.automatic === false && groupByName(n)!.members.add(user.id);
    }
    return html(200, `<!doctype html><title>Fake Discourse</title><h1 data-testid="discourse-welcome">Welcome to the fake Discourse, ${escapeHtml(user.username)}</h1><p>Groups: <span data-testid="discourse-groups">${escapeHtml(groupNamesOf(user.id).join(", "))}</span></p><p><a href="${escapeHtml(nonce.returnPath)}">Continue</a></p>`);
  }

  async function handle(request: FakeRequest): Promise<Reply> {
    const path = request.url.pathname;
    const m = request.method;
    if (m === "GET" && path === "/session/sso") return sessionSso(request);
    if (m === "GET" && path === "/session/sso_login") return ssoLogin(request);
    if (m === "GET" && path === "/") return html(200, "<!doctype html><title>Fake Discourse</title><h1>Fake Discourse</h1>");
    if (request.headers["api-key"] !== options.apiKey || request.headers["api-username"] !== options.apiUsername) {
      return errors(403, ["You are not permitted to view the requested resource. The API username or key is invalid."], "invalid_access");
    }
    const limited = rateLimited();
    if (limited) return limited;
    const body = m === "GET" ? {} : form(request);
    let match: RegExpExecArray | null;
    if (m === "GET" && path === "/groups/search.json") return json(200, [...groups.values()].map((g) => ({ id: g.id, name: g.name, automatic: g.automatic, user_count: g.members.size })));
    if (m === "POST" && (path === "/admin/groups.json" || path === "/admin/groups")) {
      const name = String((body.group as { name?: unknown } | undefined)?.name ?? "");
      if (!/^[A-Za-z0-9_.-]{3,20}$/.test(name) || /^[_.-]|[_.-]$/.test(name)) return errors(422, [`Name must be 3-20 characters of letters, numbers, dashes, dots or underscores`]);
      if (groupByName(name) || userByName(name)) return errors(422, ["Name has already been taken"]);
      const g = addGroup(name);
      return json(200, { basic_group: { id: g.id, name: g.name, automatic: false } });
    }
    if (m === "GET" && (match = /^\/users\/by-external\/([^/]+)\.json$/.exec(path))) {
      const u = userByExternal(decodeURIComponent(match[1]));
      return u ? json(200, { user: serialise(u) }) : notFound();
    }
    if (m === "GET" && (match = /^\/users\/([^/]+)\.json$/.exec(path))) {
      const u = userByName(decodeURIComponent(match[1]));
      return u ? json(200, { user: serialise(u) }) : notFound();
    }
    if ((match = /^\/groups\/(\d+)\/members\.json$/.exec(path)) && (m === "PUT" || m === "DELETE")) {
      const g = groups.get(Number(match[1]));
      if (!g) return notFound();
      const usernames = body.usernames;
      // GroupsController#users_from_params: params[:usernames].split(",") — an Integer has no split.
      if (usernames !== undefined && typeof usernames !== "string") return html(500, "NoMethodError: undefined method `split' for Integer");
      const list = String(usernames ?? "").split(",").map((s) => s.trim()).filter(Boolean).map(userByName);
      if (list.length === 0 || list.some((u) => !u)) return errors(400, ["You supplied invalid parameters to the request: usernames"]);
      if (g.automatic) return errors(422, ["You cannot modify an automatic group"]);
      if (m === "PUT") {
        if (list.every((u) => g.members.has(u!.id))) return errors(422, [`${list.map((u) => u!.username).join(", ")} is already a member of this group`]);
        for (const u of list) g.members.add(u!.id);
        return json(200, { success: "OK", usernames: list.map((u) => u!.username) });
      }
      for (const u of list) g.members.delete(u!.id);
      return json(200, { success: "OK", usernames: list.map((u) => u!.username) });
    }
    if (m === "GET" && (match = /^\/groups\/([^/]+)\/members\.json$/.exec(path))) {
      const g = groupByName(decodeURIComponent(match[1]));
      if (!g) return notFound();
      const members = [...g.members].map((id) => users.get(id)!).filter(Boolean);
      return json(200, { members: members.map((u) => ({ id: u.id, username: u.username })), meta: { total: members.length, limit: 1000, offset: 0 } });
    }
    if ((match = /^\/admin\/users\/(\d+)\/(log_out|suspend|unsuspend)(?:\.json)?$/.exec(path))) {
      const u = users.get(Number(match[1]));
      if (!u) return notFound();
      if (match[2] === "log_out" && m === "POST") {
        u.loggedOutAt = Date.now();
        return json(200, { success: "OK" });
      }
      if (match[2] === "suspend" && m === "PUT") {
        const until = String(body.suspend_until ?? "");
        const reason = String(body.reason ?? "");
        if (!until || Number.isNaN(Date.parse(until)) || !reason) return errors(400, ["You supplied invalid parameters to the request: suspend_until, reason"]);
        u.suspendedTill = new Date(Date.parse(until)).toISOString();
        u.suspendReason = reason;
        return json(200, { suspension: { suspended_till: u.suspendedTill, suspend_reason: reason } });
      }
      if (match[2] === "unsuspend" && m === "PUT") {
        u.suspendedTill = null;
        u.suspendReason = null;
        return json(200, { suspension: { suspended_till: null } });
      }
    }
    return notFound();
  }

  const server = await serve({ service: "discourse", host: options.host ?? "127.0.0.1", port: options.port ?? 0, log: requests, maxLog: 5000, clock: Date.now, handle });
  const routeOf = (r: RequestRecord) => `${r.method} ${r.path.split("?")[0].replace(/\/\d+\//g, "/{id}/").replace(/\/by-external\/[^/]+/, "/by-external/{id}")}`;
  return {
    url: server.url,
    stop: server.stop,
    users,
    groups,
    userByExternal,
    groupNamesOf,
    addGroup,
    startConnect: (returnPath = "/") => {
      const nonce = randomBytes(16).toString("hex");
      nonces.set(nonce, { at: Date.now(), returnPath, used: false });
      const sso = Buffer.from(new URLSearchParams({ nonce, return_sso_url: `${server.url}/session/sso_login` }).toString()).toString("base64");
      return { sso, sig: hmac(options.ssoSecret, sso), nonce };
    },
    setAdminLimit: (n) => {
      perMinute = n;
      window = { start: Date.now(), count: 0 };
    },
    force429: (retryAfter, times = 1) => {
      forced = { retryAfter, times };
    },
    requests,
    clearRequests: () => void requests.splice(0),
    callCount: (route) => requests.filter((r) => routeOf(r) === route).length,
  };
}
