import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createI18n } from "~/i18n/i18n";
import { catalogues, parseAcceptLanguage } from "~/i18n/i18n.server";
import { LANGUAGE_CODES } from "~/i18n/languages";

function keys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A key without its i18next plural suffix (`x_one` → `x`). */
const base = (key: string) => key.replace(PLURAL_SUFFIX, "");

/** Plural keys of a catalogue: base key → the plural categories it has. */
function pluralForms(catalogue: unknown) {
  const forms = new Map<string, string[]>();
  for (const key of keys(catalogue)) {
    const m = key.match(PLURAL_SUFFIX);
    if (!m) continue;
    const list = forms.get(base(key));
    if (list) list.push(m[1]);
    else forms.set(base(key), [m[1]]);
  }
  for (const list of forms.values()) list.sort();
  return forms;
}

const lookup = (catalogue: unknown, key: string) => key.split(".").reduce<any>((n, k) => n?.[k], catalogue);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(tsx?|ts)$/.test(e.name) ? [full] : [];
  });
}

describe("i18n catalogues", () => {
  const english = new Set(keys(catalogues.en));

  it.each(LANGUAGE_CODES)("%s has exactly the English keys (plural forms aside), each translated to a non-empty string", (code) => {
    const own = keys(catalogues[code]);
    expect([...new Set(own.map(base))].sort()).toEqual([...new Set([...english].map(base))].sort());
    for (const key of own) {
      const value = lookup(catalogues[code], key);
      expect(typeof value === "string" && value.trim().length > 0, `${code}:${key}`).toBe(true);
    }
  });

  it.each(LANGUAGE_CODES)("%s has exactly the plural forms its plural rules need", (code) => {
    const needed = [...new Intl.PluralRules(code).resolvedOptions().pluralCategories].sort();
    const forms = pluralForms(catalogues[code]);
    expect(forms.size).toBe(pluralForms(catalogues.en).size);
    for (const [key, have] of forms) expect(have, `${code}:${key}`).toEqual(needed);
  });

  it("keeps interpolation placeholders in every translation", () => {
    for (const code of LANGUAGE_CODES) {
      for (const key of keys(catalogues[code])) {
        const en = (lookup(catalogues.en, key) ?? lookup(catalogues.en, `${base(key)}_other`)) as string;
        const placeholders = en.match(/\{\{\w+\}\}/g) ?? [];
        for (const p of placeholders) expect(lookup(catalogues[code], key), `${code}:${key}`).toContain(p);
      }
    }
  });

  it("uses the singular for one and the right form for other counts", () => {
    const en = createI18n("en", catalogues.en).t;
    expect(en("admin.related.memberships", { count: 1 })).toBe("1 group membership");
    expect(en("admin.related.memberships", { count: 2 })).toBe("2 group memberships");
    const de = createI18n("de", catalogues.de, catalogues.en).t;
    expect(de("admin.related.memberships", { count: 1 })).toBe("1 Gruppenmitgliedschaft");
    const es = createI18n("es", catalogues.es, catalogues.en).t;
    expect(es("admin.related.memberships", { count: 1_000_000 })).toBe(lookup(catalogues.es, "admin.related.memberships_many").replace("{{count}}", "1000000"));
    const zh = createI18n("zh-hans", catalogues["zh-hans"], catalogues.en).t;
    expect(zh("admin.related.memberships", { count: 1 })).toBe(lookup(catalogues["zh-hans"], "admin.related.memberships_other").replace("{{count}}", "1"));
  });

  it("hands every component of a language the same bound t, per namespace and prefix, translating as i18next does", () => {
    const de = createI18n("de", catalogues.de, catalogues.en);
    const t = de.getFixedT("de", "translation");
    expect(de.getFixedT("de", "translation")).toBe(t);
    expect(t("admin.related.memberships", { count: 1 })).toBe("1 Gruppenmitgliedschaft");
    const prefixed = de.getFixedT("de", "translation", "admin.related");
    expect(prefixed).not.toBe(t);
    expect(prefixed("memberships", { count: 1 })).toBe("1 Gruppenmitgliedschaft");
    // A list of namespaces is not kept (its text would name it loosely): a fresh t each time.
    expect(de.getFixedT("de", ["translation"])).not.toBe(de.getFixedT("de", ["translation"]));
  });

  it("keeps each scope's lookups apart, and stays right once it has forgotten them", () => {
    const de = createI18n("de", catalogues.de, catalogues.en);
    const t = de.getFixedT("de", "translation");
    const prefixed = de.getFixedT("de", "translation", "admin.related");
    // The same key in two scopes: asked first unprefixed (no such key), then with the prefix.
    const unprefixedText = t("memberships", { count: 1 });
    expect(prefixed("memberships", { count: 1 })).toBe("1 Gruppenmitgliedschaft");
    expect(unprefixedText).not.toBe("1 Gruppenmitgliedschaft");
    expect(t("dashboard.title")).toBe(de.t("dashboard.title"));
    // More interpolated texts than are kept (5,000), twice over: every one as i18next gives it.
    const first = Array.from({ length: 6_000 }, (_, n) => t("notifications.bell", { unread: n }));
    expect(new Set(first).size).toBe(6_000);
    expect(Array.from({ length: 6_000 }, (_, n) => t("notifications.bell", { unread: n }))).toEqual(first);
    expect(first[7]).toBe(t("notifications.bell", { unread: 7 }));
  });

  it("remembers lookups with plain options without changing what they give, and passes others through", async () => {
    const { default: i18next } = await import("i18next");
    const plain = i18next.createInstance();
    await plain.init({ lng: "de", fallbackLng: "en", resources: { de: { translation: catalogues.de }, en: { translation: catalogues.en } }, initAsync: false, interpolation: { escapeValue: false }, returnNull: false, showSupportNotice: false });
    const de = createI18n("de", catalogues.de, catalogues.en);
    const bound = de.getFixedT("de", "translation");
    const calls: [string, unknown?][] = [
      ["notifications.bell", { unread: 0 }],
      ["notifications.bell", { unread: 1 }],
      ["notifications.bell", { unread: 7 }],
      ["notifications.bell", { unread: 1 }],
      ["admin.related.memberships", { count: 2 }],
      ["admin.related.memberships", { count: 1 }],
      ["admin.related.memberships", { count: 0 }],
      ["admin.related.memberships", { count: -0 }],
      // JSON would spell NaN as null: the two must not share a remembered text.
      ["admin.related.memberships", { count: null }],
      ["admin.related.memberships", { count: Number.NaN }],
      ["admin.related.memberships", { count: 1, extra: { nested: true } }],
      ["admin.related.memberships", {}],
      ["admin.related.memberships", { lng: "en", count: 3 }],
      ["dashboard.title", undefined],
      ["dashboard.title", {}],
      ["no.such.key", { count: 2 }],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [key, options] of calls) {
        const expected = options === undefined ? plain.t(key) : plain.t(key, options as never);
        const label = `${key} ${JSON.stringify(options)} round ${round}`;
        expect(options === undefined ? bound(key) : bound(key, options as never), label).toBe(expected);
        expect(options === undefined ? de.t(key) : de.t(key, options as never), label).toBe(expected);
      }
    }
    // Different values give different texts (the options are part of what is remembered).
    expect(bound("notifications.bell", { unread: 1 })).not.toBe(bound("notifications.bell", { unread: 7 }));
    // A lookup that gives an object is not kept: each call gets its own.
    const objects = de.t("admin.related", { returnObjects: true }) as unknown;
    expect(typeof objects).toBe("object");
    expect(de.t("admin.related", { returnObjects: true }) as unknown).not.toBe(objects);
  });

  it("has every literal key the code uses", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.resolve("app"))) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z0-9_.]+)"/g)) used.add(m[1]);
      // Keys handed around as data: flash messages, form errors, menu labels, validation messages.
      for (const m of text.matchAll(/\b(?:key|error|label):\s*"([a-zA-Z0-9_]+\.[a-zA-Z0-9_.]+)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/"(errors\.[a-zA-Z]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(20);
    // A key used with a count is satisfied by its plural forms (`x_one`, `x_other`).
    const missing = [...used].filter((k) => !english.has(k) && !english.has(`${k}_other`));
    expect(missing).toEqual([]);
  });

  it.each(LANGUAGE_CODES)("%s: an i18next instance translates from its own catalogue, not the English fallback", (code) => {
    const t = createI18n(code, catalogues[code], catalogues.en).t;
    for (const key of ["nav.dashboard", "groups.list.title", "admin.resources.users"]) {
      const own = key.split(".").reduce<any>((n, k) => n?.[k], catalogues[code]);
      expect(typeof own, `${code}:${key} exists`).toBe("string");
      expect(t(key), `${code}:${key}`).toBe(own);
    }
  });

  it("addresses the reader in German consistently with \"Sie\", never \"du\"", () => {
    const informal = keys(catalogues.de).filter((key) => /\b(du|dein\w*|dich|dir)\b/i.test(lookup(catalogues.de, key)));
    expect(informal).toEqual([]);
  });

  it("picks the language from Accept-Language", () => {
    expect(parseAcceptLanguage("de-DE,de;q=0.9,en;q=0.8")).toBe("de");
    expect(parseAcceptLanguage("fr-FR, es;q=0.5")).toBe("es");
    expect(parseAcceptLanguage("zh-CN,zh;q=0.9")).toBe("zh-hans");
    expect(parseAcceptLanguage("zh-TW")).toBeNull();
    expect(parseAcceptLanguage("en;q=0, de;q=0.1")).toBe("de");
    expect(parseAcceptLanguage("ja")).toBeNull();
    expect(parseAcceptLanguage(null)).toBeNull();
  });
});
