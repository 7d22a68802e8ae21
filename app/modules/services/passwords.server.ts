/**
 * Password services (Openfire, XenForo, the forums …): activation creates the remote account with a
 * generated password, reset makes a new one, set takes the member's own (at least 8 characters, the
 * original's ServicePasswordForm). A generated password is sealed (SecretBox) on the link row until
 * the services page has shown it once; it is never stored in clear and never kept after that.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { SecretBox } from "../auth/secrets.server";
import { connectorById } from "../../connectors/registry.server";
import { findAccount, upsertAccount } from "./accounts.server";
import type { Connector } from "./contract";
import { loadServiceSubjects } from "./desired.server";
import { ServiceAccessError } from "./page.server";

export const MIN_SERVICE_PASSWORD = 8;
export const MAX_SERVICE_PASSWORD = 128;

export class ServicePasswordError extends Error {}

export interface RevealedCredentials {
  service: string;
  title: string;
  username: string;
  password: string;
}

async function seal(db: Kysely<DB>, settings: Settings, accountId: number, password: string) {
  await db.updateTable("service_accounts").set({ credentials: SecretBox.fromSettings(settings).encrypt(password) }).where("id", "=", accountId).execute();
}

/** Creates the remote account for a member with access; the password waits sealed for the page. */
export async function activatePasswordAccount(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor) {
  if (connector.activation.kind !== "password") throw new ServiceAccessError("not a password service");
  const subject = (await loadServiceSubjects(db, connector.meta, [userId])).get(userId);
  if (!subject?.hasAccess) throw new ServiceAccessError("no access");
  const remote = await connector.activation.create({ db, settings }, subject.desired);
  const credentials = SecretBox.fromSettings(settings).encrypt(remote.password);
  await db.transaction().execute(async (trx) => {
    await upsertAccount(trx, connector.meta.id, userId, { remoteId: remote.remoteId, remoteUsername: remote.remoteUsername, credentials });
    await writeAudit(trx, actor, { action: "service.account_linked", targetType: "user", targetId: userId, after: { service: connector.meta.id, remoteId: remote.remoteId, remoteUsername: remote.remoteUsername } });
  });
  return { remoteUsername: remote.remoteUsername };
}

/** A new generated password (shown once), or the member's own. Audited; throws when there is no account. */
export async function changeServicePassword(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor, own?: string) {
  const account = await findAccount(db, connector.meta.id, userId);
  if (!account) throw new ServicePasswordError("no account");
  if (own !== undefined) {
    if (!connector.setPassword) throw new ServicePasswordError("not supported");
    if (own.length < MIN_SERVICE_PASSWORD || own.length > MAX_SERVICE_PASSWORD) throw new ServicePasswordError("length");
    await connector.setPassword({ db, settings }, account, own);
  } else {
    if (!connector.resetPassword) throw new ServicePasswordError("not supported");
    await seal(db, settings, account.id, await connector.resetPassword({ db, settings }, account));
  }
  await writeAudit(db, actor, { action: own === undefined ? "service.password_reset" : "service.password_set", targetType: "user", targetId: userId, after: { service: connector.meta.id } });
}

/** Credentials waiting to be shown to this member; cleared as they are read (shown once). */
export async function takeCredentials(db: Kysely<DB>, settings: Settings, userId: number): Promise<RevealedCredentials[]> {
  const rows = await db.selectFrom("service_accounts").select(["id", "service", "remote_username", "credentials"]).where("user_id", "=", userId).where("credentials", "is not", null).execute();
  if (rows.length === 0) return [];
  await db.updateTable("service_accounts").set({ credentials: null }).where("id", "in", rows.map((r) => r.id)).execute();
  const box = SecretBox.fromSettings(settings);
  const out: RevealedCredentials[] = [];
  for (const r of rows) {
    try {
      out.push({ service: r.service, title: connectorById(r.service)?.meta.title ?? r.service, username: r.remote_username ?? "", password: box.decrypt(r.credentials!) });
    } catch {
      // Sealed under a key that is gone: nothing to show; the member can reset the password.
    }
  }
  return out;
}
