/**
 * `/branding/<kind>.<hash>.<ext>`: the admin's custom stylesheet (`custom.<hash>.css`) and the
 * uploaded logo and favicon, cached for a year under their content hash (a change gives a new name).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { assetUrl, customCss, loadAsset } from "~/modules/branding/branding.server";
import { getRuntime } from "~/modules/runtime.server";

const IMMUTABLE = "public, max-age=31536000, immutable";

function notFound(): never {
  throw new Response("Not Found", { status: 404, headers: { "Cache-Control": "no-store" } });
}

export async function loader({ params }: LoaderFunctionArgs) {
  const match = /^(custom|logo|favicon)\.([0-9a-f]{16})\.(css|png|jpg|webp|svg)$/.exec(params.file ?? "");
  if (!match) notFound();
  const [, kind, prefix, ext] = match;
  const { db } = getRuntime();
  if (kind === "custom") {
    const css = ext === "css" ? await customCss(db, prefix!) : null;
    if (css === null) notFound();
    return new Response(css, { headers: { "Content-Type": "text/css; charset=utf-8", "Cache-Control": IMMUTABLE } });
  }
  const asset = await loadAsset(db, kind as "logo" | "favicon", prefix!);
  if (!asset || !assetUrl(kind as "logo" | "favicon", asset.contentType, prefix!).endsWith(`.${ext}`)) notFound();
  return new Response(asset.data, {
    headers: {
      "Content-Type": asset.contentType,
      "Content-Length": String(asset.data.length),
      "Cache-Control": IMMUTABLE,
      // An SVG opened on its own runs nothing and loads nothing.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
