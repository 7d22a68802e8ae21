/**
 * Password services (the original's Mumble, phpBB3, SMF … activation): the account is created with a
 * generated password that is shown once and never stored in clear; the member can reset it (new
 * generated password, shown once) or set their own (at least 8 characters, as in the original).
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { findAccount, markError, upsertAccount } from "./accounts.server";
import type { Connector } from "./contract";
import { loadServiceSubjects } from "./desired.server";
import { ServiceAccessError } from "./page.server";

export const SERVICE_PASSWORD_MIN = 8;
export const SERVICE_PASSWORD_MAX = 128;

export interface ShownCredentials {
  username: string;
  password: string;
}

/** Creates the remote account from our data (access checked first), links it, audits; the password is returned once. */
export async function activateWithPassword(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor): Promise<ShownCredentials> {
  if (connector.activation.kind !== "password") throw new ServiceAccessError("not a password service");
  const subject = (await loadServiceSubjects(db, connector.meta, [userId])).get(userId);
  if (!subject?.hasAccess) throw new ServiceAccessError("no access");
  const { password, ...remote } = await connector.activation.create({ db, settings }, subject.desired);
  await db.transaction().execute(async (trx) => {
    await upsertAccount(trx, connector.meta.id, userId, remote);
    await writeAudit(trx, actor, { action: "service.account_linked", targetType: "user", targetId: userId, after: { service: connector.meta.id, ...remote } });
  });
  return { username: remote.remoteUsername, password };
}

/** A new generated password (shown once), or `password` when the member chose one. */
export async function changeServicePassword(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor, password?: string): Promise<ShownCredentials | null> {
  const account = await findAccount(db, connector.meta.id, userId);
  if (!account || !connector.resetPassword || !connector.setPassword) return null;
  const ctx = { db, settings };
  let shown: string;
  try {
    if (password === undefined) shown = await connector.resetPassword(ctx, account);
    else {
      await connector.setPassword(ctx, account, password);
      shown = password;
    }
  } catch (error) {
    await markError(db, account.id, error);
    throw error;
  }
  await writeAudit(db, actor, { action: password === undefined ? "service.password_reset" : "service.password_set", targetType: "user", targetId: userId, after: { service: connector.meta.id } });
  return { username: account.remoteUsername ?? "", password: shown };
}
