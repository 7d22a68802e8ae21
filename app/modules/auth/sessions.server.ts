/**
 * Database-backed sessions. The cookie holds a signed random token; the table stores its sha256,
 * so a database dump holds no usable session. Deleting rows ends access at once. The cookie itself
 * is in app/web/cookies.server.ts.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { randomToken, sha256 } from "./crypto.server";
import type { PermissionKey } from "./permission-types";
import { heldIdsColumns, heldIdsOf, keysOfPermissionIds, permissionSet } from "./permissions.server";
import { type Branding, brandingColumns, brandingFromColumns } from "../branding/branding.server";
import { precompiled } from "../../../db/precompiled";
import { menuRevisionColumn } from "../menu/revision.server";

type Executor = Kysely<DB> | Transaction<DB>;

const TOUCH_INTERVAL_MS = 60_000;

export interface SessionUser {
  id: number;
  username: string;
  email: string | null;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  language: string | null;
  theme: string | null;
  /** As read with the session; a page that changes it reads it again. */
  state_id: number | null;
}

/** The logged-in user as loaders, actions and domain functions see it. */
export interface CurrentUser extends SessionUser {
  sessionId: string;
  permissions: Set<PermissionKey>;
}

function lifetimes(settings: Settings, user: Pick<SessionUser, "is_staff" | "is_superuser">) {
  const privileged = user.is_staff || user.is_superuser;
  return {
    idleMs: (privileged ? settings.STAFF_SESSION_IDLE_MINUTES : settings.SESSION_IDLE_MINUTES) * 60_000,
    maxMs: (privileged ? settings.STAFF_SESSION_MAX_AGE_HOURS : settings.SESSION_MAX_AGE_HOURS) * 3_600_000,
  };
}

/** Starts a session and returns the token for the cookie. */
export async function createSession(
  db: Executor,
  settings: Settings,
  user: Pick<SessionUser, "id" | "is_staff" | "is_superuser">,
  client: { ip?: string | null; userAgent?: string | null },
  now = new Date(),
) {
  const token = randomToken();
  const { idleMs, maxMs } = lifetimes(settings, user);
  await db
    .insertInto("sessions")
    .values({
      id: sha256(token),
      user_id: user.id,
      created_at: now,
      last_seen_at: now,
      idle_expires_at: new Date(now.getTime() + idleMs),
      expires_at: new Date(now.getTime() + maxMs),
      ip: client.ip?.slice(0, 64) ?? null,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
    })
    .execute();
  return token;
}

/**
 * When a session ends under the user's current privileges: lifetimes are re-derived on every
 * request, so a member promoted to staff gets the staff limits at once (never longer than stored).
 */
export function effectiveExpiry(
  settings: Settings,
  session: { created_at: Date; last_seen_at: Date; idle_expires_at: Date; expires_at: Date },
  user: Pick<SessionUser, "is_staff" | "is_superuser">,
) {
  const { idleMs, maxMs } = lifetimes(settings, user);
  const expiresAt = Math.min(session.expires_at.getTime(), session.created_at.getTime() + maxMs);
  const idleExpiresAt = Math.min(session.idle_expires_at.getTime(), session.last_seen_at.getTime() + idleMs, expiresAt);
  return { expiresAt, idleExpiresAt, idleMs };
}

/**
 * The user behind a token, or null when the session is unknown, expired, or the user inactive.
 * `activity: false` (background polls) reads the session without extending its idle timeout.
 */
export async function resolveSession(db: Executor, settings: Settings, token: string, now = new Date(), options: { activity?: boolean } = {}) {
  const row = await sessionRows(db, sha256(token)).executeTakeFirst();
  return row ? settle(db, settings, row, now, options) : null;
}

/** What every page asks first, read together: the user, and the two figures the page frame shows. */
export interface RequestUser {
  user: CurrentUser;
  /** Unread notifications (the bell). */
  unreadNotifications: number;
  /** The state's name; null for a user without one (a Guest). */
  stateName: string | null;
  /** The site's branding, read in the same statement (every page shows it). */
  branding: Branding;
  /** The menu's revision (app/modules/menu/revision.server.ts), read in the same statement. */
  menuRevision: string | null;
}

/**
 * The session's user with their effective permissions, unread notifications and state name, in one
 * statement (the ids of their permissions, named from the catalogue this process keeps; superusers'
 * are the whole catalogue). Same rules as resolveSession.
 */
