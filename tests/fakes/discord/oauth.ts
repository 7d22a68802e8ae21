/**
 * The fake's OAuth2: the authorize page (a "player" picks or creates a Discord user, or denies), the bot
 * authorization flow ("link Discord server"), the token endpoint (authorization_code, refresh_token with
 * single-use rotation, client auth by Basic or form, PKCE when a challenge was sent) and revocation.
 * Error bodies follow RFC 6749 ({error, error_description}), as Discord's token endpoint does.
 */
import { createHash, randomBytes } from "node:crypto";
import { escapeHtml, html, json, redirect, type FakeRequest, type Reply } from "../eve/http";
import type { DiscordWorld } from "./state";

export interface DiscordClientApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Name of the bot's managed role when it joins a guild. */
  name?: string;
}

export type NextAuthorization = { userId: string } | { username: string } | { deny: true } | null;

interface Grant {
  authId: string;
  clientId: string;
  userId: string;
  scopes: string[];
}
interface CodeEntry extends Grant {
  redirectUri: string;
  expiresAt: number;
  challenge: string | null;
}
interface AccessEntry extends Grant {
  expiresAt: number;
}

export const ACCESS_TTL_S = 604_800;
const CODE_TTL_MS = 100_000;
const token = () => randomBytes(20).toString("base64url");

export class FakeOAuth {
  nextAuthorization: NextAuthorization = null;
  private codes = new Map<string, CodeEntry>();
  private access = new Map<string, AccessEntry>();
  private refresh = new Map<string, Grant>();
  private revokedAuth = new Set<string>();
  /** When set, PUT member with a token lacking guilds.join answers 50026 instead of 50025. */
  missingScopeCode: 50025 | 50026 = 50025;

  constructor(
    private readonly world: DiscordWorld,
    private readonly clients: DiscordClientApp[],
    private readonly clock: () => number,
  ) {}

  // ---- authorize ---------------------------------------------------------------------------------

