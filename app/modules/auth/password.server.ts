/** Argon2id password hashing (OWASP parameters: 19 MiB, 2 iterations, 1 lane). */
import { hash, verify } from "@node-rs/argon2";
import { isDjangoHash, verifyDjangoHash } from "../import/django-hashers.server";

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  // Without a hash we still spend the same work, so timing does not reveal which accounts exist.
  if (!passwordHash) {
    await verify(DUMMY_HASH, password).catch(() => false);
    return false;
  }
  // Hashes imported from Alliance Auth (Django) until the next login rehashes them (needsRehash).
  if (isDjangoHash(passwordHash)) return verifyDjangoHash(passwordHash, password);
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A stored hash that is not ours (imported from Django): replace it after a successful login. */
export function needsRehash(passwordHash: string | null): boolean {
  return passwordHash !== null && isDjangoHash(passwordHash);
}

const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$H802ZnZrjYe9qkX4jQfBWTQtJnmj6Noz+sJrSQ8gzOM";
