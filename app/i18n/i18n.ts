/** One i18next instance per language and message set, created synchronously (server and browser). */
import i18next, { type i18n } from "i18next";
import type { LanguageCode } from "./languages";

export type Messages = Record<string, unknown>;

const instances = new Map<string, i18n>();

export function createI18n(lang: LanguageCode, messages: Messages, fallback?: Messages): i18n {
  // A language's messages never change while the process runs: one instance per language.
  const cacheKey = `${lang}:${fallback ? "f" : ""}`;
  const cached = instances.get(cacheKey);
  if (cached) return cached;
  const instance = i18next.createInstance();
  const resources: Record<string, { translation: Messages }> = { [lang]: { translation: messages } };
  if (fallback && lang !== "en") resources.en = { translation: fallback };
  void instance.init({
    lng: lang,
    fallbackLng: "en",
    resources,
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    showSupportNotice: false,
  });
  instances.set(cacheKey, instance);
  return instance;
}
