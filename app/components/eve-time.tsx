/**
 * Times of fleet operations, structure timers and the like: EVE time (UTC) as plain text, the
 * viewer's local time and a live countdown once JavaScript runs. Without JavaScript the EVE time and
 * the countdown as of the page's rendering are still there.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { htmlLang } from "~/i18n/languages";
import { useRootData } from "./root-data";
import type { Column } from "./table";

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-11-30 18:05" in EVE time (UTC). */
export function formatEveTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "3d 04:05:06" (days only when there are any). */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  const clock = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days ? `${days}d ${clock}` : clock;
}

export function EveTime({ at, testId }: { at: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <time dateTime={at} data-testid={testId} className="whitespace-nowrap tabular-nums">
      {t("evetime.eve", { time: formatEveTime(at) })}
    </time>
  );
}

/** The viewer's local time (their browser's time zone); a dash until JavaScript runs. */
export function LocalTime({ at, testId }: { at: string; testId?: string }) {
  const lang = useRootData()?.lang ?? "en";
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    setText(new Intl.DateTimeFormat(htmlLang(lang), { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(at)));
  }, [at, lang]);
  return (
    <span data-testid={testId} className="whitespace-nowrap tabular-nums">
      {text ?? "—"}
    </span>
  );
}

/** Time left (or since), as of `now` (the server's clock when it rendered) and then live. */
export function Countdown({ at, now, testId }: { at: string; now: string; testId?: string }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(() => Date.parse(now));
  useEffect(() => {
    setCurrent(Date.now());
    const timer = setInterval(() => setCurrent(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Date.parse(at) - current;
  return (
    <span data-testid={testId} className="whitespace-nowrap tabular-nums">
      {left >= 0 ? t("evetime.in", { time: formatDuration(left) }) : t("evetime.ago", { time: formatDuration(left) })}
    </span>
  );
}

/**
 * The three time columns of a schedule list (operations, structure timers): EVE time, local time and
 * countdown of `at(row)`, their test ids `<prefix>-eve-<id>`, `<prefix>-local-<id>`, `<prefix>-countdown-<id>`.
 */
export function timeColumns<Row extends { id: number }>(t: (key: string) => string, at: (row: Row) => string, now: string, prefix: string): Column<Row>[] {
  return [
    { id: "eve", header: t("evetime.eveTime"), cell: (r) => <EveTime at={at(r)} testId={`${prefix}-eve-${r.id}`} /> },
    { id: "local", header: t("evetime.local"), cell: (r) => <LocalTime at={at(r)} testId={`${prefix}-local-${r.id}`} /> },
    { id: "countdown", header: t("evetime.countdown"), cell: (r) => <Countdown at={at(r)} now={now} testId={`${prefix}-countdown-${r.id}`} /> },
  ];
}
