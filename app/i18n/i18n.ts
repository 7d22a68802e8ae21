/** One i18next instance per language and message set, created synchronously (server and browser). */
import i18next, { type i18n } from "i18next";
import { htmlLang, type LanguageCode } from "./languages";

export type Messages = Record<string, unknown>;

const instances = new Map<string, { messages: Messages; instance: i18n }>();

export function createI18n(lang: LanguageCode, messages: Messages, fallback?: Messages): i18n {
  // A language's messages never change while the process runs: one instance per language (a new
  // one only when the browser has just received the language's catalogue).
  const cacheKey = `${lang}:${fallback ? "f" : ""}`;
  const cached = instances.get(cacheKey);
  if (cached?.messages === messages) return cached.instance;
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
  memoisePlainLookups(instance);
  instances.set(cacheKey, { messages, instance });
  return instance;
}

const MEMO_LIMIT = 10_000;

/**
 * `t(key)` without options always gives the same string for an instance (its messages never
 * change), but i18next copies its whole options object on every call: remember those results.
 * Calls with options (interpolation, plurals) are not cached.
 */
function memoisePlainLookups(instance: i18n) {
  const memo = new Map<string, string>();
  // Every component's useTranslation asks for a bound `t`: one per language, namespace and prefix.
  const bound = new Map<string, unknown>();
  const getFixedT = instance.getFixedT.bind(instance) as unknown as (...args: unknown[]) => unknown;
  instance.getFixedT = ((lng: unknown, ns?: unknown, keyPrefix?: unknown) => {
    const scope = `${String(lng)}\u0000${String(ns)}\u0000${String(keyPrefix ?? "")}\u0000`;
    // Plain arguments only (a language tag, one namespace, a prefix): their text names them exactly.
    const keepable = (typeof lng === "string" || lng == null) && (typeof ns === "string" || ns == null) && (typeof keyPrefix === "string" || keyPrefix == null);
    const known = keepable ? bound.get(scope) : undefined;
    if (known) return known;
    const fixed = getFixedT(lng, ns, keyPrefix) as unknown as ((key: unknown, ...rest: unknown[]) => string) & Record<string, unknown>;
    const t = (key: unknown, ...rest: unknown[]) => {
      if (rest.length > 0 || typeof key !== "string") return fixed(key, ...rest);
      const memoKey = scope + key;
      let value = memo.get(memoKey);
      if (value === undefined) {
        value = fixed(key);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(memoKey, value);
      }
      return value;
    };
    const result = Object.assign(t, { lng: fixed.lng, lngs: fixed.lngs, ns: fixed.ns, keyPrefix: fixed.keyPrefix });
    if (keepable && bound.size < MEMO_LIMIT) bound.set(scope, result);
    return result;
  }) as unknown as i18n["getFixedT"];
}
