/**
 * The fake EVE SSO v2 (spec section B, checklist E.2): metadata, JWKS, authorize (automatic via setNextLogin, or a
 * no-JavaScript "player" page), token (authorization_code with optional PKCE, refresh_token with rotation), revoke
 * and verify.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { JWTPayload } from "jose";
import { escapeHtml, html, json, redirect, type FakeRequest, type Reply } from "./http";
import type { SigningKeys } from "./keys";
import type { World } from "./world";

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export type NextLogin = { characterId: number; scopes?: string[] } | { deny: true } | null;

const CODE_TTL_MS = 5 * 60 * 1000;
const ACCESS_TOKEN_LIFETIME_S = 1200;
/** The real SSO answers one second less than the token's lifetime. */
const EXPIRES_IN = 1199;
const AUTHORIZE_PATHS = new Set(["/v2/oauth/authorize", "/v2/oauth/authorize/"]);

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  characterId: number;
  scopes: string[];
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
}

interface RefreshToken {
  clientId: string;
  characterId: number;
  scopes: string[];
  /** Obtained through PKCE without a secret: may then be refreshed with client_id alone, like a native app. */
  publicClient: boolean;
  /** Fake-clock ms after which the token is refused with invalid_token "The refresh token is expired.". */
  expiresAt?: number;
}

interface AuthorizeRequest {
  client: RegisteredClient;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string | null;
  /** The original parameters, echoed as hidden fields by the player page. */
  params: URLSearchParams;
}

type ClientAuth = { client: RegisteredClient; confidential: boolean };

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error, error_description: description }, { "cache-control": "no-store", ...headers });
}

function invalidClient(description: string): Reply {
  return oauthError(401, "invalid_client", description, { "www-authenticate": 'Basic realm="eveonline"' });
}

function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function splitScopes(value: string | null): string[] {
  return (value ?? "").split(/\s+/).filter(Boolean);
}

/** Switches for SSO trouble in tests (each null/empty when off). */
export interface SsoFaults {
  /** The token endpoint answers 429 with this Retry-After (seconds), as CCP does after too many failed requests. */
  tokenRateLimit: { retryAfter: number } | null;
  /** The JWKS endpoint answers this status, or hangs this long (ms) before answering. */
  jwks: { status?: number; delayMs?: number } | null;
  /** Scopes CCP has retired: refreshing a grant that holds one is invalid_scope. */
  retiredScopes: Set<string>;
}

export class FakeSso {
  baseUrl = "";
  down = false;
  nextLogin: NextLogin = null;
  readonly faults: SsoFaults = { tokenRateLimit: null, jwks: null, retiredScopes: new Set() };
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(
    private readonly deps: {
      world: World;
      keys: SigningKeys;
      clock: () => number;
      clients: RegisteredClient[];
      issuer: string;
      rotateRefreshTokens: boolean;
      /** Lifetime of new refresh tokens (undefined: they never expire, as CCP documents). */
      refreshTokenLifetimeSeconds?: number;
    },
  ) {}

  async handle(req: FakeRequest): Promise<Reply> {
    const path = req.url.pathname;
    if (this.down) {
      return AUTHORIZE_PATHS.has(path)
        ? html(503, page("Service unavailable", "<p>The EVE SSO is down for maintenance.</p>"))
        : json(503, { error: "temporarily_unavailable", error_description: "The service is unavailable" });
    }
    if (path === "/.well-known/oauth-authorization-server") return json(200, this.metadata());
    if (path === "/oauth/jwks") return this.jwks();
    if (AUTHORIZE_PATHS.has(path)) {
      // Only GET: a HEAD probe must not consume the queued setNextLogin choice.
      if (req.method === "GET") return this.authorizeGet(req.url.searchParams);
      if (req.method === "POST") return this.authorizePost(path, new URLSearchParams(req.body));
      return html(405, page("Method not allowed", ""));
    }
    if (path === "/v2/oauth/token" && req.method === "POST") return this.token(req);
    if (path === "/v2/oauth/revoke" && req.method === "POST") return this.revoke(req);
    if (path === "/v2/oauth/verify" || path === "/oauth/verify") return this.verify(req);
    return json(404, { error: "not_found", error_description: `No route for ${req.method} ${path}` });
  }

