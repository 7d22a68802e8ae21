/**
 * `/demo-images/<category>/<id>`: in demo mode, a placeholder for an EVE portrait or logo (the fake
 * world's ids have none on the image server); 404 otherwise. EveImage points here in demo mode.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { IMAGE_CATEGORIES } from "~/modules/eve/evelinks";
import { entityName, placeholderSvg } from "~/modules/eve/placeholder-image.server";
import { getRuntime } from "~/modules/runtime.server";
import { notFound, pathId } from "~/web/params.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const { db, settings } = getRuntime();
  if (!settings.demoMode) notFound();
  const kind = IMAGE_CATEGORIES.find((c) => c === params.kind) ?? notFound();
  const id = pathId(params.id);
  return new Response(placeholderSvg(id, await entityName(db, kind, id), kind), {
    headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "public, max-age=3600", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'" },
  });
}
