/** One i18next instance per language and message set, created synchronously (server and browser). */
import i18next, { type i18n } from "i18next";
import { htmlLang, type LanguageCode } from "./languages";

export type Messages = Record<string, unknown>;

const instances = new Map<string, i18n>();

export function createI18n(lang: LanguageCode, messages: Messages, fallback?: Messages): i18n {
  // A language's messages never change while the process runs: one instance per language.
  const cacheKey = `${lang}:${fallback ? "f" : ""}`;
  const cached = instances.get(cacheKey);
  if (cached) return cached;
  const instance = i18next.createInstance();
  // i18next normalises language tags (zh-hans → zh-Hans): key the resources by the normalised tag,
  // or it silently falls back to English.
  const tag = htmlLang(lang);
  const resources: Record<string, { translation: Messages }> = { [tag]: { translation: messages } };
  if (fallback && lang !== "en") resources.en = { translation: fallback };
  void instance.init({
    lng: tag,
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
