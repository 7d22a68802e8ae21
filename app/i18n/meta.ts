/** Translated page titles for Remix `meta` functions: the root loader says the language; the catalogue is the registered one. */
import type { MetaArgs } from "@remix-run/node";
import { messagesFor } from "./catalogue-registry";
import { createI18n } from "./i18n";
import { LANGUAGE_CODES, type LanguageCode } from "./languages";

interface RootI18n {
  lang?: string;
  siteName?: string;
}

/** `[{ title }]` for a page: the translated `key` and the site name, e.g. "Dashboard · Alliance Auth". */
export function pageTitle(matches: MetaArgs["matches"], key: string, params: Record<string, unknown> = {}) {
  const root = (matches.find((m) => m.id === "root")?.data ?? {}) as RootI18n;
  const lang = LANGUAGE_CODES.find((code) => code === root.lang) ?? ("en" as LanguageCode);
  const messages = messagesFor(lang);
  const title = messages ? String(createI18n(lang, messages).t(key, params)) : key;
  return [{ title: root.siteName ? `${title} · ${root.siteName}` : title }];
}
