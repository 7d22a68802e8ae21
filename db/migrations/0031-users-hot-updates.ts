/**
 * PostgreSQL: a member's state, last login, language and theme change in place. An UPDATE that
 * changes no indexed column and finds room on the row's page is a heap-only tuple (HOT) update: no
 * index of `users` is touched. Two things kept that from happening: the index on `state_id` (every
 * state change is a change of an indexed column) and full pages. The index goes (its readers, a
 * state's holders and the admin's state filter, scan a table of a few thousand rows, or 100,000 in
 * a few milliseconds), and pages are filled to half, so even a state edit that changes every member
 * at once finds room for each new row version. A state edit changing all 100,000 users wrote
 * 300,000 index entries for its 100,000 rows before (docs/decisions/0052).
 *
 * MySQL/MariaDB: unchanged. InnoDB updates rows in place anyway, and needs an index on a foreign
 * key's column.
 */
import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect";

export async function up(db: Kysely<any>) {
  if (dialectOf(db) !== "postgres") return;
  await sql`drop index if exists users_state_idx`.execute(db);
  // New pages are filled to half; existing ones gain room as old row versions are pruned.
  await sql`alter table users set (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<any>) {
  if (dialectOf(db) !== "postgres") return;
  await sql`alter table users reset (fillfactor)`.execute(db);
  await db.schema.createIndex("users_state_idx").on("users").column("state_id").execute();
}
