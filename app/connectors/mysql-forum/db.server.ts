/**
 * The forum's own MySQL/MariaDB database (phpBB3, SMF, IPS4): one pool per URL for the life of the
 * process, plain SQL with placeholders, the table prefix applied in one place, and a count of the
 * statements issued (the drift report and the benchmark print it).
 */
import type { Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";

/** mysql2 is loaded when a forum is first reached, not with the site. */
const pools = new Map<string, Promise<Pool>>();

function poolFor(url: string): Promise<Pool> {
  let pool = pools.get(url);
  if (!pool) {
    const u = new URL(url);
    pool = import("mysql2/promise").then(({ createPool }) =>
      createPool({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username || "root"),
        password: decodeURIComponent(u.password),
        database: decodeURIComponent(u.pathname.slice(1)),
        charset: "utf8mb4",
        connectionLimit: 4,
        connectTimeout: 5000,
        supportBigNumbers: true,
        bigNumberStrings: false,
      }),
    );
    pools.set(url, pool);
  }
  return pool;
}

/** Closes every forum pool (tests, shutdown). */
export async function closeForumPools() {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.then((pool) => pool.end()).catch(() => {})));
}

export type Row = Record<string, unknown>;

export class ForumDb {
  /** Statements sent since this handle was made. */
  statements = 0;
  private readonly pool: Promise<Pool>;

  constructor(url: string, private readonly prefix: string) {
    if (!/^[A-Za-z0-9_]*$/.test(prefix)) throw new Error("table prefix: letters, digits and _ only");
    this.pool = poolFor(url);
  }

  /** A table name with the forum's prefix, quoted. */
  table(name: string): string {
    return `\`${this.prefix}${name}\``;
  }

  async rows<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.statements++;
    const [rows] = await (await this.pool).query<RowDataPacket[]>(sql, params);
    return rows as T[];
  }

  async run(sql: string, params: unknown[] = []): Promise<ResultSetHeader> {
    this.statements++;
    const [result] = await (await this.pool).query<ResultSetHeader>(sql, params);
    return result;
  }

  /** UPDATE `table` SET each column of `values` WHERE `where`; returns the rows matched. */
  async update(table: string, values: Record<string, unknown>, where: string, whereParams: unknown[]): Promise<number> {
    const assignments = Object.keys(values).map((k) => `\`${k}\` = ?`);
    const result = await this.run(`UPDATE ${this.table(table)} SET ${assignments.join(", ")} WHERE ${where}`, [...Object.values(values), ...whereParams]);
    return result.affectedRows;
  }

  /** INSERT one row; returns its auto-increment id. */
  async insert(table: string, values: Record<string, unknown>): Promise<number> {
    const columns = Object.keys(values).map((k) => `\`${k}\``);
    return (await this.run(`INSERT INTO ${this.table(table)} (${columns.join(", ")}) VALUES (?)`, [Object.values(values)])).insertId;
  }

  /** One UPDATE … CASE per chunk: `column` of each row (by `idColumn`) to its own value. */
  async setEach(table: string, idColumn: string, column: string, values: { id: number; value: string }[]) {
    for (const part of chunks(values, 500)) {
      const cases = part.map(() => "WHEN ? THEN ?").join(" ");
      await this.run(`UPDATE ${this.table(table)} SET \`${column}\` = CASE \`${idColumn}\` ${cases} END WHERE \`${idColumn}\` IN (?)`, [...part.flatMap((v) => [v.id, v.value]), part.map((v) => v.id)]);
    }
  }

  /** Rows whose comma list `listColumn` holds one of `groupIds`, leaving out `linked` ids: "name (id)", capped. */
  async commaListHolders(table: string, columns: { id: string; name: string; list: string }, groupIds: number[], linked: Set<number>, cap: number): Promise<string[]> {
    const anyGroup = groupIds.map(() => `FIND_IN_SET(?, \`${columns.list}\`)`).join(" OR ");
    const notLinked = linked.size > 0 ? `AND \`${columns.id}\` NOT IN (?)` : "";
    const rows = await this.rows<{ id: number; name: string }>(
      `SELECT \`${columns.id}\` AS id, \`${columns.name}\` AS name FROM ${this.table(table)} WHERE (${anyGroup}) ${notLinked} ORDER BY \`${columns.id}\` LIMIT ${Number(cap)}`,
      [...groupIds.map(String), ...(linked.size > 0 ? [[...linked]] : [])],
    );
    return rows.map((r) => `${r.name} (${r.id})`);
  }

  /** `(?, ?), (?, ?)…` for a multi-row VALUES list, with the flattened parameters. */
  static values(rows: unknown[][]): { sql: string; params: unknown[] } {
    return {
      sql: rows.map((r) => `(${r.map(() => "?").join(", ")})`).join(", "),
      params: rows.flat(),
    };
  }
}

/** Splits a long id list for IN (…) lists. */
export function chunks<T>(items: T[], size = 2000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const unixNow = () => Math.floor(Date.now() / 1000);
