/** Members for service tests: a user with a main character, a state, groups and an email. */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { makeGroup, makeUser } from "./factories";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import type { Settings } from "~/config.server";
import { Browser } from "./http";

let n = 0;

export async function stateIds(db: Kysely<DB>) {
  const states = await db.selectFrom("states").select(["id", "name"]).execute();
  return { member: states.find((s) => s.name === "Member")!.id, guest: states.find((s) => s.name === "Guest")!.id };
}

export async function groupId(db: Kysely<DB>, name: string) {
  const existing = await db.selectFrom("auth_groups").select("id").where("name", "=", name).executeTakeFirst();
  return existing?.id ?? (await makeGroup(db, name)).id;
}

export async function serviceMember(db: Kysely<DB>, options: { stateId: number; main: string; groups?: string[]; email?: string | null; prefix?: string }) {
  const i = ++n;
  const u = await makeUser(db, { username: `${options.prefix ?? "m"}${i}_${Math.floor(Math.random() * 1e6)}`, ...(options.email === null ? {} : { email: options.email ?? `pilot${i}.${Math.floor(Math.random() * 1e6)}@example.com` }) });
  const characterId = 95_000_000 + Math.floor(Math.random() * 900_000);
  await db
    .insertInto("eve_characters")
    .values({ character_id: characterId, character_name: options.main, corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: new Date() })
    .execute();
  const c = await db.selectFrom("eve_characters").select("id").where("character_id", "=", characterId).executeTakeFirstOrThrow();
  await db.updateTable("users").set({ main_character_id: c.id, state_id: options.stateId }).where("id", "=", u.id).execute();
  for (const name of options.groups ?? []) await db.insertInto("user_groups").values({ user_id: u.id, group_id: await groupId(db, name) }).execute();
  return { ...u, characterId };
}

/** A signed-in browser for the user. */
export async function browserAs(db: Kysely<DB>, settings: Settings, origin: string, userId: number) {
  const u = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
  const token = await createSession(db, settings, u, {});
  const browser = new Browser(origin);
  browser.cookies.set("aa_session", (await sessionCookie(settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
  return browser;
}
