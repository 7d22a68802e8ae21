/**
 * A deliberately broken SSO for negative tests: it completes the code exchange but hands out a JWT
 * that is wrong in one chosen way (signature, issuer, audience, expiry), so the site must refuse it.
 */
import http from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export type RogueMode = "bad-signature" | "bad-issuer" | "bad-audience" | "expired";

export async function startRogueSso(clientId: string) {
  const good = await generateKeyPair("RS256", { extractable: true });
  const other = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(good.publicKey)), kid: "JWT-Signature-Key", alg: "RS256", use: "sig" };
  let mode: RogueMode = "bad-signature";
  let base = "";

  async function token() {
    const now = Math.floor(Date.now() / 1000);
    const claims = { scp: "publicData", sub: "CHARACTER:EVE:90000001", name: "Aria Solenne", owner: "rogueOwnerHash0000000000000=", azp: clientId };
    const key = mode === "bad-signature" ? other.privateKey : good.privateKey;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "JWT-Signature-Key", typ: "JWT" })
      .setIssuer(mode === "bad-issuer" ? "https://login.evil.example" : "https://login.eveonline.com")
      .setAudience(mode === "bad-audience" ? ["someone-else", "EVE Online"] : [clientId, "EVE Online"])
      .setIssuedAt(mode === "expired" ? now - 3600 : now)
      .setExpirationTime(mode === "expired" ? now - 2400 : now + 1200)
      .sign(key);
  }

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? "/", base).pathname;
    if (path === "/.well-known/oauth-authorization-server") {
      return send(200, { issuer: "https://login.eveonline.com", authorization_endpoint: `${base}/v2/oauth/authorize`, token_endpoint: `${base}/v2/oauth/token`, jwks_uri: `${base}/oauth/jwks`, revocation_endpoint: `${base}/v2/oauth/revoke` });
    }
    if (path === "/oauth/jwks") return send(200, { keys: [jwk] });
    if (path === "/v2/oauth/token") {
      for await (const _ of req);
      return send(200, { access_token: await token(), expires_in: 1199, token_type: "Bearer", refresh_token: "rogue-refresh" });
    }
    send(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: base,
    setMode(next: RogueMode) {
      mode = next;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
