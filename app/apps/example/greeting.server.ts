/** The example app's domain: plain functions over the database (no Remix, no React). */
import { appContext, notify, type AppContext } from "../plugin-api.server";

export interface Greeting {
  username: string;
  characters: number;
}

/** Whom to greet, and how many characters they have registered. */
export async function greetingFor({ db }: AppContext, userId: number): Promise<Greeting | null> {
  const row = await db
    .selectFrom("users as u")
    .leftJoin("character_ownerships as o", "o.user_id", "u.id")
    .select((eb) => ["u.username", eb.fn.count<string>("o.id").as("characters")])
    .where("u.id", "=", userId)
    .groupBy("u.username")
    .executeTakeFirst();
  return row ? { username: row.username, characters: Number(row.characters) } : null;
}

/** The example job: a notification to one user (nothing when the user does not exist). */
export async function sendGreeting(userId: number, ctx: AppContext = appContext()): Promise<{ sent: boolean }> {
  const greeting = await greetingFor(ctx, userId);
  if (!greeting) return { sent: false };
  await notify(ctx, [userId], { title: `Hello ${greeting.username}`, message: "A greeting from the example app.", level: "info" });
  return { sent: true };
}
