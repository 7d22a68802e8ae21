import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { ensureMessages } from "./i18n/catalogue-registry";
import { isLanguage } from "./i18n/languages";

/**
 * The page's message catalogue must be there before React hydrates, or the first client render falls
 * back to English (and raw keys for the modules' messages). The deferred catalogue script normally ran
 * already; if it failed or was late (a slow or refused request), it is loaded again first.
 */
async function catalogueReady() {
  const src = document.querySelector<HTMLScriptElement>('head script[src^="/i18n/"]')?.getAttribute("src");
  const lang = src ? /^\/i18n\/([a-z-]+)\.[0-9a-f]+\.js$/.exec(src)?.[1] : undefined;
  if (src && isLanguage(lang)) await ensureMessages(lang, src);
}

void catalogueReady().then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  }),
);
