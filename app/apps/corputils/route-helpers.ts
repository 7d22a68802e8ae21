/** What the corp stats route modules share (server side only: the guard and the list parameters; not a domain module). */
import type { AppLoadContext } from "@remix-run/node";
import { type CurrentUser, forbidden, requireUser } from "~/web/guards.server";
import { readChoice, readText } from "~/web/input.server";
import { parsePage } from "~/web/params.server";
import type { ListOptions } from "./members.server";
import { mayUseCorpStats, PAGE_SIZES, VIEW_CORP } from "./permissions";

/** The original's access test on every corp stats page (any view permission or the add permission). */
export async function requireCorpStatsUser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!mayUseCorpStats(user)) await forbidden(user, context, request, VIEW_CORP);
  return user;
}

/** `?q=`, `?sort=`, `?dir=`, `?page=` and `?size=` of a list; a malformed one is a 400. */
export function listOptions(params: URLSearchParams): ListOptions {
  const size = readChoice(params, "size", PAGE_SIZES.map(String));
  return {
    q: readText(params, "q", { max: 100 }),
    sort: readText(params, "sort", { max: 40 }) || null,
    dir: readChoice(params, "dir", ["asc", "desc"] as const) ?? "asc",
    page: parsePage(params.get("page")),
    pageSize: size ? Number(size) : 50,
  };
}
