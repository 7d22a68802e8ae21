/**
 * The fake's HTTP front: versioned routing (/api/v10 only), the User-Agent and Authorization checks,
 * faults, rate limits, the invalid-request ban, and JSON error bodies ({code, message[, errors]}).
 */
import { json, redirect, type FakeRequest, type Reply } from "../eve/http";
import type { FakeOAuth } from "./oauth";
import * as ops from "./ops";
import { FakeRateLimits, type RouteGroup } from "./ratelimit";
import { DiscordWorld, FakeDiscordError } from "./state";

export interface DiscordFault {
  /** Status to answer (5xx), or none with only a delay. */
  status?: number;
  /** Delay before answering, in ms (timeouts). */
  delayMs?: number;
  /** Only routes whose "METHOD /template" matches. */
  route?: RegExp;
  times?: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  template: string;
  group: RouteGroup;
  bearer?: boolean;
  run(ctx: { params: string[]; body: unknown; query: URLSearchParams; bearerUser?: string }): { status: number; body?: unknown };
}

export class FakeRest {
  fault: (DiscordFault & { remaining: number }) | null = null;
  membersIntent = false;
  checkUserAgent = true;
  /** "METHOD /template" → requests answered (any status). */
  calls = new Map<string, number>();

  private routes: Route[];

  constructor(
    private readonly world: DiscordWorld,
    private readonly oauth: FakeOAuth,
    readonly limits: FakeRateLimits,
    private readonly bot: { token: string; clientId: string },
  ) {
    const w = world;
    const G = "/guilds/(\\d+)";
    const M = `${G}/members/(\\d+)`;
    const r = (method: string, path: string, template: string, group: RouteGroup, run: Route["run"], bearer = false): Route => ({ method, pattern: new RegExp(`^${path}$`), template, group, run, bearer });
    this.routes = [
      r("GET", "/users/@me", "/users/@me", "me", ({ bearerUser }) => ({ status: 200, body: w.userJson(w.users.get(bearerUser!)!) }), true),
      r("GET", G, "/guilds/{guild.id}", "guild", ({ params, query }) => {
        const guild = w.requireBotInGuild(params[0]);
        const counts = query.get("with_counts") === "true" ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {};
        return { status: 200, body: { ...w.guildJson(guild), ...counts } };
      }),
      r("GET", `${G}/roles`, "/guilds/{guild.id}/roles", "roles", ({ params }) => ({ status: 200, body: [...w.requireBotInGuild(params[0]).roles.values()].map((x) => w.roleJson(x)) })),
      r("POST", `${G}/roles`, "/guilds/{guild.id}/roles", "role-create", ({ params, body }) => ({ status: 200, body: ops.createRole(w, params[0], body ?? {}) })),
      r("PATCH", `${G}/roles/(\\d+)`, "/guilds/{guild.id}/roles/{role.id}", "role-edit", ({ params, body }) => ({ status: 200, body: ops.modifyRole(w, params[0], params[1], body ?? {}) })),
      r("DELETE", `${G}/roles/(\\d+)`, "/guilds/{guild.id}/roles/{role.id}", "role-edit", ({ params }) => (ops.deleteRole(w, params[0], params[1]), { status: 204 })),
      r("GET", `${G}/members`, "/guilds/{guild.id}/members", "members-list", ({ params, query }) => ({ status: 200, body: ops.listMembers(w, params[0], query, this.membersIntent) })),
      r("GET", M, "/guilds/{guild.id}/members/{user.id}", "member", ({ params }) => ({ status: 200, body: ops.getMember(w, params[0], params[1]) })),
      r("PUT", M, "/guilds/{guild.id}/members/{user.id}", "member-add", ({ params, body }) => {
        const result = ops.addMember(w, params[0], params[1], body, this.oauth.checkJoinToken(this.bot.clientId));
        return result.status === 201 ? { status: 201, body: result.member } : { status: 204 };
      }),
      r("PATCH", M, "/guilds/{guild.id}/members/{user.id}", "member", ({ params, body }) => ({ status: 200, body: ops.modifyMember(w, params[0], params[1], body) })),
      r("DELETE", M, "/guilds/{guild.id}/members/{user.id}", "member", ({ params }) => (ops.kickMember(w, params[0], params[1]), { status: 204 })),
      r("PUT", `${M}/roles/(\\d+)`, "/guilds/{guild.id}/members/{user.id}/roles/{role.id}", "member-role", ({ params }) => (ops.memberRole(w, params[0], params[1], params[2], true), { status: 204 })),
      r("DELETE", `${M}/roles/(\\d+)`, "/guilds/{guild.id}/members/{user.id}/roles/{role.id}", "member-role", ({ params }) => (ops.memberRole(w, params[0], params[1], params[2], false), { status: 204 })),
    ];
  }

