/**
 * The single call site through which membership, state and permission changes reach the external
 * services. The service connectors (a later issue) add the sync jobs here; until a connector is
 * configured there is nothing to keep in sync, so this deliberately does no work yet.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";

type Executor = Kysely<DB> | Transaction<DB>;

export async function servicesNeedSync(_db: Executor, _userIds: number[], _reason: string): Promise<void> {
  // No connectors are registered yet.
}
