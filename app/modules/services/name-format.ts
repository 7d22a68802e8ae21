/**
 * The original's NameFormatter: a PEP 3101 format string over a fixed set of keys (`{character_name}`,
 * `{{` and `}}` for literal braces, and the common format spec `[[fill]align][width][.precision]`),
 * stripped, then each service's own sanitiser and length limit. Pure, so the admin form can preview.
 */

import type { EveCharacter } from "../../../db/schema";

export const NAME_FORMAT_KEYS = [
  "username",
  "character_id",
  "character_name",
  "corp_id",
  "corp_name",
  "corp_ticker",
  "alliance_id",
  "alliance_name",
  "alliance_ticker",
  "alliance_or_corp_name",
  "alliance_or_corp_ticker",
] as const;
export type NameFormatKey = (typeof NAME_FORMAT_KEYS)[number];

/** The original's fallback when neither a config nor the service has a format. */
export const DEFAULT_SERVICE_NAME_FORMAT = "[{corp_ticker}] {character_name}";

export interface NameFormatSubject {
  username: string;
  main: Pick<EveCharacter, "character_id" | "character_name" | "corporation_id" | "corporation_name" | "corporation_ticker" | "alliance_id" | "alliance_name" | "alliance_ticker"> | null;
}

export class NameFormatError extends Error {
  constructor(
    public readonly code: "unknownKey" | "unbalanced" | "badSpec",
    public readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** The key → value table (missing values are "", numbers stay numbers for alignment). */
export function nameFormatData(subject: NameFormatSubject, defaultToUsername = true): Record<NameFormatKey, string | number> {
  const m = subject.main;
  if (!m) {
    const blank = Object.fromEntries(NAME_FORMAT_KEYS.map((k) => [k, ""])) as Record<NameFormatKey, string>;
    return { ...blank, username: subject.username, character_name: defaultToUsername ? subject.username : "" };
  }
  return {
    username: subject.username,
    character_id: m.character_id,
    character_name: m.character_name,
    corp_id: m.corporation_id,
    corp_name: m.corporation_name,
    corp_ticker: m.corporation_ticker,
    alliance_id: m.alliance_id ?? "",
    alliance_name: m.alliance_name ?? "",
    alliance_ticker: m.alliance_ticker ?? "",
    alliance_or_corp_name: m.alliance_name || m.corporation_name,
    alliance_or_corp_ticker: m.alliance_ticker || m.corporation_ticker,
  };
}

const SPEC = /^(?:(.)?([<>^]))?(\d+)?(?:\.(\d+))?s?$/u;

function applySpec(value: string | number, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new NameFormatError("badSpec", spec);
  const [, fillRaw, align, widthRaw, precisionRaw] = m;
  let text = String(value);
  if (precisionRaw !== undefined && typeof value !== "number") text = [...text].slice(0, Number(precisionRaw)).join("");
  const width = widthRaw ? Number(widthRaw) : 0;
  const length = [...text].length;
  if (length >= width) return text;
  const fill = fillRaw ?? " ";
  const pad = width - length;
  const mode = align ?? (typeof value === "number" ? ">" : "<");
  if (mode === "<") return text + fill.repeat(pad);
  if (mode === ">") return fill.repeat(pad) + text;
  const left = Math.floor(pad / 2);
  return fill.repeat(left) + text + fill.repeat(pad - left);
}

/** Python's `format.format(**data)`: throws NameFormatError on unknown keys, stray braces, bad specs. */
export function applyFormat(format: string, data: Record<string, string | number>): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === "{") {
      if (format[i + 1] === "{") {
        out += "{";
        i++;
        continue;
      }
      const end = format.indexOf("}", i);
      if (end < 0) throw new NameFormatError("unbalanced", format);
      const field = format.slice(i + 1, end);
      if (field.includes("{")) throw new NameFormatError("unbalanced", format);
      const [nameAndConversion, spec = ""] = splitOnce(field, ":");
      const [name] = splitOnce(nameAndConversion, "!");
      if (!(name in data)) throw new NameFormatError("unknownKey", name);
      out += applySpec(data[name], spec);
      i = end;
    } else if (ch === "}") {
      if (format[i + 1] !== "}") throw new NameFormatError("unbalanced", format);
      out += "}";
      i++;
    } else out += ch;
  }
  return out;
}

function splitOnce(s: string, sep: string): [string, string?] {
  const at = s.indexOf(sep);
  return at < 0 ? [s] : [s.slice(0, at), s.slice(at + 1)];
}

/** Throws NameFormatError when `format` would fail for every user (unknown key, bad braces). */
export function validateNameFormat(format: string) {
  applyFormat(format, nameFormatData({ username: "x", main: null }));
}

/** Formatted, stripped and sanitised: what the service gets. */
export function formatServiceName(
  format: string,
  subject: NameFormatSubject,
  sanitise: (name: string) => string,
  defaultToUsername = true,
): string {
  return sanitise(applyFormat(format, nameFormatData(subject, defaultToUsername)).trim());
}
