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
import { userSyncJobKey, userSyncTask } from "./runner.server";

type Executor = Kysely<DB> | Transaction<DB>;

export const reconcileTask = (serviceId: string) => `${serviceId}.update_all`;

export async function servicesNeedSync(db: Executor, userIds: number[], reason: string, settings: Settings = getSettings()): Promise<{ jobs: number }> {
  if (userIds.length === 0) return { jobs: 0 };
  let jobs = 0;
  for (const connector of configuredConnectors(settings)) {
    const id = connector.meta.id;
    const linked = await linkedUserIds(db, id, [...new Set(userIds)]);
    if (linked.length === 0) continue;
    if (linked.length > settings.SERVICES_BULK_THRESHOLD) {
      await enqueue(db, reconcileTask(id), { reason: reason.slice(0, 100) }, { jobKey: reconcileTask(id), jobKeyMode: "preserve_run_at", queueName: id, priority: PRIORITY.bulk });
      jobs++;
      continue;
    }
    const runAt = new Date(Date.now() + settings.SERVICES_SYNC_DEBOUNCE_SECONDS * 1000);
    for (const userId of linked) {
      await enqueue(db, userSyncTask(id), { userId }, { jobKey: userSyncJobKey(id, userId), jobKeyMode: "replace", runAt, queueName: id, priority: PRIORITY.high });
      jobs++;
    }
  }
  return { jobs };
}