  private async jwks(): Promise<Reply> {
    const fault = this.faults.jwks;
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status) return json(fault.status, { error: "jwks unavailable" });
    return json(200, this.deps.keys.jwks());
  }

  metadata() {
    const base = this.baseUrl;
    // "issuer" stays the value found in the tokens' iss claim (as on the real SSO); only the endpoints point here.
    return {
      issuer: this.deps.issuer,
      authorization_endpoint: `${base}/v2/oauth/authorize`,
      token_endpoint: `${base}/v2/oauth/token`,
      userinfo_endpoint: `${base}/v2/oauth/verify`,
      response_types_supported: ["code", "token"],
      jwks_uri: `${base}/oauth/jwks`,
      revocation_endpoint: `${base}/v2/oauth/revoke`,
      subject_types_supported: ["public"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "client_secret_jwt"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "client_secret_jwt"],
      id_token_signing_alg_values_supported: ["HS256"],
      token_endpoint_auth_signing_alg_values_supported: ["HS256"],
      code_challenge_methods_supported: ["S256"],
    };
  }

  // ---- authorize ---------------------------------------------------------------------------------------------------

  /** Errors never redirect: an unverified redirect_uri must not receive anything (open-redirect safety). */
  private parseAuthorize(params: URLSearchParams): AuthorizeRequest | Reply {
    const fail = (message: string) => html(400, page("Invalid request", `<p data-testid="authorize-error">${escapeHtml(message)}</p>`));
    const client = this.deps.clients.find((c) => c.clientId === params.get("client_id"));
    if (!client) return fail("Unknown or missing client_id.");
    const redirectUri = params.get("redirect_uri");
    if (redirectUri !== client.redirectUri) return fail("The redirect_uri does not match the callback URL registered for this application.");
    if (params.get("response_type") !== "code") return fail("response_type must be 'code'.");
    const state = params.get("state");
    if (!state) return fail("The state parameter is required.");
    const challenge = params.get("code_challenge");
    const method = params.get("code_challenge_method");
    if (challenge !== null || method !== null) {
      if (method !== "S256") return fail("code_challenge_method must be S256.");
      // base64url of a SHA-256 digest, without padding: exactly 43 characters.
      if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail("Invalid code_challenge.");
    }
    return { client, redirectUri, state, scopes: splitScopes(params.get("scope")), codeChallenge: challenge, params };
  }

  private authorizeGet(params: URLSearchParams): Reply {
    const request = this.parseAuthorize(params);
    if ("status" in request) return request;
    const choice = this.nextLogin;
    if (!choice) return this.playerPage(request, "/v2/oauth/authorize", null, 200);
    this.nextLogin = null;
    if ("deny" in choice) return this.redirectWithError(request);
    return this.redirectWithCode(request, choice.characterId, choice.scopes ?? request.scopes);
  }

  private authorizePost(path: string, form: URLSearchParams): Reply {
    const request = this.parseAuthorize(form);
    if ("status" in request) return request;
    if (form.get("action") === "cancel") return this.redirectWithError(request);
    if (form.get("action") === "transfer") return this.transferScenario(request, path, form);
    const characterId = Number(form.get("character"));
    if (!Number.isInteger(characterId) || !this.deps.world.characters.has(characterId)) {
      return this.playerPage(request, path, "Pick a character to log in with.", 400);
    }
    return this.redirectWithCode(request, characterId, request.scopes);
  }

  /**
   * Demo and end-to-end scenario: sell a character to another account (its owner hash changes), as a
   * player can in EVE. Shown on the player page; the world hook `transferCharacter` does the same.
   */
  private transferScenario(request: AuthorizeRequest, path: string, form: URLSearchParams): Reply {
    const characterId = Number(form.get("transfer_character"));
    const to = form.get("transfer_to") ?? "";
    const known = this.deps.world.listAccounts().some((a) => a.accountId === to);
    if (!Number.isInteger(characterId) || !this.deps.world.characters.has(characterId) || !known) {
      return this.playerPage(request, path, "Pick a character and the account that buys it.", 400);
    }
    this.deps.world.transferCharacter(characterId, to);
    return this.playerPage(request, path, null, 200, `Character ${characterId} now belongs to ${to}.`);
  }

  private redirectWithCode(request: AuthorizeRequest, characterId: number, scopes: string[]): Reply {
    const code = randomBytes(16).toString("base64url");
    this.codes.set(code, {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      characterId,
      scopes: [...scopes],
      codeChallenge: request.codeChallenge,
      expiresAt: this.deps.clock() + CODE_TTL_MS,
      used: false,
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set("code", code);
    target.searchParams.set("state", request.state);
    return redirect(target.toString());
  }

  private redirectWithError(request: AuthorizeRequest): Reply {
    const target = new URL(request.redirectUri);
    target.searchParams.set("error", "access_denied");
    target.searchParams.set("state", request.state);
    return redirect(target.toString());
  }

  private playerPage(request: AuthorizeRequest, action: string, error: string | null, status: number, notice: string | null = null): Reply {
    const hidden = [...request.params]
      .filter(([name]) => name !== "action" && name !== "character")
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join("\n");
    const accounts = this.deps.world.listAccounts();
    const accountList = accounts.length
      ? accounts
          .map(
            (a) => `<fieldset data-testid="account-${escapeHtml(a.accountId)}"><legend>${escapeHtml(a.label)}</legend>
${a.characters
  .map((c) => `<label><input type="radio" name="character" value="${c.id}" required data-testid="character-${c.id}"> ${escapeHtml(c.name)}</label><br>`)
  .join("\n")}
</fieldset>`,
          )
          .join("\n")
      : `<p data-testid="no-accounts">No accounts exist in this fake universe.</p>`;
    const scopes = request.scopes.length
      ? `<ul data-testid="scopes">${request.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>`
      : `<p data-testid="scopes">No scopes requested.</p>`;
    const body = `${error ? `<p data-testid="authorize-error" style="color:#c33">${escapeHtml(error)}</p>` : ""}
<p>Application <strong>${escapeHtml(request.client.clientId)}</strong> wants to log you in.</p>
<form method="post" action="${escapeHtml(action)}">
${hidden}
<h2>Choose a character</h2>
${accountList}
<h2>Requested scopes</h2>
${scopes}
<button type="submit" name="action" value="authorize" data-testid="authorize">Authorize</button>
<button type="submit" name="action" value="cancel" formnovalidate data-testid="cancel">Cancel</button>
</form>
<h2>Scenario: sell a character</h2>
${notice ? `<p data-testid="transfer-notice" style="color:#363">${escapeHtml(notice)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}">
${hidden}
<select name="transfer_character" data-testid="transfer-character">${accounts.flatMap((a) => a.characters).map((c) => `<option value="${c.id}">${escapeHtml(c.name)}</option>`).join("")}</select>
to
<select name="transfer_to" data-testid="transfer-to">${accounts.map((a) => `<option value="${escapeHtml(a.accountId)}">${escapeHtml(a.label)}</option>`).join("")}</select>
<button type="submit" name="action" value="transfer" formnovalidate data-testid="transfer">Transfer</button>
</form>`;
    return html(status, page("Log in to EVE Online (fake SSO)", body));
  }

  // ---- token -------------------------------------------------------------------------------------------------------

  /** client_secret_basic, client_secret_post, or a bare client_id (a public PKCE client). */
  private authenticate(req: FakeRequest, form: URLSearchParams): ClientAuth | Reply {
    const header = req.headers["authorization"];
    if (header) {
      const match = /^Basic\s+(\S+)$/i.exec(header);
      if (!match) return invalidClient("Unsupported Authorization header");
      const decoded = Buffer.from(match[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const id = colon >= 0 ? decoded.slice(0, colon) : decoded;
      const secret = colon >= 0 ? decoded.slice(colon + 1) : "";
      const client = this.deps.clients.find((c) => c.clientId === id);
      if (!client || !safeEqual(secret, client.clientSecret)) return invalidClient("Client authentication failed");
      return { client, confidential: true };
    }
    const client = this.deps.clients.find((c) => c.clientId === form.get("client_id"));
    if (!client) return invalidClient("Unknown client");
    const secret = form.get("client_secret");
    if (secret !== null) {
      if (!safeEqual(secret, client.clientSecret)) return invalidClient("Client authentication failed");
      return { client, confidential: true };
    }
    return { client, confidential: false };
  }

  private async token(req: FakeRequest): Promise<Reply> {
    // Like the real SSO (sso-issues #72): anything but a form body looks like a missing grant type.
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      return oauthError(400, "unsupported_grant_type", "Grant type None is not supported.");
    }
    if (this.faults.tokenRateLimit) {
      const retryAfter = String(this.faults.tokenRateLimit.retryAfter);
      return oauthError(429, "too_many_requests", "Too many failed token requests", { "retry-after": retryAfter });
    }
    const form = new URLSearchParams(req.body);
    const grantType = form.get("grant_type");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return oauthError(400, "unsupported_grant_type", `Grant type ${grantType ?? "None"} is not supported.`);
    }
    const auth = this.authenticate(req, form);
    if ("status" in auth) return auth;
    return grantType === "authorization_code" ? this.exchangeCode(auth, form) : this.refresh(auth, form);
  }

  private async exchangeCode({ client, confidential }: ClientAuth, form: URLSearchParams): Promise<Reply> {
    const code = form.get("code");
    if (!code) return oauthError(400, "invalid_request", "Missing code");
    const entry = this.codes.get(code);
    if (!entry || entry.used || this.deps.clock() > entry.expiresAt) {
      return oauthError(400, "invalid_grant", "Authorization code not found, already used or expired");
    }
    if (entry.clientId !== client.clientId) return oauthError(400, "invalid_grant", "Authorization code was issued to another client");
    const redirectUri = form.get("redirect_uri");
    if (redirectUri !== null && redirectUri !== entry.redirectUri) return oauthError(400, "invalid_grant", "redirect_uri mismatch");
    if (entry.codeChallenge) {
      const verifier = form.get("code_verifier");
      if (!verifier || !safeEqual(s256(verifier), entry.codeChallenge)) return oauthError(400, "invalid_grant", "Invalid code_verifier");
    } else if (!confidential) {
      return invalidClient("Client secret required (this authorization did not use PKCE)");
    }
    entry.used = true;
    const refreshToken = this.newRefreshToken({ clientId: client.clientId, characterId: entry.characterId, scopes: entry.scopes, publicClient: !confidential });
    return this.tokenResponse(entry.characterId, entry.scopes, client.clientId, refreshToken);
  }

  private async refresh({ client, confidential }: ClientAuth, form: URLSearchParams): Promise<Reply> {
    const token = form.get("refresh_token");
    if (!token) return oauthError(400, "invalid_request", "Missing refresh_token");
    const entry = this.refreshTokens.get(token);
    if (!entry) return oauthError(400, "invalid_grant", "Invalid refresh token. Token missing/expired.");
    // Another application's token (sso-issues #55), in the real SSO's wording.
    if (entry.clientId !== client.clientId) return oauthError(400, "invalid_token", "The refresh token does not match the client specified.");
    if (!confidential && !entry.publicClient) return invalidClient("Client secret required");
    if (entry.expiresAt !== undefined && this.deps.clock() >= entry.expiresAt) return oauthError(400, "invalid_token", "The refresh token is expired.");
    const retired = entry.scopes.filter((s) => this.faults.retiredScopes.has(s));
    if (retired.length) return oauthError(400, "invalid_scope", `The following scopes are not valid: ${retired.join(" ")}`);
    const requested = splitScopes(form.get("scope"));
    if (requested.some((s) => !entry.scopes.includes(s))) return oauthError(400, "invalid_scope", "Requested scopes exceed the granted scopes");
    let next = token;
    if (this.deps.rotateRefreshTokens) {
      this.refreshTokens.delete(token);
      next = this.newRefreshToken(entry);
    }
    // RFC 6749 §6: a narrower scope applies to the new access token only; the refresh token keeps its grant.
    return this.tokenResponse(entry.characterId, requested.length ? requested : entry.scopes, client.clientId, next);
  }

  private newRefreshToken(entry: RefreshToken): string {
    // Standard base64 (with + / =) like the real tokens, so clients that forget to form-encode them break here too.
    const token = randomBytes(18).toString("base64");
    const lifetime = this.deps.refreshTokenLifetimeSeconds;
    const expiresAt = entry.expiresAt ?? (lifetime === undefined ? undefined : this.deps.clock() + lifetime * 1000);
    this.refreshTokens.set(token, { ...entry, scopes: [...entry.scopes], expiresAt });
    return token;
  }

  private async tokenResponse(characterId: number, scopes: string[], clientId: string, refreshToken: string): Promise<Reply> {
    const accessToken = await this.issueAccessToken(characterId, scopes, clientId);
    return json(200, { access_token: accessToken, expires_in: EXPIRES_IN, token_type: "Bearer", refresh_token: refreshToken }, { "cache-control": "no-store", pragma: "no-cache" });
  }

  /** Claims in the order and shape of spec B.6; `owner` is the character's owner hash at the time of issue. */
  async issueAccessToken(characterId: number, scopes: string[], clientId: string): Promise<string> {
    const character = this.deps.world.requireCharacter(characterId);
    const iat = Math.floor(this.deps.clock() / 1000);
    const claims: JWTPayload = {};
    if (scopes.length === 1) claims.scp = scopes[0];
    else if (scopes.length > 1) claims.scp = [...scopes];
    Object.assign(claims, {
      jti: randomUUID(),
      kid: this.deps.keys.kid,
      sub: `CHARACTER:EVE:${character.id}`,
      azp: clientId,
      tenant: "tranquility",
      tier: "live",
      region: "world",
      aud: [clientId, "EVE Online"],
      name: character.name,
      owner: this.deps.world.ownerHash(character.id),
      exp: iat + ACCESS_TOKEN_LIFETIME_S,
      iat,
      iss: this.deps.issuer,
    });
    return this.deps.keys.sign(claims);
  }

  // ---- revoke / verify ---------------------------------------------------------------------------------------------

  private revoke(req: FakeRequest): Reply {
    const form = new URLSearchParams(req.body);
    const auth = this.authenticate(req, form);
    // RFC 7009: a bad client is still 401; the token itself never matters (unknown, foreign or already revoked → 200).
    if ("status" in auth) return auth;
    const token = form.get("token");
    if (token && this.refreshTokens.get(token)?.clientId === auth.client.clientId) this.refreshTokens.delete(token);
    return { status: 200, headers: { "cache-control": "no-store" } };
  }

  /** Every refresh token of the character expires now (invalid_token "The refresh token is expired."). */
  expireRefreshTokens(characterId: number): void {
    for (const entry of this.refreshTokens.values()) {
      if (entry.characterId === characterId) entry.expiresAt = this.deps.clock();
    }
  }

  revokeCharacterTokens(characterId: number): void {
    for (const [token, entry] of this.refreshTokens) {
      if (entry.characterId === characterId) this.refreshTokens.delete(token);
    }
  }

  private async verify(req: FakeRequest): Promise<Reply> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers["authorization"] ?? "");
    if (!match) return oauthError(401, "invalid_token", "Authorization header missing");
    const result = await this.deps.keys.verify(match[1], this.deps.clock());
    if (!result.ok) return oauthError(401, "invalid_token", result.reason === "expired" ? "The token has expired" : "The token is invalid");
    const p = result.payload;
    const scp = p.scp === undefined ? [] : Array.isArray(p.scp) ? p.scp : [p.scp];
    return json(200, {
      CharacterID: Number(String(p.sub).split(":").pop()),
      CharacterName: p.name,
      ExpiresOn: new Date((p.exp ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, ""),
      Scopes: scp.join(" "),
      TokenType: "Character",
      CharacterOwnerHash: p.owner,
      IntellectualProperty: "EVE",
    });
  }
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;background:#111;color:#ddd}fieldset{margin:.5rem 0}button{margin-right:.5rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}
