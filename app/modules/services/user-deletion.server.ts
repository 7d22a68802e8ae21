/**
 * Deleting a user: their external accounts go first, then the user (the original disables every
 * service in a pre_delete hook). A user with no linked account is deleted at once. A user with
 * accounts is deactivated at once (sessions end, state becomes Guest) and `authentication.delete_user`
 * removes each remote account and then the user: a remote failure fails the job, which retries, so
 * nobody stays in the Discord guild, on voice or on a forum because the row that named them is gone.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { connectorById } from "../../connectors/registry.server";
import { type Actor, writeAudit } from "../audit/audit.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import { setUserActive } from "../states/states.server";
import { accountsOfUser } from "./accounts.server";
import { removeAccount } from "./runner.server";

export const DELETE_USER_TASK = "authentication.delete_user";

export type UserDeletion = { deleted: true } | { deleted: false; accounts: number };

async function deleteNow(db: Kysely<DB>, userId: number, actor: Actor, before: unknown, unreachable: string[]) {
  await db.transaction().execute(async (trx) => {
    await writeAudit(trx, actor, { action: "user.delete", targetType: "user", targetId: userId, before, ...(unreachable.length ? { reason: `accounts left on unconfigured services: ${unreachable.join(", ")}` } : {}) });
    await trx.deleteFrom("users").where("id", "=", userId).execute();
  });
}

/** Deletes the user now, or (with linked accounts) deactivates them and queues the deletion. */
export async function deleteUser(db: Kysely<DB>, userId: number, actor: Actor, before: unknown): Promise<UserDeletion> {
  const accounts = await accountsOfUser(db, userId);
  if (accounts.length === 0) {
    await deleteNow(db, userId, actor, before, []);
    return { deleted: true };
  }
  await setUserActive(db, userId, false, actor);
  await db.transaction().execute(async (trx) => {
    await writeAudit(trx, actor, { action: "user.delete_requested", targetType: "user", targetId: userId, before, after: { services: accounts.map((a) => a.service) } });
    await enqueue(trx, DELETE_USER_TASK, { userId, actor: { userId: actor.userId, label: actor.label } }, { jobKey: `${DELETE_USER_TASK}:${userId}`, priority: PRIORITY.high });
  });
  return { deleted: false, accounts: accounts.length };
}

/**
 * The job: removes every remote account the user still has (a service no longer configured cannot
 * be reached: its row goes with the user and the audit row names it), then deletes the user.
 * Throws, after trying every service, when one failed; what was removed stays removed.
 */
export async function removeAccountsThenDeleteUser(db: Kysely<DB>, settings: Settings, userId: number, actor: Actor) {
  const user = await db.selectFrom("users").select(["id", "username", "email", "is_active", "is_staff", "is_superuser"]).where("id", "=", userId).executeTakeFirst();
  if (!user) return { deleted: false, reason: "already gone" };
  const failures: string[] = [];
  const unreachable: string[] = [];
  for (const account of await accountsOfUser(db, userId)) {
    const connector = connectorById(account.service);
    if (!connector || !connector.isConfigured(settings)) {
      unreachable.push(account.service);
      continue;
    }
    try {
      await removeAccount({ db, settings }, connector, account, "deactivated", false);
    } catch (error) {
      failures.push(`${account.service}: ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`user ${userId} kept for another try: ${failures.join("; ")}`);
  await deleteNow(db, userId, actor, user, unreachable);
  return { deleted: true, unreachable };
}
