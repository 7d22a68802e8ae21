/**
 * The single call site through which membership, state, permission, main-character and
 * deactivation changes reach the external services. Runs inside the caller's transaction: for each
 * configured connector, every affected user who has an account there gets a debounced sync job
 * (job key per service and user, one queue per service so a slow service never delays another);
 * a change touching many users queues that service's reconcile instead (fewest remote calls).
 */
import type { Kysely, Transaction } from "kysely";
import { getSettings, type Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import { configuredConnectors } from "../../connectors/registry.server";
import { linkedUserIds } from "./accounts.server";
import { permissionKey, type PermissionKey } from "../auth/permission-types";
import { userSyncJobKey, userSyncTask } from "./runner.server";

type Executor = Kysely<DB> | Transaction<DB>;

export const reconcileTask = (serviceId: string) => `${serviceId}.update_all`;

/** Queues the syncs of `linked` (users with an account on the connector): one job each, or one reconcile. */
async function queueSyncs(db: Executor, id: string, linked: number[], reason: string, settings: Settings): Promise<number> {
  if (linked.length === 0) return 0;
  if (linked.length > settings.SERVICES_BULK_THRESHOLD) {
    await enqueue(db, reconcileTask(id), { reason: reason.slice(0, 100) }, { jobKey: reconcileTask(id), jobKeyMode: "preserve_run_at", queueName: id, priority: PRIORITY.bulk });
    return 1;
  }
  const runAt = new Date(Date.now() + settings.SERVICES_SYNC_DEBOUNCE_SECONDS * 1000);
  for (const userId of linked) {
    await enqueue(db, userSyncTask(id), { userId }, { jobKey: userSyncJobKey(id, userId), jobKeyMode: "replace", runAt, queueName: id, priority: PRIORITY.high });
  }
  return linked.length;
}

export async function servicesNeedSync(db: Executor, userIds: number[], reason: string, settings: Settings = getSettings()): Promise<{ jobs: number }> {
  if (userIds.length === 0) return { jobs: 0 };
  let jobs = 0;
  for (const connector of configuredConnectors(settings)) {
    const id = connector.meta.id;
    jobs += await queueSyncs(db, id, await linkedUserIds(db, id, [...new Set(userIds)]), reason, settings);
  }
  return { jobs };
}

/** Who a change of groups or states reaches: members of `groupIds` and holders of `stateIds`. */
export interface SyncScope {
  groupIds?: number[];
  stateIds?: number[];
}

/**
 * servicesNeedSync for everyone in some groups or states (a permission edit, a rename, a deletion),
 * without loading the members first: per configured service, one query finds the linked ones.
 * Call it before deleting a group (its memberships go with it).
 */
export async function servicesNeedSyncFor(db: Executor, scope: SyncScope, reason: string, settings: Settings = getSettings()): Promise<{ jobs: number }> {
  const groupIds = [...new Set(scope.groupIds ?? [])];
  const stateIds = [...new Set(scope.stateIds ?? [])];
  if (groupIds.length === 0 && stateIds.length === 0) return { jobs: 0 };
  let jobs = 0;
  for (const connector of configuredConnectors(settings)) {
    const id = connector.meta.id;
    const rows = await db
      .selectFrom("service_accounts as a")
      .select("a.user_id")
      .where("a.service", "=", id)
      .where((eb) =>
        eb.or([
          ...(groupIds.length ? [eb("a.user_id", "in", eb.selectFrom("user_groups as ug").select("ug.user_id").where("ug.group_id", "in", groupIds))] : []),
          ...(stateIds.length ? [eb("a.user_id", "in", eb.selectFrom("users as u").select("u.id").where("u.state_id", "in", stateIds))] : []),
        ]),
      )
      .execute();
    jobs += await queueSyncs(db, id, rows.map((r) => r.user_id), reason, settings);
  }
  return { jobs };
}

/** Whether a change of these permission ids (added or removed) can change anyone's access to a service. */
export async function touchesServiceAccess(db: Executor, before: readonly number[], after: readonly number[], settings: Settings = getSettings()): Promise<boolean> {
  const was = new Set(before);
  const is = new Set(after);
  const changed = [...new Set([...before, ...after])].filter((p) => was.has(p) !== is.has(p));
  if (changed.length === 0) return false;
  const keys = new Set(configuredConnectors(settings).map((c) => permissionKey(c.meta.accessPermission)));
  if (keys.size === 0) return false;
  const rows = await db.selectFrom("permissions").select(["app_label", "codename"]).where("id", "in", changed).execute();
  return rows.some((r) => keys.has(`${r.app_label}.${r.codename}` as PermissionKey));
}
