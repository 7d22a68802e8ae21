/**
 * Password services (Mumble, Openfire, XenForo, the forums …): activation creates the remote account
 * with a generated password, reset makes a new one, set takes the member's own (at least 8 characters,
 * the original's ServicePasswordForm). A generated password is never stored in clear and shown once:
 * where the connector says (`activation.shownOn`), either on the page answering the POST (Mumble, with
 * its connect link) or sealed (SecretBox) on the link row until the services page has shown it.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { SecretBox } from "../auth/secrets.server";
import { connectorById } from "../../connectors/registry.server";
import { findAccount, markError, upsertAccount } from "./accounts.server";
import type { Connector } from "./contract";
import { loadServiceSubjects } from "./desired.server";
import { ServiceAccessError } from "./page.server";

export const MIN_SERVICE_PASSWORD = 8;
export const MAX_SERVICE_PASSWORD = 128;

export class ServicePasswordError extends Error {}

/** What was just made: the member's name on the service and the password (for the caller to show, or not). */
export interface ShownCredentials {
  username: string;
  password: string;
}

export interface RevealedCredentials extends ShownCredentials {
  service: string;
  title: string;
}

/** True when the services page shows this connector's generated passwords (sealed until then). */
export function sealsCredentials(connector: Connector) {
  return connector.activation.kind !== "password" || connector.activation.shownOn !== "action";
}

function sealed(settings: Settings, connector: Connector, password: string) {
  return sealsCredentials(connector) ? SecretBox.fromSettings(settings).encrypt(password) : null;
}

/** Creates the remote account for a member with access, links it, audits; the password is returned (and sealed when the services page shows it). */
export async function activatePasswordAccount(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor): Promise<ShownCredentials> {
  if (connector.activation.kind !== "password") throw new ServiceAccessError("not a password service");
  const subject = (await loadServiceSubjects(db, connector.meta, [userId])).get(userId);
  if (!subject?.hasAccess) throw new ServiceAccessError("no access");
  const { password, remoteId, remoteUsername } = await connector.activation.create({ db, settings }, subject.desired);
  const credentials = sealed(settings, connector, password);
  await db.transaction().execute(async (trx) => {
    await upsertAccount(trx, connector.meta.id, userId, { remoteId, remoteUsername, credentials });
    await writeAudit(trx, actor, { action: "service.account_linked", targetType: "user", targetId: userId, after: { service: connector.meta.id, remoteId, remoteUsername } });
  });
  return { username: remoteUsername, password };
}

/**
 * A new generated password (returned, and sealed when the services page shows it), or the member's
 * own (`own`, length checked). Audited; a remote failure is recorded on the account and rethrown;
 * ServicePasswordError when there is no account, the service cannot do it, or the length is wrong.
 */
export async function changeServicePassword(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor, own?: string): Promise<ShownCredentials> {
  const account = await findAccount(db, connector.meta.id, userId);
  if (!account) throw new ServicePasswordError("no account");
  if (own !== undefined && !connector.setPassword) throw new ServicePasswordError("not supported");
  if (own === undefined && !connector.resetPassword) throw new ServicePasswordError("not supported");
  if (own !== undefined && (own.length < MIN_SERVICE_PASSWORD || own.length > MAX_SERVICE_PASSWORD)) throw new ServicePasswordError("length");
  const ctx = { db, settings };
  let password: string;
  try {
    if (own !== undefined) {
      await connector.setPassword!(ctx, account, own);
      password = own;
    } else password = await connector.resetPassword!(ctx, account);
  } catch (error) {
    await markError(db, account.id, error);
    throw error;
  }
  const credentials = own === undefined ? sealed(settings, connector, password) : null;
  if (credentials) await db.updateTable("service_accounts").set({ credentials }).where("id", "=", account.id).execute();
  await writeAudit(db, actor, { action: own === undefined ? "service.password_reset" : "service.password_set", targetType: "user", targetId: userId, after: { service: connector.meta.id } });
  return { username: account.remoteUsername ?? "", password };
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