  private count(key: string) {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  /** Counts 401/403/429 toward the ban (shared 429s excepted). */
  private finish(reply: Reply, scope?: string): Reply {
    this.limits.countInvalid(reply.status, scope);
    return reply;
  }

  private error(e: FakeDiscordError, headers: Record<string, string> = {}): Reply {
    return json(e.status, { message: e.message, code: e.code, ...(e.errors ? { errors: e.errors } : {}) }, headers);
  }

  async handle(req: FakeRequest): Promise<Reply> {
    const path = req.url.pathname.replace(/\/+$/, "") || "/";
    if (this.limits.banned()) {
      return { status: 429, headers: { "content-type": "text/plain", "retry-after": "3600" }, body: "error code: 1015" };
    }
    if (path === "/oauth2/authorize" && (req.method === "GET" || req.method === "POST")) return this.oauth.authorize(req);
    if (path === "/api/oauth2/authorize") return redirect(`/oauth2/authorize${req.url.search}`);
    const oauthPath = /^\/api(?:\/v10)?\/oauth2\/token(\/revoke)?$/.exec(path);
    if (oauthPath && req.method === "POST") {
      this.count(`POST /oauth2/token${oauthPath[1] ?? ""}`);
      return this.finish(oauthPath[1] ? this.oauth.revoke(req) : this.oauth.token(req));
    }
    const version = /^\/api\/v(\d+)(\/.*)$/.exec(path);
    if (!version) return json(404, { message: "404: Not Found", code: 0 });
    if (version[1] !== "10") return json(400, { message: "Invalid API version provided", code: 50041 });
    const sub = version[2];
    let matched: { route: Route; params: string[] } | null = null;
    let pathKnown = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(sub);
      if (!m) continue;
      pathKnown = true;
      if (route.method === req.method) {
        matched = { route, params: m.slice(1) };
        break;
      }
    }
    if (!matched) return pathKnown ? json(405, { message: "405: Method Not Allowed", code: 0 }) : json(404, { message: "404: Not Found", code: 0 });
    const { route, params } = matched;
    this.count(`${route.method} ${route.template}`);

    if (this.checkUserAgent && !/^DiscordBot \(.+,\s*.+\)/.test(req.headers["user-agent"] ?? "")) {
      return this.finish(json(403, { message: "internal network error", code: 40333 }));
    }
    const auth = req.headers.authorization ?? "";
    let bearerUser: string | undefined;
    if (route.bearer) {
      const m = /^Bearer (.+)$/.exec(auth);
      const who = m ? this.oauth.bearerUser(m[1]) : null;
      if (!who || !who.scopes.includes("identify")) return this.finish(json(401, { message: "401: Unauthorized", code: 0 }));
      bearerUser = who.userId;
    } else if (auth !== `Bot ${this.bot.token}`) {
      return this.finish(json(401, { message: "401: Unauthorized", code: 0 }));
    }

    const fault = this.fault;
    if (fault && fault.remaining > 0 && (!fault.route || fault.route.test(`${route.method} ${route.template}`))) {
      fault.remaining--;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status) return json(fault.status, { message: `${fault.status}: Internal Server Error`, code: 0 });
    }

    const decision = this.limits.take(route.group, route.bearer ? auth : params[0], auth);
    if (decision.limited) return this.finish(json(429, decision.limited.body, decision.headers), decision.limited.scope);

    let body: unknown;
    if (req.method === "POST" || req.method === "PUT" || req.method === "PATCH") {
      const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      if (req.body) {
        if (type !== "application/json") return this.finish(this.error(new FakeDiscordError(400, 50035, "Invalid Form Body"), decision.headers));
        try {
          body = JSON.parse(req.body);
        } catch {
          return this.error(new FakeDiscordError(400, 50109, "The request body contains invalid JSON."), decision.headers);
        }
      }
    }
    try {
      const result = route.run({ params, body, query: req.url.searchParams, bearerUser });
      if (result.status === 204) return { status: 204, headers: decision.headers };
      return json(result.status, result.body, decision.headers);
    } catch (e) {
      if (e instanceof FakeDiscordError) return this.finish(this.error(e, decision.headers));
      throw e;
    }
  }
}
