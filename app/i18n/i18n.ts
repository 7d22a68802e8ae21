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

/** Interpolated lookups kept apart: their values (names, counts) may be unbounded, plain keys are not. */
const OPTIONS_MEMO_LIMIT = 5_000;

/**
 * The text that names `options` exactly when each value is a string, a boolean, null or a finite
 * number other than -0 (which JSON would spell as another value); undefined otherwise.
 */
function optionsText(options: unknown): string | undefined {
  if (typeof options !== "object" || options === null || Array.isArray(options) || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  for (const value of Object.values(options)) {
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0)) continue;
    return undefined;
  }
  return JSON.stringify(options);
}

/** What one scope (a language, namespace and prefix) remembers: plain keys, and keys with their options' text. */
interface Memo {
  plain: Map<string, string>;
  withOptions: Map<string, string>;
}

/**
 * `t(key)` always gives the same string for an instance (its messages never change), and so does
 * `t(key, options)` for the same plain options (interpolation values, a count), but i18next copies
 * its whole options object on every call: remember those results (strings only; options holding
 * objects, functions or odd numbers take i18next's path every time). Each scope has maps of its
 * own, so a lookup of a plain key builds no key string; the instance holds at most MEMO_LIMIT plain
 * and OPTIONS_MEMO_LIMIT interpolated texts across its scopes, all forgotten when one is full.
 */
function memoisePlainLookups(instance: i18n) {
  const memos: Memo[] = [];
  const counts = { plain: 0, withOptions: 0 };
  const newMemo = (): Memo => {
    const memo = { plain: new Map<string, string>(), withOptions: new Map<string, string>() };
    memos.push(memo);
    return memo;
  };
  const remember = (kind: keyof Memo, store: Map<string, string>, key: string, value: string) => {
    if (counts[kind] >= (kind === "plain" ? MEMO_LIMIT : OPTIONS_MEMO_LIMIT)) {
      for (const memo of memos) memo[kind].clear();
      counts[kind] = 0;
    }
    store.set(key, value);
    counts[kind]++;
  };
  type Translate = (key: unknown, ...rest: unknown[]) => unknown;
  /** `translate` with its string results remembered in the memo of its scope (what fixes its language, namespace and prefix). */
  const kept =
    (memoOf: () => Memo, translate: Translate): Translate =>
    (key, ...rest) => {
      if (typeof key !== "string" || rest.length > 1) return translate(key, ...rest);
      const text = rest.length === 1 ? optionsText(rest[0]) : "";
      if (text === undefined) return translate(key, ...rest);
      const kind = text ? "withOptions" : "plain";
      const store = memoOf()[kind];
      const memoKey = text ? `${key}\u0001${text}` : key;
      const known = store.get(memoKey);
      if (known !== undefined) return known;
      const value = translate(key, ...rest);
      if (typeof value === "string") remember(kind, store, memoKey, value);
      return value;
    };
  // The instance's own t (page titles, server-side texts): its language is the instance's.
  // i18next's bound t below calls it with options holding arrays, which pass straight through.
  const byLanguage = new Map<string, Memo>();
  const languageMemo = () => {
    let memo = byLanguage.get(instance.language);
    if (!memo) byLanguage.set(instance.language, (memo = newMemo()));
    return memo;
  };
  instance.t = kept(languageMemo, instance.t.bind(instance) as unknown as Translate) as unknown as i18n["t"];
  // Every component's useTranslation asks for a bound `t`: one per language, namespace and prefix.
  const bound = new Map<string, unknown>();
  const getFixedT = instance.getFixedT.bind(instance) as unknown as (...args: unknown[]) => unknown;
  instance.getFixedT = ((lng: unknown, ns?: unknown, keyPrefix?: unknown) => {
    const scope = `${String(lng)}\u0000${String(ns)}\u0000${String(keyPrefix ?? "")}\u0000`;
    // Plain arguments only (a language tag, one namespace, a prefix): their text names them exactly.
    const keepable = (typeof lng === "string" || lng == null) && (typeof ns === "string" || ns == null) && (typeof keyPrefix === "string" || keyPrefix == null);
    const known = keepable ? bound.get(scope) : undefined;
    if (known) return known;
    // Anything else (several namespaces, say) is i18next's own bound t, remembering nothing.
    if (!keepable || bound.size >= MEMO_LIMIT) return getFixedT(lng, ns, keyPrefix);
    const fixed = getFixedT(lng, ns, keyPrefix) as unknown as Translate & Record<string, unknown>;
    const memo = newMemo();
    const result = Object.assign(
      kept(() => memo, fixed),
      { lng: fixed.lng, lngs: fixed.lngs, ns: fixed.ns, keyPrefix: fixed.keyPrefix },
    );
    bound.set(scope, result);
    return result;
  }) as unknown as i18n["getFixedT"];
}
