/** `/i18n/<lang>.<hash>.js`: a language's message catalogue for the browser (see i18n/catalogue-registry.ts). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalogueScripts } from "~/i18n/i18n.server";
import { isLanguage } from "~/i18n/languages";

export function loader({ params }: LoaderFunctionArgs) {
  const match = /^([a-z-]+)\.([0-9a-f]{12})\.js$/.exec(params.file ?? "");
  const lang = match?.[1];
  if (!match || !isLanguage(lang)) throw new Response("Not Found", { status: 404 });
  const script = catalogueScripts[lang];
  // An outdated hash (a page rendered before a deploy) gets today's catalogue, cached briefly.
  const current = script.url.endsWith(`.${match[2]}.js`);
  return new Response(script.body, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": current ? "public, max-age=31536000, immutable" : "public, max-age=60",
    },
  });
}
