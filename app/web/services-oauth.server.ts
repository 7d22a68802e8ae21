/**
 * The browser leg of an OAuth activation (remix-auth-oauth2): the redirect with a random state
 * held in a short-lived cookie named after the service, the state check on return, and the
 * code exchange. Our code only sees the access token.
 */
import { OAuth2Strategy } from "remix-auth-oauth2";
import type { Settings } from "~/config.server";
import type { Connector } from "../modules/services/contract";

export const oauthCookieName = (connector: Connector) => `aa_svc_${connector.meta.id}`;

export function oauthStrategy(connector: Connector, settings: Settings) {
  if (connector.activation.kind !== "oauth") throw new Error(`${connector.meta.id} does not activate by OAuth`);
  const c = connector.activation.oauth(settings);
  return new OAuth2Strategy<string>(
    {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      authorizationEndpoint: c.authorizationEndpoint,
      tokenEndpoint: c.tokenEndpoint,
      redirectURI: c.redirectURI,
      scopes: c.scopes,
      cookie: { name: oauthCookieName(connector), path: "/", httpOnly: true, sameSite: "Lax", ...(settings.secureCookies ? { secure: true as const } : {}), maxAge: 600 },
    },
    async ({ tokens }) => tokens.accessToken(),
  );
}

/** Set-Cookie that drops the state cookie (a state is good for one return only). */
export function clearOAuthCookie(connector: Connector, settings: Settings) {
  return `${oauthCookieName(connector)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${settings.secureCookies ? "; Secure" : ""}`;
}
