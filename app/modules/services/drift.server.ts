/**
 * The last reconcile of each service as numbers for /metrics: what differed and was fixed, what was
 * removed, what could not be explained (the drift report's counts), and when it ran. Read from the
 * database at scrape time, because the reconcile runs in the worker and /metrics in the web process.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { ServiceReconcileResult } from "./runner.server";

export interface ServiceDrift {
  service: string;
  /** Seconds since the epoch of the last reconcile. */
  at: number;
  /** kind → count: changed, removed, graced, failed, gone, accounts, plus the connector's figures. */
  counts: Record<string, number>;
}

export async function serviceDrift(db: Kysely<DB>): Promise<ServiceDrift[]> {
  const rows = await db.selectFrom("service_sync_state").select(["service", "last_reconcile"]).where("last_reconcile", "is not", null).orderBy("service").execute();
  return rows.flatMap((row) => {
    try {
      const r = JSON.parse(row.last_reconcile!) as ServiceReconcileResult;
      const counts: Record<string, number> = { accounts: r.accounts, changed: r.changed, removed: r.removed, graced: r.graced, failed: r.failed, gone: r.goneUserIds.length };
      for (const [kind, value] of Object.entries(r.figures ?? {})) if (Number.isFinite(value) && !(kind in counts)) counts[kind] = value;
      return [{ service: row.service, at: Date.parse(r.at) / 1000, counts }];
    } catch {
      return [];
    }
  });
}
