/**
 * Retention (docs/data-inventory.md): personal data that has served its purpose is removed on a
 * schedule. Audit rows stay (they are the record of who did what) but lose the client IP address after
 * AUDIT_IP_RETENTION_DAYS; stale login-failure counters, expired SSO states and old outbox emails
 * (addresses and activation links) are deleted. Sessions and one-time tokens have their own job.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";

type Executor = Kysely<DB> | Transaction<DB>;

export type RetentionSettings = Pick<Settings, "AUDIT_IP_RETENTION_DAYS" | "EMAIL_OUTBOX_RETENTION_DAYS" | "LOGIN_FAILURE_RESET_HOURS">;

const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000);

export async function applyRetention(db: Executor, settings: RetentionSettings, now = new Date()) {
  const auditIps = await db.updateTable("audit_log").set({ ip: null }).where("ip", "is not", null).where("created_at", "<", hoursBefore(now, settings.AUDIT_IP_RETENTION_DAYS * 24)).executeTakeFirst();
  const loginFailures = await db
    .deleteFrom("login_failures")
    .where("last_failure_at", "<", hoursBefore(now, settings.LOGIN_FAILURE_RESET_HOURS))
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .executeTakeFirst();
  const ssoStates = await db.deleteFrom("sso_states").where("expires_at", "<", now).executeTakeFirst();
  const outbox = await db.deleteFrom("email_outbox").where("created_at", "<", hoursBefore(now, settings.EMAIL_OUTBOX_RETENTION_DAYS * 24)).executeTakeFirst();
  return {
    auditIpsCleared: Number(auditIps.numUpdatedRows),
    loginFailures: Number(loginFailures.numDeletedRows),
    ssoStates: Number(ssoStates.numDeletedRows),
    outboxEmails: Number(outbox.numDeletedRows),
  };
}