export async function resolveRequestUser(db: Executor, settings: Settings, token: string, now = new Date(), options: { activity?: boolean } = {}): Promise<RequestUser | null> {
  const first = await requestUserRows.executeTakeFirst(db, { sessionId: sha256(token) });
  const resolved = first ? await settle(db, settings, first, now, options) : null;
  if (!first || !resolved) return null;
  return {
    user: { ...resolved.user, sessionId: resolved.sessionId, permissions: await permissionSet(db, resolved.user, await heldKeys(db, first)) },
    unreadNotifications: Number(first.unread ?? 0),
    stateName: first.state_name ?? null,
    branding: brandingFromColumns(first),
    menuRevision: first.menu_revision ?? null,
  };
}

/** The keys of the permissions the row's user holds by any path (superusers and inactive users are decided by permissionSet). */
function heldKeys(db: Executor, row: { own_permission_ids: unknown; group_permission_ids: unknown; state_permission_ids: unknown }) {
  return keysOfPermissionIds(db, [...heldIdsOf(row.own_permission_ids), ...heldIdsOf(row.group_permission_ids), ...heldIdsOf(row.state_permission_ids)]);
}

/** Every page's first statement, compiled once (db/precompiled.ts). */
const requestUserRows = precompiled((db, p: { sessionId: string }) => {
  // The user id again as an uncorrelated subquery: the count reads it once.
  const userId = db.selectFrom("sessions as s2").select("s2.user_id").where("s2.id", "=", p.sessionId).$asScalar();
  return sessionRows(db, p.sessionId)
    .leftJoin("states as st", "st.id", "u.state_id")
    .select("st.name as state_name")
    // A scalar subquery, not a joined derived table: MariaDB materialises the latter in a temporary table.
    .select((eb) => eb.selectFrom("notifications as n").select((c) => c.fn.countAll<number>().as("n")).where("n.viewed", "=", false).where("n.user_id", "=", userId).as("unread"))
    // The ids of the user's permissions by each path, in three values: one row, however many they hold.
    .select(heldIdsColumns(db))
    .select(brandingColumns(db))
    .select(menuRevisionColumn(db));
});

function sessionRows(db: Executor, sessionId: string) {
  return db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.id as session_id",
      "s.created_at",
      "s.last_seen_at",
      "s.idle_expires_at",
      "s.expires_at",
      "u.id",
      "u.username",
      "u.email",
      "u.is_active",
      "u.is_staff",
      "u.is_superuser",
      "u.language",
      "u.theme",
      "u.state_id",
    ])
    .where("s.id", "=", sessionId);
}

type SessionRow = SessionUser & { session_id: string; created_at: Date; last_seen_at: Date; idle_expires_at: Date; expires_at: Date };

/** Ends an expired session (or an inactive user's), extends a live one, returns its user. */
async function settle(db: Executor, settings: Settings, row: SessionRow, now: Date, options: { activity?: boolean }) {
  const { expiresAt, idleExpiresAt, idleMs } = effectiveExpiry(settings, row, row);
  if (expiresAt <= now.getTime() || idleExpiresAt <= now.getTime() || !row.is_active) {
    await db.deleteFrom("sessions").where("id", "=", row.session_id).execute();
    return null;
  }
  if (options.activity !== false && now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now, idle_expires_at: new Date(Math.min(now.getTime() + idleMs, expiresAt)), expires_at: new Date(expiresAt) })
      .where("id", "=", row.session_id)
      .execute();
  }
  const { id, username, email, is_active, is_staff, is_superuser, language, theme, state_id } = row;
  return { sessionId: row.session_id, user: { id, username, email, is_active, is_staff, is_superuser, language, theme, state_id } satisfies SessionUser };
}

export async function deleteSession(db: Executor, token: string) {
  await db.deleteFrom("sessions").where("id", "=", sha256(token)).execute();
}

/** "Log out everywhere", deactivation, lost ownership: every session of the user ends. */
export async function deleteUserSessions(db: Executor, userId: number) {
  const result = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Executor, now = new Date()) {
  const sessions = await db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("expires_at", "<=", now), eb("idle_expires_at", "<=", now)]))
    .executeTakeFirst();
  const tokens = await db
    .deleteFrom("one_time_tokens")
    .where((eb) => eb.or([eb("expires_at", "<=", now), eb("used_at", "is not", null)]))
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), oneTimeTokens: Number(tokens.numDeletedRows) };
}
