/**
 * Secrets at rest (EVE and Discord refresh tokens, recoverable service passwords): AES-256-GCM under a
 * key derived from SECRET_KEY. Each value names its key id, so SECRET_KEY can rotate: old keys from
 * SECRET_KEY_FALLBACKS still decrypt until `core.reencrypt_secrets` has rewritten the rows.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Settings } from "~/config.server";
import { deriveKey } from "./crypto.server";

interface Key {
  id: string;
  key: Buffer;
}

function keyFrom(secret: string): Key {
  const key = Buffer.from(deriveKey(secret, "secrets-at-rest"), "base64url");
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
}

export class SecretBox {
  readonly current: Key;
  private readonly byId: Map<string, Key>;

  constructor(secret: string, fallbacks: string[] = []) {
    this.current = keyFrom(secret);
    this.byId = new Map([this.current, ...fallbacks.map(keyFrom)].map((k) => [k.id, k]));
  }

  static fromSettings(settings: Pick<Settings, "SECRET_KEY" | "SECRET_KEY_FALLBACKS">) {
    return new SecretBox(
      settings.SECRET_KEY,
      settings.SECRET_KEY_FALLBACKS.split(",").map((s) => s.trim()).filter(Boolean),
    );
  }

  get keyId() {
    return this.current.id;
  }

  /** `v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url parts. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", this.current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split(".");
    if (version !== "v1" || !keyId || !iv || !tag || ciphertext === undefined) throw new Error("not an encrypted value");
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`no key ${keyId} to decrypt with (was SECRET_KEY changed without SECRET_KEY_FALLBACKS?)`);
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  }

  /** The key id a sealed value was written with. */
  static keyIdOf(sealed: string) {
    return sealed.split(".")[1] ?? "";
  }
}
