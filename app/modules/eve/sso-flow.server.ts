/**
 * The EVE SSO round trip with remix-auth-oauth2: `state` + PKCE (S256) kept by the strategy in a
 * cookie, plus our own record of each state (purpose, return path, user), single use and valid for
 * ten minutes, so a replayed or forged callback is refused before any code is exchanged.
 */
import type { OAuth2Tokens } from "arctic";
import type { Kysely } from "kysely";
import { OAuth2RequestError, OAuth2Strategy } from "remix-auth-oauth2";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { sha256 } from "../auth/crypto.server";
import { basicAuth, type EveTokenClaims, getSsoMetadata, JwtVerificationError, ssoFetch, SsoUnavailableError, verifyAccessToken } from "./sso.server";

/** `add_token`: a token with extra scopes for an app (the original's `token_required`); it joins the account as `add_character` does. */
export type SsoPurpose = "login" | "add_character" | "change_main" | "add_token";
const STATE_TTL_MS = 10 * 60_000;

/** Why a callback is refused; each code has an i18n message (errors.reason.sso_<code>). */
export class SsoFlowError extends Error {
  constructor(
    public readonly code: "missing_state" | "unknown_state" | "state_mismatch" | "denied" | "code_rejected" | "unavailable" | "jwt_signature" | "jwt_issuer" | "jwt_audience" | "jwt_expired" | "jwt_claims",
    detail = "",
    /** The round trip this was (known once the state is), so a cancelled one can go back where it started. */
    public readonly flow: { purpose: SsoPurpose; next: string } | null = null,
  ) {
    super(`SSO callback refused: ${code}${detail ? ` (${detail})` : ""}`);
  }
}

type Issued = { accessToken: string; refreshToken: string | null };

/** The strategy with our own code exchange, so that it carries our User-Agent like every other SSO call. */
class EveSsoStrategy extends OAuth2Strategy<Issued> {
  constructor(
    options: OAuth2Strategy.ConstructorOptions,
    verify: (options: OAuth2Strategy.VerifyOptions) => Promise<Issued>,
    private readonly settings: Settings,
    private readonly tokenEndpoint: string,
  ) {
    super(options, verify);
  }

  protected override async validateAuthorizationCode(code: string, codeVerifier: string): Promise<OAuth2Tokens> {
    const { status, text } = await ssoFetch(this.settings, this.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(this.settings), accept: "application/json" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: codeVerifier, redirect_uri: this.settings.ESI_SSO_CALLBACK_URL }).toString(),
    });
    let body: { access_token?: string; refresh_token?: string; error?: string; error_description?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {}
    if (status === 200 && body.access_token) {
      const { access_token: access, refresh_token: refresh } = body;
      return { data: body, accessToken: () => access, hasRefreshToken: () => Boolean(refresh), refreshToken: () => refresh } as unknown as OAuth2Tokens;
    }
    if (status < 500 && status !== 429 && body.error) throw new OAuth2RequestError(body.error, body.error_description ?? null, null, null);
    throw new SsoUnavailableError(`EVE SSO token endpoint answered ${status}`);
  }
}

async function strategy(settings: Settings, scopes: string[]) {
  const metadata = await getSsoMetadata(settings);
  return new EveSsoStrategy(
    {
      clientId: settings.ESI_SSO_CLIENT_ID,
      clientSecret: settings.ESI_SSO_CLIENT_SECRET,
      authorizationEndpoint: metadata.authorization_endpoint,
      tokenEndpoint: metadata.token_endpoint,
      tokenRevocationEndpoint: metadata.revocation_endpoint,
      redirectURI: settings.ESI_SSO_CALLBACK_URL,
      scopes,
      cookie: { name: "aa_oauth", path: "/sso", httpOnly: true, sameSite: "Lax", maxAge: STATE_TTL_MS / 1000, ...(settings.secureCookies ? { secure: true as const } : {}) },
    },
    async ({ tokens }) => ({ accessToken: tokens.accessToken(), refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : null }),
    settings,
    metadata.token_endpoint,
  );
}

export function loginScopes(settings: Settings) {
  return settings.LOGIN_TOKEN_SCOPES.split(/\s+/).filter(Boolean);
}

/** Starts the round trip: the redirect to EVE SSO (with the strategy's state cookie). */
export async function startSso(db: Kysely<DB>, settings: Settings, request: Request, flow: { purpose: SsoPurpose; next: string; userId: number | null; scopes?: string[] }): Promise<Response> {
  let redirect: Response;
  try {
    await (await strategy(settings, flow.scopes ?? loginScopes(settings))).authenticate(new Request(new URL("/sso/login", request.url), { headers: request.headers }));
    throw new Error("the OAuth2 strategy did not redirect");
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    redirect = thrown;
  }
  const state = new URL(redirect.headers.get("Location")!).searchParams.get("state")!;
  const now = new Date();
  await db.deleteFrom("sso_states").where("expires_at", "<", now).execute();
  await db
    .insertInto("sso_states")
    .values({ state_hash: sha256(state), purpose: flow.purpose, next_path: flow.next.slice(0, 500), user_id: flow.userId, created_at: now, expires_at: new Date(now.getTime() + STATE_TTL_MS) })
    .execute();
  return redirect;
}

export interface CompletedSso {
  purpose: SsoPurpose;
  next: string;
  userId: number | null;
  tokens: { accessToken: string; refreshToken: string | null };
  claims: EveTokenClaims;
}

/** Checks and consumes the state, exchanges the code (with the PKCE verifier) and verifies the JWT. */
export async function finishSso(db: Kysely<DB>, settings: Settings, request: Request): Promise<CompletedSso> {
  const url = new URL(request.url);
  const state = url.searchParams.get("state");
  if (!state) throw new SsoFlowError("missing_state");
  // Consume the state first: whatever happens next, it cannot be used again.
  const row = await db.selectFrom("sso_states").selectAll().where("state_hash", "=", sha256(state)).executeTakeFirst();
  const deleted = await db.deleteFrom("sso_states").where("state_hash", "=", sha256(state)).executeTakeFirst();
  if (!row || Number(deleted.numDeletedRows) !== 1 || row.expires_at <= new Date()) throw new SsoFlowError("unknown_state");
  if (url.searchParams.get("error")) throw new SsoFlowError("denied", url.searchParams.get("error") ?? "", { purpose: row.purpose as SsoPurpose, next: row.next_path });
  let tokens;
  try {
    tokens = await (await strategy(settings, loginScopes(settings))).authenticate(request);
  } catch (error) {
    if (error instanceof OAuth2RequestError) throw new SsoFlowError("code_rejected", error.code);
    if (error instanceof RangeError || error instanceof ReferenceError) throw new SsoFlowError("state_mismatch", error.message);
    if (error instanceof SsoUnavailableError) throw new SsoFlowError("unavailable", error.message);
    const cause = (error as { cause?: { message?: string; cause?: { message?: string } } }).cause;
    const message = [(error as Error).message, cause?.message, cause?.cause?.message].filter(Boolean).join(": ");
    if (/fetch failed|ECONNREFUSED|timeout|Unexpected/i.test(message)) throw new SsoFlowError("unavailable", message);
    throw new SsoFlowError("code_rejected", message);
  }
  let claims: EveTokenClaims;
  try {
    claims = await verifyAccessToken(settings, tokens.accessToken);
  } catch (error) {
    if (error instanceof JwtVerificationError) throw new SsoFlowError(`jwt_${error.reason}`);
    throw new SsoFlowError("unavailable", (error as Error).message);
  }
  return { purpose: row.purpose as SsoPurpose, next: row.next_path, userId: row.user_id, tokens, claims };
}
