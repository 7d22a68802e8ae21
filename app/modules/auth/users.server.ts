/** Users: lookup, superuser creation (CLI and first-run setup), password login. */
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { type Actor, writeAudit } from "../audit/audit.server";
import { sha256, randomToken } from "./crypto.server";
import { clearFailures, lockedUntil, recordFailure, throttleKeys } from "./login-throttle.server";
import { hashPassword, needsRehash, verifyPassword } from "./password.server";

type Executor = Kysely<DB> | Transaction<DB>;

/** Field rules; messages are i18n keys (the UI translates, the CLI prints the English text). */
export const superuserSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(1, "errors.usernameRequired")
      .max(150, "errors.usernameTooLong")
      .regex(/^[\w.@+-]+$/, "errors.usernameChars"),
    email: z.union([z.literal(""), z.email("errors.emailInvalid").max(254, "errors.emailInvalid")]).optional(),
    password: z.string().min(12, "errors.passwordTooShort").max(1024, "errors.passwordTooLong"),
  })
  .strict();

export type SuperuserInput = z.input<typeof superuserSchema>;

export class DuplicateUsernameError extends Error {
  constructor(public readonly username: string) {
    super("errors.usernameTaken");
  }
}

export async function findUserByUsername(db: Executor, username: string) {
  return db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
}

export async function countSuperusers(db: Executor) {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).where("is_superuser", "=", true).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createSuperuser(db: Kysely<DB>, input: SuperuserInput, actor: Actor) {
  const data = superuserSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  return db.transaction().execute(async (trx) => {
    if (await findUserByUsername(trx, data.username)) throw new DuplicateUsernameError(data.username);
    const now = new Date();
    await trx
      .insertInto("users")
      .values({
        username: data.username,
        email: data.email || null,
        password_hash: passwordHash,
        is_active: true,
        is_staff: true,
        is_superuser: true,
        language: null,
        theme: null,
        date_joined: now,
        last_login: null,
      })
      .execute();
    const user = await findUserByUsername(trx, data.username);
    await writeAudit(trx, actor, {
      action: "user.create_superuser",
      targetType: "user",
      targetId: user!.id,
      after: { username: data.username, email: data.email || null, is_superuser: true, is_staff: true },
    });
    return user!;
  });
}

export type PasswordLoginResult = { ok: true; user: NonNullable<Awaited<ReturnType<typeof findUserByUsername>>> } | { ok: false };

/**
 * Password login is for superusers only (setup and emergencies); members use EVE SSO.
 * Wrong password, unknown user, locked account and non-superuser all give the same answer.
 */
export async function passwordLogin(
  db: Kysely<DB>,
  settings: Settings,
  input: { username: string; password: string },
  client: { ip: string | null; requestId?: string | null },
): Promise<PasswordLoginResult> {
  const keys = throttleKeys(input.username, client.ip);
  const actor: Actor = { userId: null, label: "anonymous", ip: client.ip, requestId: client.requestId };
  const locked = await lockedUntil(db, keys);
  const user = await findUserByUsername(db, input.username.trim());
  const passwordOk = await verifyPassword(user?.password_hash ?? null, input.password);
  const allowed = !locked && passwordOk && user && user.is_active && user.is_superuser;
  if (!allowed) {
    await db.transaction().execute(async (trx) => {
      await recordFailure(trx, settings, keys);
      await writeAudit(trx, actor, {
        action: "login.failure",
        targetType: "user",
        targetId: user?.id ?? null,
        after: { username: input.username.slice(0, 150), locked: Boolean(locked) },
      });
    });
    return { ok: false };
  }
  await db.transaction().execute(async (trx) => {
    await clearFailures(trx, [keys[0]]);
    await trx.updateTable("users").set({ last_login: new Date() }).where("id", "=", user.id).execute();
    if (needsRehash(user.password_hash)) await trx.updateTable("users").set({ password_hash: await hashPassword(input.password) }).where("id", "=", user.id).execute();
    await writeAudit(trx, { ...actor, userId: user.id, label: user.username }, { action: "login.success", targetType: "user", targetId: user.id, after: { method: "password" } });
  });
  return { ok: true, user };
}

/** First run: a one-time setup token, valid SETUP_TOKEN_HOURS, replacing any earlier one. */
export async function issueSetupToken(db: Kysely<DB>, settings: Settings) {
  const token = randomToken();
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("one_time_tokens").where("purpose", "=", "setup").execute();
    await trx
      .insertInto("one_time_tokens")
      .values({ purpose: "setup", token_hash: sha256(token), user_id: null, created_at: now, expires_at: new Date(now.getTime() + settings.SETUP_TOKEN_HOURS * 3_600_000), used_at: null })
      .execute();
  });
  return token;
}

export async function isValidSetupToken(db: Executor, token: string, now = new Date()) {
  if ((await countSuperusers(db)) > 0) return false;
  const row = await db
    .selectFrom("one_time_tokens")
    .select(["id"])
    .where("purpose", "=", "setup")
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Boolean(row);
}

/** Consumes the setup token and creates the first superuser; fails if the token was used meanwhile. */
export async function completeSetup(db: Kysely<DB>, token: string, input: SuperuserInput, actor: Actor) {
  const data = superuserSchema.parse(input);
  if (!(await isValidSetupToken(db, token))) return null;
  // Mark the token used first: of two concurrent submissions only one updates the row.
  const claimed = await db
    .updateTable("one_time_tokens")
    .set({ used_at: new Date() })
    .where("purpose", "=", "setup")
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return null;
  return createSuperuser(db, data, { ...actor, label: `setup:${data.username}` });
}
