/** Signed-in browsers for HTTP tests: a session row and its cookie, without going through a login form. */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { createSession } from "~/modules/auth/sessions.server";
import { sessionCookie } from "~/web/cookies.server";
import { Browser } from "./http";
import { permissionId } from "./factories";
import type { TestRuntime } from "./db";

export type Pairs = [string, string][];

export interface SignedIn {
  browser: Browser;
  csrf: string;
  /** POSTs the pairs as a form with the CSRF token (repeated names allowed). */
  post: (path: string, pairs: Pairs) => Promise<Response>;
}

export async function signedIn(rt: TestRuntime, origin: string, user: { id: number; is_staff: boolean; is_superuser: boolean }, csrfPage = "/dashboard"): Promise<SignedIn> {
  const token = await createSession(rt.db, rt.settings, user, {});
  const browser = new Browser(origin);
  browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
  const csrf = await browser.csrfFrom(csrfPage);
  const post = (path: string, pairs: Pairs) =>
    fetch(origin + path, {
      method: "POST",
      headers: { cookie: browser.cookieHeader(), origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([["csrf", csrf], ...pairs]).toString(),
      redirect: "manual",
    });
  return { browser, csrf, post };
}

export async function grant(db: Kysely<DB>, userId: number, ...keys: string[]) {
  for (const key of keys) await db.insertInto("user_permissions").values({ user_id: userId, permission_id: await permissionId(db, key) }).execute();
}

export async function auditCount(db: Kysely<DB>, where: { action?: string; actor?: number; type?: string; id?: string }) {
  let q = db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n"));
  if (where.action) q = q.where("action", "=", where.action);
  if (where.actor) q = q.where("actor_user_id", "=", where.actor);
  if (where.type) q = q.where("target_type", "=", where.type);
  if (where.id) q = q.where("target_id", "=", where.id);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
