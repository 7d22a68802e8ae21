/** Glue between jobs and the runner: a reconcile that reports progress, and the admin's per-user sync. */
import type { Connector, ConnectorContext, SyncParts } from "./contract";
import { finishProgress, updateProgress } from "./progress.server";
import { getSettings } from "~/config.server";
import { configuredConnectors } from "../../connectors/registry.server";
import { reconcileService, syncServiceUser } from "./runner.server";

export function configured(connector: Connector, ctx: ConnectorContext) {
  return connector.isConfigured(ctx.settings);
}

export async function runReconcile(ctx: ConnectorContext, connector: Connector, parts: SyncParts, progressKey?: string) {
  if (!configured(connector, ctx)) return { skipped: "not configured" };
  try {
    const result = await reconcileService(ctx, connector, parts, async (done, total) => {
      if (progressKey) await updateProgress(ctx.db, progressKey, done, total);
    });
    if (progressKey) await finishProgress(ctx.db, progressKey, "done", result.failed);
    return result;
  } catch (error) {
    if (progressKey) await finishProgress(ctx.db, progressKey, "failed", 0);
    throw error;
  }
}


/**
 * The admin's bulk "sync groups" / "sync nicknames" for one user: every configured service the user
 * has an account on (nicknames: the services that keep them), access checked first as in the job.
 * Throws when any service failed, after trying all of them (the bulk job counts it as failed).
 */
export async function syncUserServices(db: ConnectorContext["db"], userId: number, parts: SyncParts, settings = getSettings()) {
  const ctx: ConnectorContext = { db, settings };
  const failures: string[] = [];
  for (const connector of configuredConnectors(settings)) {
    if (parts.nickname && !parts.groups && !connector.meta.syncsNicknames) continue;
    try {
      await syncServiceUser(ctx, connector, userId, parts);
    } catch (error) {
      failures.push(`${connector.meta.id}: ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(failures.join("; "));
}
