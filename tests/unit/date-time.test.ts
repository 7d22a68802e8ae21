/** Dates in the reader's language, in UTC: the same text for the same date, language and precision, however often asked. */
import { describe, expect, it } from "vitest";
import { formatDateTime } from "~/components/date-time";

const direct = (iso: string, lang: string, seconds: boolean) =>
  new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined, hourCycle: "h23", timeZone: "UTC", timeZoneName: "short" }).format(new Date(iso));

describe("formatDateTime", () => {
  it("formats each date for its language and precision, the same when asked again", () => {
    const iso = "2026-11-30T09:34:56.789Z";
    const texts = new Set<string>();
    for (let round = 0; round < 2; round++) {
      for (const lang of ["en", "de", "es", "zh-Hans"]) {
        for (const seconds of [false, true]) {
          const text = formatDateTime(iso, lang, seconds);
          expect(text, `${lang} ${seconds}`).toBe(direct(iso, lang, seconds));
          texts.add(text);
        }
      }
    }
    // Eight distinct texts: a remembered text is never handed to another language or precision.
    expect(texts.size).toBe(8);
    expect(formatDateTime(iso, "en")).toContain("09:34 UTC");
    expect(formatDateTime(iso, "en", true)).toContain("09:34:56 UTC");
  });

  it("stays right past the number of texts it remembers, and returns what is not a date as it is", () => {
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 2_500; i++) {
      const iso = new Date(start + i * 3_600_000).toISOString();
      expect(formatDateTime(iso, "de")).toBe(direct(iso, "de", false));
    }
    expect(formatDateTime("2026-01-01T00:00:00.000Z", "en")).toBe(direct("2026-01-01T00:00:00.000Z", "en", false));
    expect(formatDateTime("not a date", "en")).toBe("not a date");
    expect(formatDateTime("not a date", "en")).toBe("not a date");
  });
});
