/** Languages the site ships, with their own names (never translated). */
export const LANGUAGE_NAMES = {
  en: "English",
  de: "Deutsch",
  es: "Español",
  "zh-hans": "简体中文",
} as const;

export type LanguageCode = keyof typeof LANGUAGE_NAMES;
export const LANGUAGE_CODES = Object.keys(LANGUAGE_NAMES) as LanguageCode[];

export function isLanguage(value: unknown): value is LanguageCode {
  return typeof value === "string" && value in LANGUAGE_NAMES;
}

/** `<html lang>` value for a language code. */
export function htmlLang(code: LanguageCode) {
  return code === "zh-hans" ? "zh-Hans" : code;
}
