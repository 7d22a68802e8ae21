/**
 * Discord OAuth2: the member's authorize URL (scopes `identify guilds.join`), the code exchange, the
 * refresh (single-use rotating refresh tokens: always keep the new one), revocation, the bot invite
 * URL for "link Discord server", and a remix-auth-oauth2 strategy for the route that runs the round trip.
 * Token-endpoint bodies are form-encoded (Discord rejects JSON); client auth is HTTP Basic.
 */
import { OAuth2Strategy } from "remix-auth-oauth2";
import { request } from "../../modules/ops/undici.server";
import { APP_VERSION } from "../../modules/ops/version.server";
import { DiscordOAuthError, DiscordUnavailableError } from "./errors.server";

/** AA's defaults (its DISCORD_OAUTH_BASE_URL and DISCORD_OAUTH_TOKEN_URL settings). */
export const DISCORD_AUTHORIZE_URL = "https://discord.com/api/oauth2/authorize";
export const DISCORD_TOKEN_URL = "https://discord.com/api/oauth2/token";
export const DISCORD_MEMBER_SCOPES = ["identify", "guilds.join"] as const;

/** What "link Discord server" asks for: CREATE_INSTANT_INVITE | KICK_MEMBERS | MANAGE_NICKNAMES | MANAGE_ROLES. */
export const DISCORD_BOT_PERMISSIONS = (1n << 0n) | (1n << 1n) | (1n << 27n) | (1n << 28n);

export interface DiscordOAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  timeoutMs?: number;
  siteUrl?: string;
}

export interface DiscordTokens {
  accessToken: string;
  /** The new refresh token: the one sent to refresh is dead from now on. */
  refreshToken: string;
  expiresAt: Date;
  scopes: string[];
}

/** The member's authorize URL: `state` must be random and checked on the callback. */
export function discordAuthorizeUrl(config: DiscordOAuthConfig, options: { state: string; scopes?: readonly string[]; prompt?: "consent" | "none"; codeChallenge?: string }): string {
  const url = new URL(config.authorizeUrl ?? DISCORD_AUTHORIZE_URL);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("scope", (options.scopes ?? DISCORD_MEMBER_SCOPES).join(" "));
  url.searchParams.set("redirect_uri", config.redirectUri);
  url.searchParams.set("state", options.state);
  if (options.prompt) url.searchParams.set("prompt", options.prompt);
  if (options.codeChallenge) {
    url.searchParams.set("code_challenge", options.codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url.toString();
}

/** "Link Discord server": adds the bot to a guild (scope bot, no redirect needed). */
export function discordBotInviteUrl(options: { clientId: string; guildId?: string; permissions?: bigint; authorizeUrl?: string }): string {
  const url = new URL(options.authorizeUrl ?? DISCORD_AUTHORIZE_URL);
  url.searchParams.set("client_id", options.clientId);
  url.searchParams.set("scope", "bot");
  url.searchParams.set("permissions", (options.permissions ?? DISCORD_BOT_PERMISSIONS).toString());
  if (options.guildId) {
    url.searchParams.set("guild_id", options.guildId);
    url.searchParams.set("disable_guild_select", "true");
  }
  return url.toString();
}

async function tokenCall(config: DiscordOAuthConfig, path: "" | "/revoke", form: Record<string, string>) {
  const url = `${(config.tokenUrl ?? DISCORD_TOKEN_URL).replace(/\/+$/, "")}${path}`;
  const basic = Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString("base64");
  const timeout = config.timeoutMs ?? 30_000;
  let status: number;
  let text: string;
  try {
    const response = await request(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        "user-agent": `DiscordBot (${config.siteUrl || "https://github.com/allianceauth-ts"}, ${APP_VERSION})`,
      },
      body: new URLSearchParams(form).toString(),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new DiscordUnavailableError("unreachable", `Discord OAuth2 unreachable: ${(error as Error).message}`);
  }
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // non-JSON (Cloudflare, proxies): handled below
  }
  if (status >= 500 || status === 429) throw new DiscordUnavailableError(status === 429 ? "rate_limited" : "unreachable", `Discord OAuth2 answered ${status}`);
  if (status >= 400) throw new DiscordOAuthError(status, String(body.error ?? "invalid_request"), typeof body.error_description === "string" ? body.error_description : null);
  return body;
}

function toTokens(body: Record<string, unknown>, now: number): DiscordTokens {
  if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string") throw new DiscordOAuthError(200, "invalid_response", "no access_token or refresh_token");
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 604800;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(now + expiresIn * 1000),
    scopes: typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : [],
  };
}

/** Exchanges the callback's code (single use, about 100 s) with the same redirect URI. */
export async function exchangeDiscordCode(config: DiscordOAuthConfig, code: string, options: { codeVerifier?: string } = {}): Promise<DiscordTokens> {
  const form: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: config.redirectUri };
  if (options.codeVerifier) form.code_verifier = options.codeVerifier;
  return toTokens(await tokenCall(config, "", form), Date.now());
}

/** Refreshes; store the returned refresh token at once (the old one now answers invalid_grant). */
export async function refreshDiscordToken(config: DiscordOAuthConfig, refreshToken: string): Promise<DiscordTokens> {
  return toTokens(await tokenCall(config, "", { grant_type: "refresh_token", refresh_token: refreshToken }), Date.now());
}

/** Revokes every token of the authorization the token belongs to. */
export async function revokeDiscordToken(config: DiscordOAuthConfig, token: string): Promise<void> {
  await tokenCall(config, "/revoke", { token });
}

/**
 * A remix-auth-oauth2 strategy for the member's round trip (state and PKCE kept in a cookie by the
 * strategy). `verify` gets the tokens; call DiscordClient.getCurrentUser with the access token there.
 */
export function createDiscordStrategy<User>(
  config: DiscordOAuthConfig & { cookie?: { name: string; path?: string; secure?: boolean } },
  verify: (tokens: DiscordTokens) => Promise<User>,
): OAuth2Strategy<User> {
  return new OAuth2Strategy<User>(
    {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authorizationEndpoint: config.authorizeUrl ?? DISCORD_AUTHORIZE_URL,
      tokenEndpoint: config.tokenUrl ?? DISCORD_TOKEN_URL,
      tokenRevocationEndpoint: `${(config.tokenUrl ?? DISCORD_TOKEN_URL).replace(/\/+$/, "")}/revoke`,
      redirectURI: config.redirectUri,
      scopes: [...DISCORD_MEMBER_SCOPES],
      cookie: { name: config.cookie?.name ?? "aa_discord_oauth", path: config.cookie?.path ?? "/", httpOnly: true, sameSite: "Lax", maxAge: 600, ...(config.cookie?.secure ? { secure: true as const } : {}) },
    },
    async ({ tokens }) =>
      verify({
        accessToken: tokens.accessToken(),
        refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : "",
        expiresAt: tokens.accessTokenExpiresAt(),
        scopes: tokens.hasScopes() ? tokens.scopes() : [],
      }),
  );
}
