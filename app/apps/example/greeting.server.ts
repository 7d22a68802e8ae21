/** The example app's domain: plain functions over the database (no Remix, no React). */
import { appContext, insertReturningId, notify, writeAudit, type Actor, type AppContext } from "../plugin-api.server";

type Db = AppContext["db"];

export interface Greeting {
  username: string;
  characters: number;
}

/** The message the job sends when the admin has written none (example → Greetings). */
export const DEFAULT_GREETING = "A greeting from the example app.";

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

/** The newest greeting the admin wrote, or the default one. */
export async function currentGreeting(db: Db): Promise<string> {
  const row = await db.selectFrom("example_greetings").select("text").orderBy("created_at", "desc").orderBy("id", "desc").executeTakeFirst();
  return row?.text ?? DEFAULT_GREETING;
}

/** The example job: a notification to one user (nothing when the user does not exist). */
export async function sendGreeting(userId: number, ctx: AppContext = appContext()): Promise<{ sent: boolean }> {
  const greeting = await greetingFor(ctx, userId);
  if (!greeting) return { sent: false };
  await notify(ctx, [userId], { title: `Hello ${greeting.username}`, message: await currentGreeting(ctx.db), level: "info" });
  return { sent: true };
}

// The admin resource's operations (admin-resource.server.ts): each writes its audit row in its transaction.

export async function greetingForForm(db: Db, id: number) {
  const row = await db.selectFrom("example_greetings").select(["text"]).where("id", "=", id).executeTakeFirst();
  return row ? { text: row.text } : null;
}

export async function createGreeting(db: Db, text: string, actor: Actor, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await insertReturningId(trx, "example_greetings", { text, created_at: now });
    await writeAudit(trx, actor, { action: "example_greeting.created", targetType: "example_greeting", targetId: String(id), after: { text } });
    return id;
  });
}

export async function updateGreeting(db: Db, id: number, text: string, before: Record<string, unknown>, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("example_greetings").set({ text }).where("id", "=", id).execute();
    await writeAudit(trx, actor, { action: "example_greeting.changed", targetType: "example_greeting", targetId: String(id), before, after: { text } });
  });
}

export async function deleteGreeting(db: Db, id: number, before: Record<string, unknown>, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("example_greetings").where("id", "=", id).execute();
    await writeAudit(trx, actor, { action: "example_greeting.deleted", targetType: "example_greeting", targetId: String(id), before });
  });
}