  authorize(req: FakeRequest): Reply {
    const form = req.method === "POST" ? new URLSearchParams(req.body) : new URLSearchParams();
    const q = req.method === "POST" ? new URLSearchParams(form.get("query") ?? "") : req.url.searchParams;
    const client = this.clients.find((c) => c.clientId === q.get("client_id"));
    if (!client) return html(400, "<h1>Unknown Error</h1><p>Invalid client_id.</p>");
    const scopes = (q.get("scope") ?? "").split(/\s+/).filter(Boolean);
    if (scopes.includes("bot")) return this.botAuthorize(req, q, form, client);
    const redirectUri = q.get("redirect_uri") ?? client.redirectUris[0];
    // A redirect_uri that is not registered shows Discord's own error page: never redirect there.
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) return html(400, "<h1>Unknown Error</h1><p>Invalid OAuth2 redirect_uri</p>");
    if (q.get("response_type") !== "code") return html(400, "<h1>Unknown Error</h1><p>Invalid response_type.</p>");
    const state = q.get("state");
    const back = (params: Record<string, string>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      if (state !== null) url.searchParams.set("state", state);
      return redirect(url.toString());
    };
    let choice: NextAuthorization = this.nextAuthorization;
    if (choice) this.nextAuthorization = null;
    else if (req.method === "POST") {
      if (form.get("action") === "deny") choice = { deny: true };
      else if (form.get("user_id")) choice = { userId: form.get("user_id")! };
      else if (form.get("username")?.trim()) choice = { username: form.get("username")!.trim().slice(0, 32) };
    }
    if (!choice) return html(200, this.page(client, scopes, req.url.search.slice(1)));
    if ("deny" in choice) return back({ error: "access_denied", error_description: "The resource owner or authorization server denied the request" });
    const user = "userId" in choice ? this.world.users.get(choice.userId) : this.world.addUser({ username: choice.username });
    if (!user || user.bot) return html(400, "<h1>Unknown user</h1>");
    const challenge = q.get("code_challenge");
    const code = token();
    this.codes.set(code, {
      authId: token(),
      clientId: client.clientId,
      userId: user.id,
      scopes,
      redirectUri,
      expiresAt: this.clock() + CODE_TTL_MS,
      challenge: challenge && q.get("code_challenge_method") === "S256" ? challenge : null,
    });
    return back({ code });
  }

  private page(client: DiscordClientApp, scopes: string[], query: string) {
    const users = [...this.world.users.values()].filter((u) => !u.bot).slice(0, 50);
    const q = escapeHtml(query);
    const buttons = users
      .map((u) => `<li><form method="post"><input type="hidden" name="query" value="${q}"><input type="hidden" name="user_id" value="${u.id}"><button>Continue as ${escapeHtml(u.globalName ?? u.username)} (@${escapeHtml(u.username)})</button></form></li>`)
      .join("");
    return `<!doctype html><html><head><title>Discord (fake): authorize</title></head><body>
<h1>${escapeHtml(client.name ?? client.clientId)} wants to access your account</h1>
<p>Scopes: ${escapeHtml(scopes.join(", "))}</p><ul>${buttons}</ul>
<form method="post"><input type="hidden" name="query" value="${q}"><label>New Discord user <input name="username" maxlength="32" required></label><button>Create and authorize</button></form>
<form method="post"><input type="hidden" name="query" value="${q}"><button name="action" value="deny">Cancel</button></form></body></html>`;
  }

  private botAuthorize(req: FakeRequest, q: URLSearchParams, form: URLSearchParams, client: DiscordClientApp): Reply {
    const permissions = /^\d+$/.test(q.get("permissions") ?? "") ? BigInt(q.get("permissions")!) : 0n;
    const guildId = req.method === "POST" ? form.get("guild_id") : null;
    if (!guildId) {
      const locked = q.get("disable_guild_select") === "true" ? q.get("guild_id") : null;
      const guilds = [...this.world.guilds.values()].filter((g) => !locked || g.id === locked);
      const qs = escapeHtml(req.url.search.slice(1));
      const items = guilds.map((g) => `<li><form method="post"><input type="hidden" name="query" value="${qs}"><input type="hidden" name="guild_id" value="${g.id}"><button>Authorize in ${escapeHtml(g.name)}</button></form></li>`).join("");
      return html(200, `<!doctype html><html><head><title>Discord (fake): add bot</title></head><body><h1>Add ${escapeHtml(client.name ?? "bot")} to a server</h1><ul>${items}</ul></body></html>`);
    }
    this.addBotToGuild(guildId, client, permissions);
    const redirectUri = q.get("redirect_uri");
    if (redirectUri && client.redirectUris.includes(redirectUri)) {
      const url = new URL(redirectUri);
      url.searchParams.set("guild_id", guildId);
      url.searchParams.set("permissions", permissions.toString());
      return redirect(url.toString());
    }
    return html(200, "<!doctype html><html><body><h1>Authorized</h1><p>You may now close this window.</p></body></html>");
  }

  /** The bot joins with a managed role named after the app, holding the permissions asked for. */
  addBotToGuild(guildId: string, client: DiscordClientApp, permissions: bigint) {
    const guild = this.world.requireGuild(guildId);
    const existing = [...guild.roles.values()].find((r) => r.managed && r.botId === this.world.botUserId);
    if (existing) existing.permissions = permissions;
    else {
      for (const role of guild.roles.values()) if (role.position >= 1) role.position += 1;
      const role = this.world.addRole(guildId, { name: client.name ?? "Bot", position: 1, permissions, managed: true, botId: this.world.botUserId });
      this.world.putMember(guild, this.world.botUserId, { nick: null, roles: [role.id] });
    }
  }

  // ---- token endpoint ----------------------------------------------------------------------------

  private clientAuth(req: FakeRequest, form: URLSearchParams): DiscordClientApp | null {
    let id = form.get("client_id");
    let secret = form.get("client_secret");
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
    if (basic) {
      const decoded = Buffer.from(basic[1], "base64").toString("utf8");
      const i = decoded.indexOf(":");
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    const client = this.clients.find((c) => c.clientId === id);
    return client && secret === client.clientSecret ? client : null;
  }

  private issue(grant: Grant) {
    const accessToken = token();
    const refreshToken = token();
    this.access.set(accessToken, { ...grant, expiresAt: this.clock() + ACCESS_TTL_S * 1000 });
    this.refresh.set(refreshToken, grant);
    return json(200, { access_token: accessToken, token_type: "Bearer", expires_in: ACCESS_TTL_S, refresh_token: refreshToken, scope: grant.scopes.join(" ") });
  }

  token(req: FakeRequest): Reply {
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") return json(400, { error: "unsupported_grant_type" });
    const form = new URLSearchParams(req.body);
    const grantType = form.get("grant_type");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") return json(400, { error: "unsupported_grant_type" });
    const client = this.clientAuth(req, form);
    if (!client) return json(401, { error: "invalid_client" });
    if (grantType === "authorization_code") {
      const code = form.get("code") ?? "";
      const entry = this.codes.get(code);
      this.codes.delete(code);
      if (!entry || entry.clientId !== client.clientId || entry.expiresAt <= this.clock()) {
        return json(400, { error: "invalid_grant", error_description: 'Invalid "code" in request.' });
      }
      if (form.get("redirect_uri") !== entry.redirectUri) return json(400, { error: "invalid_grant", error_description: 'Invalid "redirect_uri" in request.' });
      if (entry.challenge) {
        const verifier = form.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== entry.challenge) {
          return json(400, { error: "invalid_grant", error_description: 'Invalid "code_verifier" in request.' });
        }
      }
      return this.issue(entry);
    }
    const rt = form.get("refresh_token") ?? "";
    const grant = this.refresh.get(rt);
    if (!grant || grant.clientId !== client.clientId || this.revokedAuth.has(grant.authId)) {
      return json(400, { error: "invalid_grant", error_description: 'Invalid "refresh_token" in request.' });
    }
    // Single use: the old refresh token and the old access tokens of this authorization stop working.
    this.refresh.delete(rt);
    for (const [t, a] of this.access) if (a.authId === grant.authId) this.access.delete(t);
    return this.issue(grant);
  }

  revoke(req: FakeRequest): Reply {
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") return json(400, { error: "unsupported_grant_type" });
    const form = new URLSearchParams(req.body);
    const client = this.clientAuth(req, form);
    if (!client) return json(401, { error: "invalid_client" });
    const t = form.get("token") ?? "";
    const grant = this.access.get(t) ?? this.refresh.get(t);
    if (grant && grant.clientId === client.clientId) this.revokeAuthorization(grant.authId);
    return json(200, {});
  }

  private revokeAuthorization(authId: string) {
    this.revokedAuth.add(authId);
    for (const [t, a] of this.access) if (a.authId === authId) this.access.delete(t);
    for (const [t, a] of this.refresh) if (a.authId === authId) this.refresh.delete(t);
  }

  /** Test hook: every token a user granted stops working. */
  revokeUserTokens(userId: string) {
    for (const a of [...this.access.values(), ...this.refresh.values()]) if (a.userId === userId) this.revokeAuthorization(a.authId);
  }

  /** Test hook: a token as if the user had gone through the flow. */
  issueToken(clientId: string, userId: string, scopes: string[]) {
    const reply = this.issue({ authId: token(), clientId, userId, scopes });
    return JSON.parse(reply.body!) as { access_token: string; refresh_token: string };
  }

  /** The user behind a valid bearer token, or null. */
  bearerUser(accessToken: string) {
    const entry = this.access.get(accessToken);
    if (!entry || entry.expiresAt <= this.clock()) return null;
    return { userId: entry.userId, scopes: entry.scopes };
  }

  /** For PUT member: valid, issued to the bot's application, for this user, with guilds.join. */
  checkJoinToken(botClientId: string) {
    return (accessToken: string, userId: string) => {
      const entry = this.access.get(accessToken);
      if (!entry || entry.expiresAt <= this.clock() || entry.clientId !== botClientId || entry.userId !== userId) {
        return { code: 50025 as const, message: "Invalid OAuth2 access token" };
      }
      if (!entry.scopes.includes("guilds.join")) {
        return this.missingScopeCode === 50025 ? { code: 50025 as const, message: "Invalid OAuth2 access token" } : { code: 50026 as const, message: "Missing required OAuth2 scope" };
      }
      return null;
    };
  }
}
