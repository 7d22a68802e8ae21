/**
 * Runs a connector against our desired state: one user (the debounced per-user job) or every linked
 * account (the reconcile). Losing access (permission, state, main, active flag) disables the remote
 * account in the same run; a remote failure throws, so nothing is unlinked and the job retries.
 */
import { systemActor, writeAudit } from "../audit/audit.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import { notifyUser } from "../notifications/notify.server";
import { accountsOfService, findAccount, markError, markSynced } from "./accounts.server";
import type { Connector, ConnectorContext, ReconcileProgress, ReconcileReport, ServiceAccount, SyncParts } from "./contract";
import { loadServiceSubjects, type ServiceSubject } from "./desired.server";

export const ALL_PARTS: SyncParts = { groups: true, nickname: true };

export type UserSyncResult =
  | { kind: "no-account" }
  | { kind: "synced"; changed: boolean }
  | { kind: "grace"; removalDueAt: Date }
  | { kind: "removed"; why: "no-access" | "gone" };

export const userSyncTask = (serviceId: string) => `${serviceId}.update_groups`;
export const userSyncJobKey = (serviceId: string, userId: number) => `${serviceId}.update_groups:${userId}`;

/** Deletes the link (after the remote side was disabled or is gone), with audit and notification. */
async function unlink(ctx: ConnectorContext, connector: Connector, account: ServiceAccount, why: "no-access" | "gone" | "deactivated" | "user", notify: boolean) {
  const title = connector.meta.title;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("service_accounts").where("id", "=", account.id).execute();
    await writeAudit(trx, systemActor(`services.${connector.meta.id}`), {
      action: "service.account_removed",
      targetType: "user",
      targetId: account.userId,
      before: { service: connector.meta.id, remoteId: account.remoteId, remoteUsername: account.remoteUsername },
      reason: why,
    });
    if (notify) {
      const message =
        why === "gone"
          ? `Your ${title} account ${account.remoteUsername ?? ""} is no longer on the server, so it was unlinked. You can activate it again on the services page.`
          : `Your ${title} account was disabled because you no longer have access to ${title}.`;
      await notifyUser(trx, account.userId, { title: `${title} Account Disabled`, message, level: "warning" }, ctx.settings.NOTIFICATIONS_MAX_PER_USER);
    }
  });
}

/** Disables the remote account, then unlinks. The original's delete_user(notify_user). */
export async function removeAccount(ctx: ConnectorContext, connector: Connector, account: ServiceAccount, why: "no-access" | "deactivated" | "user", notify: boolean) {
  try {
    await connector.disableAccount(ctx, account);
  } catch (error) {
    await markError(ctx.db, account.id, error);
    throw error;
  }
  await unlink(ctx, connector, account, why, notify);
}

/** Access lost: with a grace period, warn and schedule; otherwise (or when due) remove. */
async function loseAccess(ctx: ConnectorContext, connector: Connector, account: ServiceAccount, subject: ServiceSubject | undefined): Promise<UserSyncResult> {
  const graceHours = ctx.settings.SERVICES_REMOVAL_GRACE_HOURS;
  const deactivated = !subject || !(await isActive(ctx, account.userId));
  if (graceHours > 0 && !deactivated) {
    if (account.status === "active") {
      const due = new Date(Date.now() + graceHours * 3600_000);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable("service_accounts").set({ status: "grace", removal_due_at: due }).where("id", "=", account.id).execute();
        await writeAudit(trx, systemActor(`services.${connector.meta.id}`), { action: "service.removal_scheduled", targetType: "user", targetId: account.userId, after: { service: connector.meta.id, removalDueAt: due.toISOString() } });
        const title = connector.meta.title;
        await notifyUser(trx, account.userId, { title: `${title} access ending`, message: `You no longer have access to ${title}. Your account will be removed at ${due.toISOString()} unless access returns.`, level: "warning" }, ctx.settings.NOTIFICATIONS_MAX_PER_USER);
        await enqueue(trx, userSyncTask(connector.meta.id), { userId: account.userId }, { jobKey: `${connector.meta.id}.grace:${account.userId}`, runAt: due, queueName: connector.meta.id, priority: PRIORITY.high });
      });
      return { kind: "grace", removalDueAt: due };
    }
    if (account.removalDueAt && account.removalDueAt.getTime() > Date.now()) return { kind: "grace", removalDueAt: account.removalDueAt };
  }
  await removeAccount(ctx, connector, account, deactivated ? "deactivated" : "no-access", !deactivated);
  return { kind: "removed", why: "no-access" };
}

async function isActive(ctx: ConnectorContext, userId: number) {
  const row = await ctx.db.selectFrom("users").select("is_active").where("id", "=", userId).executeTakeFirst();
  return Boolean(row?.is_active);
}

