/**
 * Mumble: the original's `mumble_mumbleuser` table, column for column, so the murmur authenticator
 * daemon that served Alliance Auth keeps working against our database (table mode). The
 * authenticator reads user_id, username, pwhash, hashfn, groups, display_name and writes release,
 * version, last_connect and last_disconnect.
 */
import type { Kysely } from "kysely";
import { dialectOf, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const ts = timestampType(dialectOf(db));
  await db.schema
    .createTable("mumble_mumbleuser")
    .addColumn("user_id", "integer", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("username", "varchar(254)", (c) => c.notNull().unique())
    // passlib bcrypt_sha256 (`$bcrypt-sha256$v=2,t=2b,r=12$…`), what the authenticator verifies.
    .addColumn("pwhash", "varchar(90)", (c) => c.notNull())
    .addColumn("hashfn", "varchar(20)", (c) => c.notNull().defaultTo("sha1"))
    // Sanitised group names and the state name, comma-joined (no spaces around the commas).
    .addColumn("groups", "text")
    .addColumn("certhash", "varchar(254)")
    .addColumn("display_name", "varchar(254)", (c) => c.notNull().unique())
    .addColumn("release", "text")
    .addColumn("version", "integer")
    .addColumn("last_connect", ts)
    .addColumn("last_disconnect", ts)
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("mumble_mumbleuser").execute();
}
