/**
 * Dates as people read them in their language (issue 12 item 7), always in UTC (EVE time), so the
 * server and the browser render the same text. The machine-readable ISO string stays in `dateTime`.
 */
import { htmlLang } from "~/i18n/languages";
import { useRootData } from "./root-data";

const formats = new Map<string, Intl.DateTimeFormat>();
/** Formatting is costly (a list of 20 dates took 2% of a page's CPU) and the same dates come back. */
const formatted = new Map<string, string>();
const FORMATTED_KEPT = 2_000;

/** "30 Nov 2026, 09:34 UTC" in English, "30.11.2026, 09:34 UTC" in German … */
export function formatDateTime(iso: string, lang: string, seconds = false): string {
  const key = `${lang}|${seconds}`;
  const textKey = `${key}|${iso}`;
  let text = formatted.get(textKey);
  if (text !== undefined) return text;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined, hourCycle: "h23", timeZone: "UTC", timeZoneName: "short" });
    formats.set(key, format);
  }
  text = format.format(date);
  // Dates are unbounded: a full memo starts again.
  if (formatted.size >= FORMATTED_KEPT) formatted.clear();
  formatted.set(textKey, text);
  return text;
}

/** The page language's date formatter. */
export function useFormatDateTime() {
  const lang = htmlLang(useRootData()?.lang ?? "en");
  return (iso: string, seconds = false) => formatDateTime(iso, lang, seconds);
}

export function DateTime({ iso, seconds }: { iso: string; seconds?: boolean }) {
  const format = useFormatDateTime();
  return <time dateTime={iso}>{format(iso, seconds)}</time>;
}
