/** Small helpers that let one migration or query serve PostgreSQL and MySQL/MariaDB. */
import { type ColumnDefinitionBuilder, type Kysely, MysqlAdapter, sql } from "kysely";

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
