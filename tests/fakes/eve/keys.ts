/**
 * Signing keys and JWTs of the fake SSO. Like the real one it signs with one RS256 key (kid "JWT-Signature-Key")
 * and publishes an ES256 key next to it that signs nothing, so clients that pick "the first key" or ignore `alg`
 * are caught. Rotation publishes a new RS256 kid and drops the old one.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { createLocalJWKSet, errors, jwtVerify, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload } from "jose";

export const INITIAL_KID = "JWT-Signature-Key";
/** The issuer spellings: in tokens (current, older bare host) and in CCP's prose (with a slash). */
export const ISSUERS = ["https://login.eveonline.com", "login.eveonline.com", "https://login.eveonline.com/"];

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

function rsaKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  return { kid, privateKey, publicJwk: { alg: "RS256", e: jwk.e, kid, kty: "RSA", n: jwk.n, use: "sig" } };
}

function ecDecoyJwk(): JWK {
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  return { alg: "ES256", crv: "P-256", kid: randomUUID(), kty: "EC", use: "sig", x: jwk.x, y: jwk.y };
}

export type VerifyResult = { ok: true; payload: JWTPayload } | { ok: false; reason: "expired" | "invalid" };

export class SigningKeys {
  private current: SigningKey = rsaKey(INITIAL_KID);
  private readonly decoy = ecDecoyJwk();
  private rotations = 0;

  get kid(): string {
    return this.current.kid;
  }

  /** The document served at /oauth/jwks, including the real one's odd top-level flag. */
  jwks(): JSONWebKeySet & { SkipUnresolvedJsonWebKeys: true } {
    return { keys: [this.current.publicJwk, this.decoy], SkipUnresolvedJsonWebKeys: true };
  }

  rotate(): void {
    this.rotations += 1;
    this.current = rsaKey(`${INITIAL_KID}-${this.rotations}-${randomUUID().slice(0, 8)}`);
  }

  /** Signs the claims as given: the caller sets iat/exp from the fake clock, so jose must not add its own. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: this.current.kid, typ: "JWT" }).sign(this.current.privateKey);
  }

  /** Verifies a token the way ESI does: current keys only, either issuer spelling, "EVE Online" audience, fake clock. */
  async verify(token: string, nowMs: number): Promise<VerifyResult> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks()), {
        algorithms: ["RS256"],
        issuer: ISSUERS,
        audience: "EVE Online",
        currentDate: new Date(nowMs),
      });
      return { ok: true, payload };
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
    }
  }
}
