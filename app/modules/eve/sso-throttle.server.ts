/**
 * Pacing of token refreshes at the EVE SSO, shared by every process through one database row.
 * CCP answers too many failed token requests with 429 + Retry-After and can block repeat
 * offenders, so: at most ESI_SSO_REFRESH_PER_MINUTE refreshes a minute; none at all while a
 * Retry-After runs; none for an hour after `invalid_client` (a wrong or rotated client secret
 * would otherwise fail every refresh of every run), with the admins told once.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { serverT } from "~/i18n/i18n.server";
import { alertRecipientIds } from "../notifications/job-alerts.server";
import { notifyUsers } from "../notifications/notify.server";
import { SsoUnavailableError } from "./sso.server";

const ROW = 1;
const WINDOW_MS = 60_000;
/** How long refreshes pause after `invalid_client` (then one run may probe again). */
export const CLIENT_REFUSED_PAUSE_MS = 3_600_000;
/** Longest we wait in-process for the next minute's slots before giving up for this job. */
const MAX_WAIT_MS = 65_000;

/** Refreshes are paused (Retry-After, refused client credentials, or the per-minute cap): nothing was sent. */
export class SsoThrottledError extends SsoUnavailableError {
  constructor(
    message: string,
    public readonly retryAt: Date,
  ) {
    super(message);
  }
}

async function ensureRow(db: Kysely<DB>, now: Date) {
  const row = await db.selectFrom("eve_sso_throttle").selectAll().where("id", "=", ROW).executeTakeFirst();
  if (row) return row;
  await db
    .insertInto("eve_sso_throttle")
    .values({ id: ROW, window_start: now, attempts: 0, blocked_until: null, blocked_reason: null })
    .execute()
    .catch(() => {}); // another process created it meanwhile
  return db.selectFrom("eve_sso_throttle").selectAll().where("id", "=", ROW).executeTakeFirstOrThrow();
}

/** The running pause, if any. */
export async function refreshPause(db: Kysely<DB>, now = new Date()): Promise<{ until: Date; reason: string } | null> {
  const row = await db.selectFrom("eve_sso_throttle").select(["blocked_until", "blocked_reason"]).where("id", "=", ROW).executeTakeFirst();
  return row?.blocked_until && row.blocked_until > now ? { until: row.blocked_until, reason: row.blocked_reason ?? "" } : null;
}

/**
 * Takes one refresh slot, waiting for the next minute when this one's are used up. Throws
 * SsoThrottledError while a pause runs (or when the wait would be too long).
 */
export async function acquireRefreshSlot(db: Kysely<DB>, settings: Pick<Settings, "ESI_SSO_REFRESH_PER_MINUTE">, clock: () => Date = () => new Date()) {
  const started = clock().getTime();
  for (;;) {
    const now = clock();
    const row = await ensureRow(db, now);
    if (row.blocked_until && row.blocked_until > now) {
      throw new SsoThrottledError(`EVE SSO refreshes paused (${row.blocked_reason}) until ${row.blocked_until.toISOString()}`, row.blocked_until);
    }
    const windowOpenedAfter = new Date(now.getTime() - WINDOW_MS);
    // Same window, below the cap: one more (a conditional update, so processes cannot overshoot).
    const inWindow = await db
      .updateTable("eve_sso_throttle")
      .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
      .where("id", "=", ROW)
      .where("window_start", ">", windowOpenedAfter)
      .where("attempts", "<", settings.ESI_SSO_REFRESH_PER_MINUTE)
      .executeTakeFirst();
    if (Number(inWindow.numUpdatedRows) === 1) return;
    // The window is over: open a new one.
    const fresh = await db.updateTable("eve_sso_throttle").set({ window_start: now, attempts: 1 }).where("id", "=", ROW).where("window_start", "<=", windowOpenedAfter).executeTakeFirst();
    if (Number(fresh.numUpdatedRows) === 1) return;
    const current = await ensureRow(db, now);
    const nextWindow = current.window_start.getTime() + WINDOW_MS;
    if (nextWindow - started > MAX_WAIT_MS) throw new SsoThrottledError("EVE SSO refresh cap reached", new Date(nextWindow));
    // Poll at least every second: another process may open the next window first.
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, nextWindow - now.getTime()))));
  }
}

/** Pauses every refresh until `until`. Returns true when this call started the pause (not extended one). */
export async function pauseRefreshes(db: Kysely<DB>, until: Date, reason: string, now = new Date()): Promise<boolean> {
  await ensureRow(db, now);
  const started = await db
    .updateTable("eve_sso_throttle")
    .set({ blocked_until: until, blocked_reason: reason.slice(0, 64) })
    .where("id", "=", ROW)
    .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<=", now)]))
    .executeTakeFirst();
  if (Number(started.numUpdatedRows) === 1) return true;
  await db.updateTable("eve_sso_throttle").set({ blocked_until: until, blocked_reason: reason.slice(0, 64) }).where("id", "=", ROW).where("blocked_until", "<", until).execute();
  return false;
}

/** `invalid_client`: pause for an hour and tell the admins (once per pause). */
export async function pauseForRefusedClient(db: Kysely<DB>, settings: Settings, now = new Date()) {
  const until = new Date(now.getTime() + CLIENT_REFUSED_PAUSE_MS);
  if (!(await pauseRefreshes(db, until, "invalid_client", now))) return;
  const recipients = await alertRecipientIds(db);
  const t = serverT(settings.LANGUAGE_CODE);
  const params = { until: until.toISOString() };
  await notifyUsers(db, recipients, { title: t("eve.notify.clientRefused.title"), message: t("eve.notify.clientRefused.message", params), level: "danger" }, settings.NOTIFICATIONS_MAX_PER_USER);
}
