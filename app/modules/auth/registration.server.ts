/**
 * Registration after the first EVE SSO login (behaviour reference §3.3): the new, inactive user
 * gives an email; with REGISTRATION_VERIFY_EMAIL a signed activation link is mailed and the account
 * activates on click, otherwise at once. Inactive without email = mid-registration.
 */
import { createHmac } from "node:crypto";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { type Actor, writeAudit } from "../audit/audit.server";
import { type Email, sendEmail } from "../mail/mailer.server";
import { reevaluateStates } from "../states/evaluate.server";
import { deriveKey, safeEqual } from "./crypto.server";

export const emailSchema = z.object({ email: z.string().trim().min(1, "errors.emailRequired").max(254, "errors.emailInvalid").pipe(z.email("errors.emailInvalid")) });

function sign(settings: Settings, payload: string) {
  return createHmac("sha256", deriveKey(settings.SECRET_KEY, "activation")).update(payload).digest("base64url");
}

export function activationKey(settings: Settings, userId: number, email: string, now = Date.now()) {
  const payload = Buffer.from(JSON.stringify({ u: userId, e: email, t: now })).toString("base64url");
  return `${payload}.${sign(settings, payload)}`;
}

export function readActivationKey(settings: Settings, key: string, now = Date.now()): { userId: number; email: string } | null {
  const [payload, signature] = key.split(".");
  if (!payload || !signature || !safeEqual(signature, sign(settings, payload))) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { u: number; e: string; t: number };
    if (now - data.t > settings.ACCOUNT_ACTIVATION_DAYS * 86_400_000) return null;
    return { userId: data.u, email: data.e };
  } catch {
    return null;
  }
}

function activationEmail(settings: Settings, username: string, email: string, link: string, t: (key: string, params?: Record<string, unknown>) => string): Email {
  const params = { site: settings.SITE_NAME, name: username, days: settings.ACCOUNT_ACTIVATION_DAYS };
  const text = [t("email.activation.greeting", params), "", t("email.activation.body", params), "", link, "", t("email.activation.ignore", params)].join("\n");
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const html = `<p>${escape(t("email.activation.greeting", params))}</p><p>${escape(t("email.activation.body", params))}</p><p><a href="${escape(link)}">${escape(link)}</a></p><p>${escape(t("email.activation.ignore", params))}</p>`;
  return { to: email, subject: t("email.activation.subject", params), text, html };
}

export type RegisterOutcome = { kind: "activated" } | { kind: "email-sent" };

/** Step 2: the email. Verified: nothing is stored yet, a link is mailed. Unverified: active now. */
export async function submitRegistrationEmail(
  db: Kysely<DB>,
  settings: Settings,
  userId: number,
  email: string,
  actor: Actor,
  t: (key: string, params?: Record<string, unknown>) => string,
): Promise<RegisterOutcome> {
  const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
  if (!settings.REGISTRATION_VERIFY_EMAIL) {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("users").set({ email, is_active: true }).where("id", "=", userId).execute();
      await writeAudit(trx, actor, { action: "user.register", targetType: "user", targetId: userId, after: { email, verified: false } });
      await reevaluateStates(trx, { userIds: [userId], actor, reason: "account activated", settings });
    });
    return { kind: "activated" };
  }
  const link = `${settings.SITE_URL}/account/activate/${activationKey(settings, userId, email)}`;
  await sendEmail(db, settings, { ...activationEmail(settings, user.username, email, link, t), userId });
  await writeAudit(db, actor, { action: "user.register", targetType: "user", targetId: userId, after: { email, verified: "pending" } });
  return { kind: "email-sent" };
}

/** Step 3: the link. Only a user still mid-registration can be activated by it. */
export async function activateAccount(db: Kysely<DB>, settings: Settings, key: string, actor: Actor) {
  const data = readActivationKey(settings, key);
  if (!data) return null;
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("users")
      .set({ email: data.email, is_active: true })
      .where("id", "=", data.userId)
      .where("is_active", "=", false)
      .where("email", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return null;
    await writeAudit(trx, actor, { action: "user.activate", targetType: "user", targetId: data.userId, after: { email: data.email } });
    await reevaluateStates(trx, { userIds: [data.userId], actor, reason: "account activated", settings });
    return trx.selectFrom("users").selectAll().where("id", "=", data.userId).executeTakeFirstOrThrow();
  });
}
