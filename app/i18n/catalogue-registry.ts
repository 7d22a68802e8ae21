/**
 * The merged message catalogue of each language, for rendering. On the server every catalogue is
 * registered at start (i18n.server.ts); in the browser a catalogue arrives as a static script
 * (`/i18n/<lang>.<hash>.js`, cached for a year) that adds it to `self.__aaMessages`, so pages do
 * not carry it in their HTML.
 */
import type { Messages } from "./i18n";
import type { LanguageCode } from "./languages";

declare global {
  // eslint-disable-next-line no-var
  var __aaMessages: Partial<Record<LanguageCode, Messages>> | undefined;
}

const registered = new Map<LanguageCode, Messages>();

export function registerMessages(lang: LanguageCode, messages: Messages) {
  registered.set(lang, messages);
}

export function messagesFor(lang: LanguageCode): Messages | undefined {
  return registered.get(lang) ?? globalThis.__aaMessages?.[lang];
}

/** Browser only: loads a language's catalogue script unless it is already there (after a language change). */
export function ensureMessages(lang: LanguageCode, src: string): Promise<void> {
  if (messagesFor(lang)) return Promise.resolve();
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = src;
    // On failure the page renders with the English fallback rather than not at all.
    script.onload = script.onerror = () => resolve();
    document.head.appendChild(script);
  });
}
