/** Month (or year) names in the reader's language, and the previous/next links of a statistics page. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useRootData } from "~/components/root-data";
import { htmlLang } from "~/i18n/languages";

export interface MonthValue {
  year: number;
  month: number;
}

/** "November 2026" (in the page's language; UTC, as EVE time). */
export function useMonthName() {
  const lang = useRootData()?.lang ?? "en";
  const format = new Intl.DateTimeFormat(htmlLang(lang), { month: "long", year: "numeric", timeZone: "UTC" });
  const short = new Intl.DateTimeFormat(htmlLang(lang), { month: "short", timeZone: "UTC" });
  return {
    long: (m: MonthValue) => format.format(new Date(Date.UTC(m.year, m.month - 1, 1))),
    short: (month: number) => short.format(new Date(Date.UTC(2000, month - 1, 1))),
  };
}

/** Previous/next links; a missing end (no data before, nothing after this month) has none. */
export function PeriodNav({ prev, next, prevLabel, nextLabel }: { prev: string | null; next: string | null; prevLabel: string; nextLabel: string }) {
  const { t } = useTranslation();
  if (!prev && !next) return null;
  return (
    <nav aria-label={t("fleetactivitytracking.periods")} className="flex gap-3 text-sm">
      {prev ? (
        <Link to={prev} rel="prev" className="btn-secondary" data-testid="fat-prev">
          ← {prevLabel}
        </Link>
      ) : null}
      {next ? (
        <Link to={next} rel="next" className="btn-secondary" data-testid="fat-next">
          {nextLabel} →
        </Link>
      ) : null}
    </nav>
  );
}
