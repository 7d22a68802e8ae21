/** The example app's domain: plain functions over the database (no Remix, no React). */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";

export interface Greeting {
  username: string;
  characters: number;
}

/** Whom to greet, and how many characters they have registered. */
export async function greetingFor(db: Kysely<DB>, userId: number): Promise<Greeting | null> {
  const row = await db
    .selectFrom("users as u")
    .leftJoin("character_ownerships as o", "o.user_id", "u.id")
    .select((eb) => ["u.username", eb.fn.count<string>("o.id").as("characters")])
    .where("u.id", "=", userId)
    .groupBy("u.username")
    .executeTakeFirst();
  return row ? { username: row.username, characters: Number(row.characters) } : null;
}
