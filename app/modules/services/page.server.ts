/**
 * What the services page and the member's actions need: one row per configured service the user
 * may use (or still has an account on), and the link/unlink operations behind its buttons.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import type { PermissionKey } from "../auth/permission-types";
import { permissionKey } from "../auth/permission-types";
import { configuredConnectors } from "../../connectors/registry.server";
import { accountsOfUser, upsertAccount } from "./accounts.server";
import type { Connector, ServiceDetail } from "./contract";
import { loadServiceSubjects } from "./desired.server";
import type { ServiceAction } from "./meta";

export interface ServiceRow {
  id: string;
  title: string;
  username: string | null;
  url: string | null;
  status: "none" | "active" | "grace";
  lastSyncAt: string | null;
  lastError: string | null;
  removalDueAt: string | null;
  actions: ServiceAction[];
  /** What the service holds for the member now (e.g. Discord roles), read live; null when unknown. */
  remoteGroups: string[] | null;
  /** Further lines (e.g. Mumble's last connection and client version). */
  details: ServiceDetail[];
  /** A one-time key still to be redeemed in the service's client (TeamSpeak 3), and its link. */
  pending: { secret: string; link: string | null } | null;
}

export function mayUse(connector: Connector, user: { permissions: Set<PermissionKey>; is_superuser: boolean }) {
  return user.is_superuser || user.permissions.has(permissionKey(connector.meta.accessPermission));
}

export async function servicesForUser(db: Kysely<DB>, settings: Settings, user: { id: number; permissions: Set<PermissionKey>; is_superuser: boolean }): Promise<ServiceRow[]> {
  const accounts = new Map((await accountsOfUser(db, user.id)).map((a) => [a.service, a]));
  const shown = configuredConnectors(settings).filter((c) => mayUse(c, user) || accounts.has(c.meta.id));
  return Promise.all(
    shown.map(async (c) => {
      const account = accounts.get(c.meta.id) ?? null;
      const described = c.describe(settings, account);
      const pending = account && c.pendingActivation ? await c.pendingActivation({ db, settings }, account).catch(() => null) : null;
      return {
        id: c.meta.id,
        title: c.meta.title,
        username: described.username,
        url: described.url,
        status: account ? account.status : "none",
        lastSyncAt: account?.lastSyncAt?.toISOString() ?? null,
        lastError: account?.lastError ?? null,
        removalDueAt: account?.removalDueAt?.toISOString() ?? null,
        // "verify" (the original's "I have joined") only while a key waits to be redeemed.
        actions: account ? c.meta.accountActions.filter((a) => a !== "verify" || pending) : mayUse(c, user) ? ["activate"] : [],
        remoteGroups: account && c.remoteGroups ? await c.remoteGroups({ db, settings }, account).catch(() => null) : null,
        details: account && c.accountDetails ? await c.accountDetails({ db, settings }, account).catch(() => []) : [],
        pending,
      };
    }),
  );
}

export class ServiceAccessError extends Error {}

/** Privilege-key activation: checks access, makes the key (remote first), links, audits. */
export async function activateWithKey(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, actor: Actor) {
  if (connector.activation.kind !== "privilege-key") throw new ServiceAccessError("not a privilege-key service");
  const subject = (await loadServiceSubjects(db, connector.meta, [userId])).get(userId);
  if (!subject?.hasAccess) throw new ServiceAccessError("no access");
  const remote = await connector.activation.create({ db, settings }, subject.desired);
  await db.transaction().execute(async (trx) => {
    await upsertAccount(trx, connector.meta.id, userId, remote);
    await writeAudit(trx, actor, { action: "service.account_linked", targetType: "user", targetId: userId, after: { service: connector.meta.id, remoteId: remote.remoteId, remoteUsername: remote.remoteUsername } });
  });
  return remote;
}

/** Finishes an OAuth activation: checks access from our data, links, audits. Throws before writing anything on failure. */
export async function completeOAuthActivation(db: Kysely<DB>, settings: Settings, connector: Connector, userId: number, accessToken: string, actor: Actor) {
  if (connector.activation.kind !== "oauth") throw new ServiceAccessError("not an OAuth service");
  const subject = (await loadServiceSubjects(db, connector.meta, [userId])).get(userId);
  if (!subject?.hasAccess) throw new ServiceAccessError("no access");
  const remote = await connector.activation.complete({ db, settings }, accessToken, subject.desired);
  await db.transaction().execute(async (trx) => {
    await upsertAccount(trx, connector.meta.id, userId, remote);
    await writeAudit(trx, actor, { action: "service.account_linked", targetType: "user", targetId: userId, after: { service: connector.meta.id, ...remote } });
  });
  return remote;
}
