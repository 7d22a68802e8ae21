/** Test helpers for EVE: a fake EVE wired into a runtime, and real SSO round trips against it. */
import { createHash, randomBytes } from "node:crypto";
import { resetSsoCaches, verifyAccessToken } from "~/modules/eve/sso.server";
import type { CompletedSso, SsoPurpose } from "~/modules/eve/sso-flow.server";
import { type FakeEve, seedDemoWorld, startFakeEve } from "../fakes/eve/index";
import type { TestRuntime } from "./db";

export const CLIENT = { clientId: "test-client", clientSecret: "test-secret-0123456789", redirectUri: "http://127.0.0.1:9/sso/callback" };

/** Starts a seeded fake EVE and points the runtime's settings at it. */
export async function attachFakeEve(rt: TestRuntime, redirectUri = CLIENT.redirectUri): Promise<FakeEve> {
  const fake = await startFakeEve({ clients: [{ ...CLIENT, redirectUri }] });
  seedDemoWorld(fake);
  Object.assign(rt.settings, {
    ESI_SSO_CLIENT_ID: CLIENT.clientId,
    ESI_SSO_CLIENT_SECRET: CLIENT.clientSecret,
    ESI_SSO_BASE_URL: fake.ssoUrl,
    ESI_API_URL: `${fake.esiUrl}/`,
    ESI_SSO_CALLBACK_URL: redirectUri,
    demoMode: false,
  });
  resetSsoCaches();
  return fake;
}

/** A full authorization-code + PKCE round trip at the fake, as the player picking `characterId`. */
export async function obtainTokens(fake: FakeEve, characterId: number, scopes = ["publicData"], redirectUri = CLIENT.redirectUri, client: { clientId: string; clientSecret: string } = CLIENT) {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  fake.setNextLogin({ characterId, scopes });
  const authorize = new URL(`${fake.ssoUrl}/v2/oauth/authorize`);
  authorize.search = new URLSearchParams({ response_type: "code", client_id: client.clientId, redirect_uri: redirectUri, scope: scopes.join(" "), state: "s", code_challenge: challenge, code_challenge_method: "S256" }).toString();
  const redirect = await fetch(authorize, { redirect: "manual" });
  const code = new URL(redirect.headers.get("location")!).searchParams.get("code")!;
  const response = await fetch(`${fake.ssoUrl}/v2/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier }).toString(),
  });
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** What finishSso hands to the domain after a successful callback. */
export async function completedSso(rt: TestRuntime, fake: FakeEve, characterId: number, purpose: SsoPurpose = "login", userId: number | null = null, scopes = ["publicData"]): Promise<CompletedSso> {
  const tokens = await obtainTokens(fake, characterId, scopes);
  const claims = await verifyAccessToken(rt.settings, tokens.accessToken);
  return { purpose, next: "/dashboard", userId, tokens, claims };
}

/** An empty identity world (users, characters and their entities, tokens, ownerships, caches, SSO pacing) for the next test. */
export async function clearEveWorld(rt: TestRuntime) {
  for (const table of ["esi_tokens", "ownership_records", "character_ownerships", "sessions", "audit_log", "audit_log_users", "job_outbox", "notifications", "esi_cache", "esi_error_budget", "eve_sso_throttle"] as const) {
    await rt.db.deleteFrom(table).execute();
  }
  await rt.db.updateTable("users").set({ main_character_id: null }).execute();
  await rt.db.deleteFrom("users").execute();
  for (const table of ["eve_characters", "eve_corporations", "eve_alliances"] as const) await rt.db.deleteFrom(table).execute();
}
