/**
 * The pickers' search (app/components/multi-picker.tsx), as JSON: `?q=` a name (part of it) or an
 * id. EVE characters, corporations, alliances and factions are public, so any signed-in member may
 * search them (stored rows, then ESI); usernames only staff.
 */
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff, requireUser } from "~/web/guards.server";
import { paramsOf, readText } from "~/web/input.server";
import { isLookupKind, lookup } from "~/web/lookup.server";
import { notFound } from "~/web/params.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  if (!isLookupKind(params.kind)) notFound();
  if (params.kind === "user") await requireStaff(request, context);
  else await requireUser(request, context);
  const q = readText(paramsOf(request), "q", { max: 100 });
  return json(
    { results: await lookup(params.kind, q) },
    { headers: { "Cache-Control": "no-store" } }
  );
}
