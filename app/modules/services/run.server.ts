/** Glue between jobs and the runner: the context from the runtime, and a reconcile that reports progress. */
import { getRuntime } from "../runtime.server";
import type { Connector, ConnectorContext, SyncParts } from "./contract";
import { finishProgress, updateProgress } from "./progress.server";
import { reconcileService } from "./runner.server";

export function connectorContext(): ConnectorContext {
  const { db, settings } = getRuntime();
  return { db, settings };
}

export function configured(connector: Connector, ctx: ConnectorContext) {
  return connector.isConfigured(ctx.settings);
}

export async function runReconcile(connector: Connector, parts: SyncParts, progressKey?: string) {
  const ctx = connectorContext();
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

