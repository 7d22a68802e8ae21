/** Corp stats (the original's corputils): one membership snapshot per corporation, read with a member's ESI token. */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("corputils_corpstats")
    .addColumn("id", "integer", idColumn(dialect))
    // One per corporation (the original's one-to-one).
    .addColumn("corporation_id", "bigint", (c) => c.notNull().unique().references("eve_corporations.corporation_id").onDelete("cascade"))
    // A deleted token leaves the stats in place until the next update, which tells the owner and removes them.
    .addColumn("token_id", "integer", (c) => c.references("esi_tokens.id").onDelete("set null"))
    // Who added them: told when the stats are removed, even once the token is gone.
    .addColumn("owner_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("last_update", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("corputils_members")
    .addColumn("corpstats_id", "integer", (c) => c.notNull().references("corputils_corpstats.id").onDelete("cascade"))
    .addColumn("character_id", "bigint", (c) => c.notNull())
    .addColumn("character_name", "varchar(37)", (c) => c.notNull())
    .addPrimaryKeyConstraint("corputils_members_pk", ["corpstats_id", "character_id"])
    .execute();
  await db.schema.createIndex("corputils_members_character_idx").on("corputils_members").column("character_id").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("corputils_members").execute();
  await db.schema.dropTable("corputils_corpstats").execute();
}
