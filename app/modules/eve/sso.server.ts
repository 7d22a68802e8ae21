/**
 * EVE SSO v2: metadata discovery, access-token (JWT) verification, refresh and revoke.
 * Knows the protocol only; what a login means is in ownership.server.ts.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import { request } from "../ops/undici.server";
import type { Settings } from "~/config.server";
import { eveUserAgent } from "./esi-client.server";

export type SsoSettings = Pick<Settings, "ESI_SSO_BASE_URL" | "ESI_SSO_CLIENT_ID" | "ESI_SSO_CLIENT_SECRET" | "ESI_TIMEOUT_SECONDS"> & Partial<Pick<Settings, "ESI_USER_CONTACT_EMAIL">>;

export interface SsoMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  revocation_endpoint: string;
}

/** SSO is down or answered with a server error: retry later, never delete anything because of it. */
export class SsoUnavailableError extends Error {}
/** The token endpoint answered 429: nothing more before `retryAt`. */
export class SsoRateLimitedError extends SsoUnavailableError {
  constructor(public readonly retryAt: Date) {
    super(`EVE SSO rate-limits our token requests until ${retryAt.toISOString()}`);
  }
}
/** The refresh token is gone (revoked or rotated away): drop the token, and the ownership when it was the last. */
export class TokenInvalidError extends Error {}
/**
 * The SSO refuses this refresh token for good for another reason than its owner (expired, a
 * retired scope, another application's token): drop the token and tell the owner, keep the ownership.
 */
export class TokenRefusedError extends TokenInvalidError {}
/** The refreshed token names another owner hash: the character was sold. */
export class OwnerChangedError extends TokenInvalidError {}
/** Our client id or secret is wrong. */
export class SsoConfigError extends Error {}
/** The JWT failed verification. `reason` is an i18n key suffix. */
export class JwtVerificationError extends Error {
  constructor(public readonly reason: "signature" | "issuer" | "audience" | "expired" | "claims") {
    super(`EVE access token rejected: ${reason}`);
  }
}

/** Tokens carry the first (older ones the bare host); CCP's own prose writes the slash form. */
export const ACCEPTED_ISSUERS = ["https://login.eveonline.com", "login.eveonline.com", "https://login.eveonline.com/"];
const METADATA_TTL_MS = 5 * 60_000;

const metadataCache = new Map<string, { value: SsoMetadata; until: number }>();
const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function ssoFetch(settings: SsoSettings, url: string, init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string } = {}) {
  try {
    const response = await request(url, {
      method: init.method ?? "GET",
      headers: { "user-agent": eveUserAgent(settings), ...init.headers },
      body: init.body,
      headersTimeout: settings.ESI_TIMEOUT_SECONDS * 1000,
      bodyTimeout: settings.ESI_TIMEOUT_SECONDS * 1000,
    });
    const text = await response.body.text();
    return { status: response.statusCode, text, headers: response.headers };
  } catch (error) {
    throw new SsoUnavailableError(`EVE SSO unreachable: ${(error as Error).message}`);
  }
}

export async function getSsoMetadata(settings: SsoSettings): Promise<SsoMetadata> {
  const base = settings.ESI_SSO_BASE_URL.replace(/\/+$/, "");
  const cached = metadataCache.get(base);
  if (cached && cached.until > Date.now()) return cached.value;
  const { status, text } = await ssoFetch(settings, `${base}/.well-known/oauth-authorization-server`);
  if (status !== 200) throw new SsoUnavailableError(`EVE SSO metadata answered ${status}`);
  const value = JSON.parse(text) as SsoMetadata;
  metadataCache.set(base, { value, until: Date.now() + METADATA_TTL_MS });
  return value;
}

export interface EveTokenClaims {
  characterId: number;
  characterName: string;
  ownerHash: string;
  scopes: string[];
  expiresAt: Date;
}

/** `scp` is a string for one scope, an array for several, absent for none. */
export function normaliseScopes(scp: unknown): string[] {
  if (typeof scp === "string") return [scp];
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === "string");
  return [];
}

