/**
 * EVE in production: one row shared by every process that paces token refreshes at the EVE SSO
 * (a cap per minute) and pauses them after `invalid_client` or a 429 with Retry-After.
 */
import type { Kysely } from "kysely";
import { dialectOf, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const ts = timestampType(dialectOf(db));
  await db.schema
    .createTable("eve_sso_throttle")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("window_start", ts, (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("blocked_until", ts)
    .addColumn("blocked_reason", "varchar(64)")
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("eve_sso_throttle").ifExists().execute();
}
