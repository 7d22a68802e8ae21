/**
 * The menu's revision: a site setting that changes, in the same transaction, whenever its rows do.
 * Every page reads it with the session (one scalar subquery in that statement) and renders the menu
 * from the rows kept in memory for that revision, so the rows themselves are read only after a change
 * (on any process: an admin's edit on one web process is seen by the others at their next page).
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { dialectOf } from "../../../db/dialect";

export const MENU_REVISION = "menu_revision";

/** The revision as a column of another statement (null before the first change). */
export function menuRevisionColumn(db: Kysely<DB>) {
  return db.selectFrom("site_settings").select("value").where("name", "=", MENU_REVISION).$asScalar().as("menu_revision");
}

/** Marks the rows changed; call it in the transaction that changes them. */
export async function bumpMenuRevision(db: Kysely<DB>, now = new Date()) {
  const set = { value: randomUUID(), updated_at: now };
  const insert = db.insertInto("site_settings").values({ name: MENU_REVISION, ...set });
  // Two processes may sync the menu at once: an upsert, not delete-then-insert.
  await (dialectOf(db) === "mysql" ? insert.onDuplicateKeyUpdate(set) : insert.onConflict((oc) => oc.column("name").doUpdateSet(set))).execute();
}
