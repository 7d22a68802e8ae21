/** Catalogues and language choice: the user's setting, then the language cookie, then Accept-Language. */
import { createCookie } from "@remix-run/node";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import groupsDe from "./locales/groups/de.json";
import groupsEn from "./locales/groups/en.json";
import groupsEs from "./locales/groups/es.json";
import groupsZh from "./locales/groups/zh-hans.json";
import notificationsDe from "./locales/notifications/de.json";
import notificationsEn from "./locales/notifications/en.json";
import notificationsEs from "./locales/notifications/es.json";
import notificationsZh from "./locales/notifications/zh-hans.json";
import permissionsDe from "./locales/permissions/de.json";
import permissionsEn from "./locales/permissions/en.json";
import permissionsEs from "./locales/permissions/es.json";
import permissionsZh from "./locales/permissions/zh-hans.json";
import statesDe from "./locales/states/de.json";
import statesEn from "./locales/states/en.json";
import statesEs from "./locales/states/es.json";
import statesZh from "./locales/states/zh-hans.json";
import adminDe from "./locales/admin/de.json";
import adminEn from "./locales/admin/en.json";
import adminEs from "./locales/admin/es.json";
import adminZh from "./locales/admin/zh-hans.json";
import eveDe from "./locales/eve/de.json";
import eveEn from "./locales/eve/en.json";
import eveEs from "./locales/eve/es.json";
import eveZh from "./locales/eve/zh-hans.json";
import { createHash } from "node:crypto";
import { registerMessages } from "./catalogue-registry";
import servicesDe from "./locales/services/de.json";
import servicesEn from "./locales/services/en.json";
import servicesEs from "./locales/services/es.json";
import servicesZh from "./locales/services/zh-hans.json";
import { appMessages } from "~/apps/registry.server";
import teamspeak3De from "./locales/teamspeak3/de.json";
import teamspeak3En from "./locales/teamspeak3/en.json";
import teamspeak3Es from "./locales/teamspeak3/es.json";
import teamspeak3Zh from "./locales/teamspeak3/zh-hans.json";
import httpServicesDe from "./locales/http-services/de.json";
import httpServicesEn from "./locales/http-services/en.json";
import httpServicesEs from "./locales/http-services/es.json";
import httpServicesZh from "./locales/http-services/zh-hans.json";
import customiseDe from "./locales/customise/de.json";
import customiseEn from "./locales/customise/en.json";
import customiseEs from "./locales/customise/es.json";
import customiseZh from "./locales/customise/zh-hans.json";
import { createI18n, type Messages } from "./i18n";
import { isLanguage, LANGUAGE_CODES, type LanguageCode } from "./languages";

/** Deep merge: each feature keeps its strings in its own file (locales/<feature>/<lang>.json). */
function merge(...parts: Messages[]): Messages {
  const out: Messages = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = out[key];
      out[key] =
        existing && typeof existing === "object" && value && typeof value === "object" ? merge(existing as Messages, value as Messages) : value;
    }
  }
  return out;
}

/**
 * A record whose values are built on first read (then kept). The catalogues include the apps'
 * strings, and an app's modules may import this one: building at import time would read the app
 * registry while it is still loading (docs/decisions/0030-app-registry.md).
 */
function lazyRecord<T>(build: (lang: LanguageCode) => T): Record<LanguageCode, T> {
  const record = {} as Record<LanguageCode, T>;
  for (const lang of LANGUAGE_CODES) {
    let value: T | undefined;
    Object.defineProperty(record, lang, { enumerable: true, get: () => (value ??= build(lang)) });
  }
  return record;
}

const coreMessages: Record<LanguageCode, Messages[]> = {
  en: [en, statesEn, groupsEn, notificationsEn, permissionsEn, adminEn, eveEn, servicesEn, teamspeak3En, httpServicesEn, customiseEn],
  de: [de, statesDe, groupsDe, notificationsDe, permissionsDe, adminDe, eveDe, servicesDe, teamspeak3De, httpServicesDe, customiseDe],
  es: [es, statesEs, groupsEs, notificationsEs, permissionsEs, adminEs, eveEs, servicesEs, teamspeak3Es, httpServicesEs, customiseEs],
  "zh-hans": [zhHans, statesZh, groupsZh, notificationsZh, permissionsZh, adminZh, eveZh, servicesZh, teamspeak3Zh, httpServicesZh, customiseZh],
};

/** Each language's whole catalogue: the core's strings and every app's; registered for server rendering when built. */
export const catalogues: Record<LanguageCode, Messages> = lazyRecord((lang) => {
  const messages = merge(...coreMessages[lang], ...appMessages(lang));
  registerMessages(lang, messages);
  return messages;
});

/** The script that hands a catalogue to the browser, and its content-hashed URL (cached for a year). */
export interface CatalogueScript {
  url: string;
  body: string;
}

export const catalogueScripts: Record<LanguageCode, CatalogueScript> = lazyRecord((lang) => {
  const json = JSON.stringify(catalogues[lang]);
  // JSON.parse of a string literal parses faster than an object literal of the same size.
  const body = `(self.__aaMessages=self.__aaMessages||{})[${JSON.stringify(lang)}]=JSON.parse(${JSON.stringify(json)});\n`;
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { url: `/i18n/${lang}.${hash}.js`, body };
});

export const languageCookie = createCookie("aa_lang", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 1_209_600 });

/** Maps an Accept-Language tag to one of our languages (zh, zh-CN, zh-Hans → zh-hans). */
export function matchLanguageTag(tag: string): LanguageCode | null {
  const lower = tag.trim().toLowerCase();
  if (!lower) return null;
  if (lower.startsWith("zh")) return lower.includes("hant") || lower === "zh-tw" || lower === "zh-hk" ? null : "zh-hans";
  const base = lower.split("-")[0];
  return LANGUAGE_CODES.find((code) => code === base) ?? null;
}

export function parseAcceptLanguage(header: string | null): LanguageCode | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const match = matchLanguageTag(entry.tag);
    if (match) return match;
  }
  return null;
}

export async function chooseLanguage(request: Request, userLanguage: string | null | undefined, fallback: LanguageCode): Promise<LanguageCode> {
  if (isLanguage(userLanguage)) return userLanguage;
  const cookie = await languageCookie.parse(request.headers.get("Cookie"));
  if (isLanguage(cookie)) return cookie;
  return parseAcceptLanguage(request.headers.get("Accept-Language")) ?? fallback;
}

export function serverT(lang: LanguageCode) {
  return createI18n(lang, catalogues[lang], catalogues.en).t;
}
