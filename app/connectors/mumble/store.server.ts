/**
 * The mumble_mumbleuser rows (the original's data contract, read by the murmur authenticator in
 * table mode and kept as the account record in direct mode too). A deactivated account keeps its
 * row with the hash of a password nobody knows and no groups: the authenticator then refuses the
 * name (-1) instead of falling through to murmur, which would admit it as a guest (-2).
 */
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { DB, MumbleMumbleuserTable } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { hashMumblePassword, MUMBLE_HASHFN, unknowablePassword } from "./password.server";

type Executor = Kysely<DB> | Transaction<DB>;
export type MumbleRow = Selectable<MumbleMumbleuserTable>;
const CHUNK = 1000;

/** The groups column: sanitised names and the state, de-duplicated, sorted, comma-joined (no spaces). */
export function groupsColumn(groups: string[]): string {
  return [...new Set(groups.map((g) => g.replace(/,/g, "")).filter(Boolean))].sort().join(",");
}

/** Mumble login names have no spaces (murmur refuses them before asking the authenticator). */
export function mumbleUsername(name: string): string {
  return name.trim().replace(/\s+/g, "_");
}

export async function findRow(db: Executor, userId: number): Promise<MumbleRow | undefined> {
  return db.selectFrom("mumble_mumbleuser").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/** Another user's row holding `username` or `displayName` (the columns are unique). */
export async function nameTaken(db: Executor, userId: number, username: string, displayName: string): Promise<boolean> {
  const row = await db
    .selectFrom("mumble_mumbleuser")
    .select("user_id")
    .where("user_id", "<>", userId)
    .where((eb) => eb.or([eb("username", "=", username), eb("display_name", "=", displayName)]))
    .executeTakeFirst();
  return Boolean(row);
}

/** Creates the row, or revives the user's deactivated one, with a new password hash. */
export async function saveRow(db: Executor, userId: number, values: { username: string; displayName: string; password: string; groups: string[] }, cost: number) {
  const data = { username: values.username, display_name: values.displayName, pwhash: hashMumblePassword(values.password, cost), hashfn: MUMBLE_HASHFN, groups: groupsColumn(values.groups) };
  const updated = await db.updateTable("mumble_mumbleuser").set(data).where("user_id", "=", userId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto("mumble_mumbleuser").values({ user_id: userId, ...data, certhash: null, release: null, version: null, last_connect: null, last_disconnect: null }).execute();
}

export async function setRowPassword(db: Executor, userId: number, password: string, cost: number) {
  await db.updateTable("mumble_mumbleuser").set({ pwhash: hashMumblePassword(password, cost), hashfn: MUMBLE_HASHFN }).where("user_id", "=", userId).execute();
}

/** Deactivation: the name stays reserved, nobody can log in with it, no groups (a 64-character random password needs no cost). */
export async function disableRow(db: Executor, userId: number) {
  await db.updateTable("mumble_mumbleuser").set({ pwhash: hashMumblePassword(unknowablePassword(), 4), hashfn: MUMBLE_HASHFN, groups: null }).where("user_id", "=", userId).execute();
}

export async function rowsOf(db: Executor, userIds: number[]): Promise<Map<number, MumbleRow>> {
  const out = new Map<number, MumbleRow>();
  if (userIds.length === 0) return out;
  for (const r of await db.selectFrom("mumble_mumbleuser").selectAll().where(inIds(db, "user_id", userIds)).execute()) out.set(r.user_id, r);
  return out;
}

export interface RowChange {
  userId: number;
  groups?: string;
  displayName?: string;
  username?: string;
}

/** One UPDATE … CASE per chunk for every changed row (set-based, whatever the number of users). */
export async function applyRowChanges(db: Executor, changes: RowChange[]): Promise<number> {
  let statements = 0;
  for (let i = 0; i < changes.length; i += CHUNK) {
    const chunk = changes.slice(i, i + CHUNK);
    const set: Record<string, unknown> = {};
    for (const column of ["groups", "display_name", "username"] as const) {
      const field = column === "display_name" ? "displayName" : column;
      const rows = chunk.filter((c) => c[field] !== undefined);
      if (!rows.length) continue;
      const whens = rows.map((c) => sql`when ${c.userId} then ${c[field]!}`);
      set[column] = sql`case ${sql.ref("user_id")} ${sql.join(whens, sql` `)} else ${sql.ref(column)} end`;
    }
    await db
      .updateTable("mumble_mumbleuser")
      .set(set as never)
      .where(
        "user_id",
        "in",
        chunk.map((c) => c.userId),
      )
      .execute();
    statements++;
  }
  return statements;
}