/** Verifies an EVE access token against the published keys (refetched on an unknown key id). */
export async function verifyAccessToken(settings: SsoSettings, token: string): Promise<EveTokenClaims> {
  const metadata = await getSsoMetadata(settings);
  let jwks = jwksCache.get(metadata.jwks_uri);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(metadata.jwks_uri), {
      timeoutDuration: settings.ESI_TIMEOUT_SECONDS * 1000,
      cooldownDuration: 30_000,
      cacheMaxAge: 3_600_000,
      headers: { "user-agent": eveUserAgent(settings) },
    });
    jwksCache.set(metadata.jwks_uri, jwks);
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(token, jwks, { issuer: ACCEPTED_ISSUERS, audience: "EVE Online", algorithms: ["RS256", "ES256"], clockTolerance: 5 }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new JwtVerificationError("expired");
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw new JwtVerificationError(error.claim === "iss" ? "issuer" : error.claim === "aud" ? "audience" : "claims");
    // The key set could not be fetched (timeout, non-200, garbage): an outage, not a forged token.
    if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || (error instanceof joseErrors.JOSEError && error.code === "ERR_JOSE_GENERIC")) {
      throw new SsoUnavailableError(`EVE SSO key set unavailable: ${error.message}`);
    }
    if (error instanceof joseErrors.JOSEError) throw new JwtVerificationError("signature");
    throw new SsoUnavailableError(`could not verify the EVE token: ${(error as Error).message}`);
  }
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audience.includes(settings.ESI_SSO_CLIENT_ID)) throw new JwtVerificationError("audience");
  const match = /^CHARACTER:EVE:(\d+)$/.exec(String(payload.sub ?? ""));
  const owner = payload.owner;
  const name = payload.name;
  if (!match || typeof owner !== "string" || typeof name !== "string" || !payload.exp) throw new JwtVerificationError("claims");
  return { characterId: Number(match[1]), characterName: name, ownerHash: owner, scopes: normaliseScopes(payload.scp), expiresAt: new Date(payload.exp * 1000) };
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string | null;
}

export function basicAuth(settings: SsoSettings) {
  return `Basic ${Buffer.from(`${settings.ESI_SSO_CLIENT_ID}:${settings.ESI_SSO_CLIENT_SECRET}`).toString("base64")}`;
}

/** Exchanges a refresh token. Store the returned refresh token: EVE may rotate it. */
export async function refreshAccessToken(settings: SsoSettings, refreshToken: string): Promise<TokenResponse> {
  const metadata = await getSsoMetadata(settings);
  const { status, text, headers } = await ssoFetch(settings, metadata.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(settings) },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
  });
  let body: { access_token?: string; refresh_token?: string; error?: string; error_description?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {}
  if (status === 200 && body.access_token) return { accessToken: body.access_token, refreshToken: body.refresh_token ?? refreshToken };
  throw refreshError(status, body, headers["retry-after"]);
}

/**
 * What a refused refresh means. `invalid_grant` (and the old SSO's `invalid_token` for a revoked
 * token): gone. An expired token, another application's token, a retired scope or any other
 * OAuth refusal: final for this token only. `invalid_client`: our configuration. 429: Retry-After.
 */
function refreshError(status: number, body: { error?: string; error_description?: string }, retryAfter: string | string[] | undefined): Error {
  const reason = `${body.error}${body.error_description ? `: ${body.error_description}` : ""}`;
  if (status === 429) {
    const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return new SsoRateLimitedError(new Date(Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000));
  }
  if (body.error === "invalid_client" || status === 401) return new SsoConfigError("EVE SSO refused our client id or secret (ESI_SSO_CLIENT_ID / ESI_SSO_CLIENT_SECRET)");
  if (body.error === "invalid_grant") return new TokenInvalidError(`refresh refused: ${reason}`);
  if (body.error === "invalid_token" && !/expired|does not match/i.test(body.error_description ?? "")) return new TokenInvalidError(`refresh refused: ${reason}`);
  if (status >= 400 && status < 500 && body.error) return new TokenRefusedError(`refresh refused: ${reason}`);
  return new SsoUnavailableError(`EVE SSO token endpoint answered ${status}`);
}

/** Revokes a refresh token at the SSO (always 200 there). Errors are swallowed: the row is gone anyway. */
export async function revokeRefreshToken(settings: SsoSettings, refreshToken: string) {
  try {
    const metadata = await getSsoMetadata(settings);
    await ssoFetch(settings, metadata.revocation_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(settings) },
      body: new URLSearchParams({ token_type_hint: "refresh_token", token: refreshToken }).toString(),
    });
  } catch {}
}

/** Forget cached metadata and keys (tests, and after a configuration change). */
export function resetSsoCaches() {
  metadataCache.clear();
  jwksCache.clear();
}
