/**
 * Discord rate limits shared by every process: bucket hashes learned per route, request windows per
 * bucket and guild, the global window and the invalid-request count (see
 * app/connectors/discord/rate-limit-store.server.ts). Times are epoch milliseconds (bigint), so the
 * atomic UPDATEs compare plain numbers on both dialects.
 */
import type { Kysely } from "kysely";
import { dialectOf, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const ts = timestampType(dialectOf(db));
  await db.schema
    .createTable("discord_ratelimits")
    .addColumn("rl_key", "varchar(191)", (c) => c.primaryKey())
    .addColumn("bucket", "varchar(100)")
    .addColumn("lim", "integer", (c) => c.notNull())
    .addColumn("remaining", "integer", (c) => c.notNull())
    .addColumn("reset_at", "bigint", (c) => c.notNull())
    .addColumn("window_ms", "bigint", (c) => c.notNull())
    .addColumn("updated_at", ts)
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("discord_ratelimits").execute();
}
