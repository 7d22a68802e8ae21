/**
 * Ending sessions on purpose: "log out everywhere" by the user, and an admin ending another user's
 * sessions. Each deletes the rows (access ends at once) and writes one audit row in the same
 * transaction.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { deleteUserSessions } from "./sessions.server";

export async function countUserSessions(db: Kysely<DB>, userId: number, now = new Date()) {
  const row = await db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("expires_at", ">", now)
    .where("idle_expires_at", ">", now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The user ends every one of their own sessions, this one included. */
export async function logOutEverywhere(db: Kysely<DB>, user: { id: number }, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteUserSessions(trx, user.id);
    await writeAudit(trx, actor, { action: "sessions.logout_everywhere", targetType: "user", targetId: user.id, after: { ended } });
    return ended;
  });
}

/** An admin ends all sessions of another user (the route checks auth.change_user and rank). */
export async function endSessionsOfUser(db: Kysely<DB>, target: { id: number }, actor: Actor, reason: string) {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteUserSessions(trx, target.id);
    await writeAudit(trx, actor, { action: "sessions.ended_by_admin", targetType: "user", targetId: target.id, after: { ended }, reason });
    return ended;
  });
}
