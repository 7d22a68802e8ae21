/**
 * Scratch forum databases (phpBB3, SMF, IPS4) on the test MariaDB (TEST_MYSQL_URL), built from the
 * trimmed real schemas in tests/fixtures/forums/. Nothing is downloaded; each caller gets its own
 * database and drops it afterwards.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createConnection, type Connection } from "mysql2/promise";

export type ForumKind = "phpbb3" | "smf" | "ips4";
export const DEFAULT_PREFIX: Record<ForumKind, string> = { phpbb3: "phpbb_", smf: "smf_", ips4: "" };

function connectionOptions(url: string, database?: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || "root"), password: decodeURIComponent(u.password), database, multipleStatements: true, charset: "utf8mb4" };
}

export interface ForumDatabase {
  kind: ForumKind;
  url: string;
  prefix: string;
  /** A direct connection for assertions and for drifting the forum by hand. */
  conn: Connection;
  table(name: string): string;
  drop(): Promise<void>;
}

/** Creates `<name>` on the server of `serverUrl` and loads the forum's schema with `prefix`. */
export async function createForumDatabase(serverUrl: string, kind: ForumKind, options: { prefix?: string; name?: string } = {}): Promise<ForumDatabase> {
  const prefix = options.prefix ?? DEFAULT_PREFIX[kind];
  const name = options.name ?? `aa_forum_${kind}_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = await createConnection(connectionOptions(serverUrl));
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const schema = fs.readFileSync(path.resolve("tests/fixtures/forums", `${kind}.sql`), "utf8").replaceAll("{prefix}", prefix);
  const conn = await createConnection(connectionOptions(serverUrl, name));
  await conn.query(schema);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    kind,
    url: u.toString(),
    prefix,
    conn,
    table: (t) => `\`${prefix}${t}\``,
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => {});
      await conn.end().catch(() => {});
    },
  };
}

/** The settings that point a connector at `forum`. */
export function forumSettings(forum: Pick<ForumDatabase, "kind" | "url" | "prefix">, siteUrl = `https://forum.example/${forum.kind}`): Record<string, string> {
  const key = forum.kind.toUpperCase();
  return { [`${key}_DATABASE_URL`]: forum.url, [`${key}_TABLE_PREFIX`]: forum.prefix, [`${key}_URL`]: siteUrl };
}
