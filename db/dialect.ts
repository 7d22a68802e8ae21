/** Small helpers that let one migration or query serve PostgreSQL and MySQL/MariaDB. */
import { type ColumnDefinitionBuilder, type Kysely, MysqlAdapter, type SqlBool, sql } from "kysely";

export type Dialect = "postgres" | "mysql";

export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof MysqlAdapter ? "mysql" : "postgres";
}

/** Column type for UTC timestamps with millisecond precision. */
export function timestampType(dialect: Dialect) {
  return dialect === "mysql" ? sql`datetime(3)` : sql`timestamptz`;
}

/** Auto-incrementing integer primary key. */
export function idColumn(dialect: Dialect) {
  return (col: ColumnDefinitionBuilder) =>
    dialect === "mysql" ? col.autoIncrement().primaryKey() : col.generatedByDefaultAsIdentity().primaryKey();
}

/** Inserts a row with a generated `id` and returns the id, on both dialects. */
export async function insertReturningId(db: Kysely<any>, table: string, values: Record<string, unknown>): Promise<number> {
  const query = db.insertInto(table).values(values);
  if (dialectOf(db) === "mysql") return Number((await query.executeTakeFirstOrThrow()).insertId);
  return Number((await query.returning("id").executeTakeFirstOrThrow()).id);
}

/** How many rows of `table` have `column` = `value` (the admin's "what goes with it" counts). */
export async function countWhere(db: Kysely<any>, table: string, column: string, value: number | string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).where(column, "=", value).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** `text` with `%`, `_` and `\` matched literally in LIKE (backslash is the LIKE escape on both dialects). */
export function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A case-insensitive "contains" pattern for LIKE: compare it with `lower(column)` (`lower` below). */
export function containsPattern(search: string) {
  return `%${escapeLike(search.toLowerCase())}%`;
}

/** `lower(column)`, the other side of a `containsPattern` comparison. */
export function lower(ref: string) {
  return sql<string>`lower(${sql.ref(ref)})`;
}

/** Up to this many ids, MySQL/MariaDB get them as a plain `in (…)` list (its primary-key ranges). */
const LISTED_IDS = 1000;

/**
 * How an `inIds` list reads in PostgreSQL's SQL: db/index.server.ts keeps such reads unnamed, so
 * each is planned with its values (a kept generic plan would assume ten ids; decision 0048).
 */
export const ID_LIST_SQL = /= any\(cast\(\$\d+ as int\[\]\)\)/;

/**
 * A statement that only reads (its text starts with `select`): what PostgreSQL connections name and
 * keep plans for (db/index.server.ts, decision 0044) and what may share a pipelined connection
 * (db/shared-reads.ts, decision 0051).
 */
export const PLAIN_READ = /^\s*select\b/i;

/**
 * `column in ids` for any number of our integer keys (users, groups, states; not EVE ids) as one
 * statement: a change of 100,000 users is one statement, not twenty lists of 5,000 kept under the
 * drivers' parameter limits.
 * - PostgreSQL: `= any` of one int-array parameter (an index lookup for a few ids, a hashed filter
 *   for many).
 * - MySQL/MariaDB: up to LISTED_IDS ids a plain list; more as one JSON parameter expanded by
 *   `json_table` into a derived table that is materialised once (distinct): MariaDB evaluates an
 *   `in` over `json_table` itself again for every row of an UPDATE or DELETE, which is quadratic.
 */
export function inIds(db: Kysely<any>, column: string, ids: readonly number[]) {
  for (const id of ids) if (!Number.isInteger(id) || id < -2147483648 || id > 2147483647) throw new TypeError(`inIds: ${String(id)} is not an integer key`);
  const ref = sql.ref(column);
  if (dialectOf(db) === "postgres") return sql<SqlBool>`${ref} = any(cast(${ids} as int[]))`;
  if (ids.length === 0) return sql<SqlBool>`1 = 0`;
  if (ids.length <= LISTED_IDS) return sql<SqlBool>`${ref} in (${sql.join(ids)})`;
  return sql<SqlBool>`${ref} in (select listed.id from (select distinct j.id from json_table(${JSON.stringify(ids)}, '$[*]' columns (id int path '$')) as j) as listed)`;
}

/**
 * Refreshes the planner's statistics of `tables` (all of the database's when empty) after a bulk
 * load, as autovacuum (PostgreSQL) or InnoDB's automatic recalculation would some time later: until
 * then PostgreSQL plans a freshly filled table as if it were nearly empty (a sequential scan of
 * 100,000 users where an index fits), and a server running with `autovacuum = off` never catches up.
 */
export async function refreshStatistics(db: Kysely<any>, tables: readonly string[] = []) {
  if (dialectOf(db) === "postgres") {
    await (tables.length ? sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}` : sql`analyze`).execute(db);
    return;
  }
  const names = tables.length ? [...tables] : (await db.introspection.getTables()).filter((t) => !t.isView).map((t) => t.name);
  if (names.length) await sql`analyze table ${sql.join(names.map((t) => sql.table(t)))}`.execute(db);
}
