/** service_accounts rows: the links between our users and their remote accounts. */
import type { Kysely, Selectable, Transaction } from "kysely";
import type { DB, ServiceAccountsTable } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import type { ServiceAccount } from "./contract";

type Executor = Kysely<DB> | Transaction<DB>;

export function toAccount(row: Selectable<ServiceAccountsTable>): ServiceAccount {
  return {
    id: row.id,
    userId: row.user_id,
    service: row.service,
    remoteId: row.remote_id,
    remoteUsername: row.remote_username,
    status: row.status,
    lastSyncAt: row.last_sync_at,
    lastError: row.last_error,
    removalDueAt: row.removal_due_at,
  };
}

export async function findAccount(db: Executor, service: string, userId: number): Promise<ServiceAccount | null> {
  const row = await db.selectFrom("service_accounts").selectAll().where("service", "=", service).where("user_id", "=", userId).executeTakeFirst();
  return row ? toAccount(row) : null;
}

export async function accountsOfUser(db: Executor, userId: number): Promise<ServiceAccount[]> {
  const rows = await db.selectFrom("service_accounts").selectAll().where("user_id", "=", userId).execute();
  return rows.map(toAccount);
}

export async function accountsOfService(db: Executor, service: string): Promise<ServiceAccount[]> {
  const rows = await db.selectFrom("service_accounts").selectAll().where("service", "=", service).orderBy("id").execute();
  return rows.map(toAccount);
}

/** Of `userIds`, those with an account on `service` (one statement for any number: inIds). */
export async function linkedUserIds(db: Executor, service: string, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const rows = await db.selectFrom("service_accounts").select("user_id").where("service", "=", service).where(inIds(db, "user_id", userIds)).execute();
  return rows.map((r) => r.user_id);
}

/** Creates or refreshes the link (activation; re-activation of an existing row keeps its id). */
export async function upsertAccount(db: Executor, service: string, userId: number, remote: { remoteId: string; remoteUsername: string; credentials?: string | null }) {
  const now = new Date();
  const existing = await findAccount(db, service, userId);
  if (existing) {
    await db
      .updateTable("service_accounts")
      .set({ remote_id: remote.remoteId, remote_username: remote.remoteUsername, credentials: remote.credentials ?? null, status: "active", removal_due_at: null, last_sync_at: now, last_error: null, last_error_at: null })
      .where("id", "=", existing.id)
      .execute();
    return existing.id;
  }
  await db
    .insertInto("service_accounts")
    .values({ user_id: userId, service, remote_id: remote.remoteId, remote_username: remote.remoteUsername, credentials: remote.credentials ?? null, status: "active", synced: null, activated_at: now, last_sync_at: now, last_error: null, last_error_at: null, removal_due_at: null })
    .execute();
  return (await findAccount(db, service, userId))!.id;
}

/** The remote account was renamed (a forum login following the name format). */
export async function setRemoteUsername(db: Executor, accountId: number, remoteUsername: string) {
  await db.updateTable("service_accounts").set({ remote_username: remoteUsername.slice(0, 191) }).where("id", "=", accountId).execute();
}

export async function markSynced(db: Executor, accountIds: number[], at = new Date()) {
  if (accountIds.length === 0) return;
  await db.updateTable("service_accounts").set({ last_sync_at: at, last_error: null, last_error_at: null }).where(inIds(db, "id", accountIds)).execute();
}

export async function markError(db: Executor, accountId: number, error: unknown) {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  await db.updateTable("service_accounts").set({ last_error: message, last_error_at: new Date() }).where("id", "=", accountId).execute();
}
