/** The original's `create_application_test` for the apply pages (web layer; imported by route modules only): a main character or a 403 that says so. */
import type { AppLoadContext } from "@remix-run/node";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { appContext, requireUser } from "../plugin-web.server";

export async function requireMain(request: Request, context: AppLoadContext) {
  const user = await requireUser(request, context);
  if (!(await mainCharacterOf(appContext().db, user.id))) throw new Response("A main character is required to apply.", { status: 403, statusText: "Forbidden" });
  return user;
}
