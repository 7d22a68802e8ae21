/**
 * Dates as people read them in their language (issue 12 item 7), always in UTC (EVE time), so the
 * server and the browser render the same text. The machine-readable ISO string stays in `dateTime`.
 */
import { htmlLang } from "~/i18n/languages";
import { useRootData } from "./root-data";

const formats = new Map<string, Intl.DateTimeFormat>();

/** "30 Nov 2026, 09:34 UTC" in English, "30.11.2026, 09:34 UTC" in German … */
export function formatDateTime(iso: string, lang: string, seconds = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `${lang}|${seconds}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined, hourCycle: "h23", timeZone: "UTC", timeZoneName: "short" });
    formats.set(key, format);
  }
  return format.format(date);
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
