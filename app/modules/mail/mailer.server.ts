/**
 * Outgoing email: SMTP through nodemailer when EMAIL_HOST is set; otherwise (development and demo
 * mode only) messages are kept in the email_outbox table and shown on /account/outbox.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { getLogger } from "../ops/logger.server";

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The user it is sent for: the outbox shows it to them (and to superusers) only. */
  userId?: number | null;
}

export function usesOutbox(settings: Settings) {
  return !settings.EMAIL_HOST && settings.NODE_ENV !== "production";
}

export async function sendEmail(db: Kysely<DB>, settings: Settings, email: Email) {
  if (usesOutbox(settings)) {
    await db.insertInto("email_outbox").values({ to_address: email.to, subject: email.subject, text_body: email.text, html_body: email.html, created_at: new Date(), user_id: email.userId ?? null }).execute();
    getLogger().info({ to: email.to, subject: email.subject }, "email kept in the outbox (no EMAIL_HOST)");
    return;
  }
  if (!settings.EMAIL_HOST) throw new Error("EMAIL_HOST: is not set, so email cannot be sent");
  // Loaded when mail is first sent, not with the site.
  const { createTransport } = await import("nodemailer");
  const transport = createTransport({
    host: settings.EMAIL_HOST,
    port: settings.EMAIL_PORT,
    secure: settings.EMAIL_USE_TLS && settings.EMAIL_PORT === 465,
    requireTLS: settings.EMAIL_USE_TLS && settings.EMAIL_PORT !== 465,
    auth: settings.EMAIL_HOST_USER ? { user: settings.EMAIL_HOST_USER, pass: settings.EMAIL_HOST_PASSWORD } : undefined,
    connectionTimeout: settings.EMAIL_TIMEOUT * 1000,
    socketTimeout: settings.EMAIL_TIMEOUT * 1000,
  });
  await transport.sendMail({ from: settings.DEFAULT_FROM_EMAIL, to: email.to, subject: email.subject, text: email.text, html: email.html });
}

/**
 * The outbox as one visitor may see it: superusers everything; anyone else only the mail sent for
 * their user id (logged in, or mid-registration) or to their own address; nobody else nothing.
 */
export async function listOutbox(db: Kysely<DB>, viewer: { all: true } | { userIds: number[]; emails: string[] }, limit = 50) {
  let query = db.selectFrom("email_outbox").selectAll().orderBy("id", "desc").limit(limit);
  if (!("all" in viewer)) {
    if (!viewer.userIds.length && !viewer.emails.length) return [];
    query = query.where((eb) =>
      eb.or([...(viewer.userIds.length ? [eb("user_id", "in", viewer.userIds)] : []), ...(viewer.emails.length ? [eb("to_address", "in", viewer.emails)] : [])]),
    );
  }
  return query.execute();
}