async function restoreFromGrace(ctx: ConnectorContext, connector: Connector, account: ServiceAccount) {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("service_accounts").set({ status: "active", removal_due_at: null }).where("id", "=", account.id).execute();
    await writeAudit(trx, systemActor(`services.${connector.meta.id}`), { action: "service.removal_cancelled", targetType: "user", targetId: account.userId, after: { service: connector.meta.id } });
    await notifyUser(trx, account.userId, { title: `${connector.meta.title} access restored`, level: "success" }, ctx.settings.NOTIFICATIONS_MAX_PER_USER);
  });
}

/** The per-user job: validate access, then bring the remote account to the desired state. */
export async function syncServiceUser(ctx: ConnectorContext, connector: Connector, userId: number, parts: SyncParts = ALL_PARTS): Promise<UserSyncResult> {
  const account = await findAccount(ctx.db, connector.meta.id, userId);
  if (!account) return { kind: "no-account" };
  const subject = (await loadServiceSubjects(ctx.db, connector.meta, [userId])).get(userId);
  if (!subject?.hasAccess) return loseAccess(ctx, connector, account, subject);
  if (account.status === "grace") await restoreFromGrace(ctx, connector, account);
  let outcome;
  try {
    outcome = await connector.syncAccount(ctx, account, subject.desired, parts);
  } catch (error) {
    await markError(ctx.db, account.id, error);
    throw error;
  }
  if (outcome.kind === "gone") {
    await unlink(ctx, connector, account, "gone", true);
    return { kind: "removed", why: "gone" };
  }
  await markSynced(ctx.db, [account.id]);
  return { kind: "synced", changed: outcome.kind === "updated" };
}

export interface ServiceReconcileResult extends ReconcileReport {
  service: string;
  accounts: number;
  removed: number;
  graced: number;
  failed: number;
  at: string;
  ms: number;
}

/** Every linked account: remove those without access, then the connector's bulk reconcile. */
export async function reconcileService(ctx: ConnectorContext, connector: Connector, parts: SyncParts = ALL_PARTS, progress: ReconcileProgress = () => {}): Promise<ServiceReconcileResult> {
  const started = Date.now();
  const accounts = await accountsOfService(ctx.db, connector.meta.id);
  const subjects = await loadServiceSubjects(ctx.db, connector.meta, accounts.map((a) => a.userId));
  const keep: ServiceAccount[] = [];
  let removed = 0;
  let graced = 0;
  let failed = 0;
  for (const account of accounts) {
    const subject = subjects.get(account.userId);
    if (subject?.hasAccess) {
      if (account.status === "grace") await restoreFromGrace(ctx, connector, account);
      keep.push(account);
      continue;
    }
    try {
      const result = await loseAccess(ctx, connector, account, subject);
      if (result.kind === "grace") graced++;
      else removed++;
    } catch {
      failed++;
    }
  }
  const desired = new Map(keep.map((a) => [a.userId, subjects.get(a.userId)!.desired]));
  let report: ReconcileReport;
  if (connector.reconcile) {
    report = await connector.reconcile(ctx, keep, desired, parts, progress);
  } else {
    report = { changed: 0, goneUserIds: [], figures: {}, lists: {} };
    for (const [i, account] of keep.entries()) {
      try {
        const outcome = await connector.syncAccount(ctx, account, desired.get(account.userId)!, parts);
        if (outcome.kind === "updated") report.changed++;
        if (outcome.kind === "gone") report.goneUserIds.push(account.userId);
      } catch (error) {
        failed++;
        await markError(ctx.db, account.id, error);
      }
      await progress(i + 1, keep.length);
    }
  }
  const gone = new Set(report.goneUserIds);
  for (const account of keep) if (gone.has(account.userId)) await unlink(ctx, connector, account, "gone", true);
  await markSynced(
    ctx.db,
    keep.filter((a) => !gone.has(a.userId)).map((a) => a.id),
  );
  const result: ServiceReconcileResult = { ...report, service: connector.meta.id, accounts: accounts.length, removed, graced, failed, at: new Date().toISOString(), ms: Date.now() - started };
  await saveReconcile(ctx, connector.meta.id, result);
  return result;
}

async function saveReconcile(ctx: ConnectorContext, service: string, result: ServiceReconcileResult) {
  const now = new Date();
  const values = { last_reconcile_at: now, last_reconcile: JSON.stringify(result), last_error: null, updated_at: now };
  const updated = await ctx.db.updateTable("service_sync_state").set(values).where("service", "=", service).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await ctx.db.insertInto("service_sync_state").values({ service, progress_key: null, managed: null, ...values }).execute();
}

export async function lastReconcile(ctx: Pick<ConnectorContext, "db">, service: string): Promise<ServiceReconcileResult | null> {
  const row = await ctx.db.selectFrom("service_sync_state").select("last_reconcile").where("service", "=", service).executeTakeFirst();
  return row?.last_reconcile ? (JSON.parse(row.last_reconcile) as ServiceReconcileResult) : null;
}
