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

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(tsx?|ts)$/.test(e.name) ? [full] : [];
  });
}

describe("i18n catalogues", () => {
  const english = new Set(keys(catalogues.en));

  it.each(LANGUAGE_CODES)("%s has exactly the English keys, each translated to a non-empty string", (code) => {
    expect(keys(catalogues[code]).sort()).toEqual([...english].sort());
    for (const key of english) {
      const value = key.split(".").reduce<any>((n, k) => n[k], catalogues[code]);
      expect(typeof value === "string" && value.trim().length > 0, `${code}:${key}`).toBe(true);
    }
  });

  it("keeps interpolation placeholders in every translation", () => {
    for (const key of english) {
      const en = key.split(".").reduce<any>((n, k) => n[k], catalogues.en) as string;
      const placeholders = en.match(/\{\{\w+\}\}/g) ?? [];
      for (const code of LANGUAGE_CODES) {
        const value = key.split(".").reduce<any>((n, k) => n[k], catalogues[code]) as string;
        for (const p of placeholders) expect(value, `${code}:${key}`).toContain(p);
      }
    }
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
    const missing = [...used].filter((k) => !english.has(k));
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
