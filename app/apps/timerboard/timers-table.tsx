/** A list of structure timers with EVE time, local time and countdown. */
import { useTranslation } from "react-i18next";
import { timeColumns } from "~/components/eve-time";
import { linkColumn, Table } from "~/components/table";
import { structureLabel } from "./timer-form";
import type { Timer } from "./timers.server";

/** A timer as the loader sends it (dates as ISO strings). */
export type TimerRow = Omit<Timer, "eve_time" | "created_at"> & { eve_time: string };

const OBJECTIVE_CLASS: Record<string, string> = { Friendly: "text-sky-700 dark:text-sky-400", Hostile: "text-red-700 dark:text-red-400", Neutral: "text-slate-600 dark:text-slate-300" };

export function TimersTable({ testId, rows, now, canManage }: { testId: string; rows: TimerRow[]; now: string; canManage: boolean }) {
  const { t } = useTranslation();
  return (
    <Table
      testId={testId}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId={(r) => `timer-${r.id}`}
      empty={t("timerboard.none")}
      columns={[
        {
          id: "details",
          header: t("timerboard.field.details"),
          cell: (r) => (
            <span className={r.important ? "font-semibold text-red-700 dark:text-red-400" : ""}>
              {r.details}
              {r.important ? <span className="ml-2 text-xs uppercase" data-testid="timer-important">{t("timerboard.important")}</span> : null}
              {r.corp_timer ? <span className="ml-2 text-xs uppercase text-amber-700" data-testid="timer-corp">{t("timerboard.corpOnly")}</span> : null}
            </span>
          ),
        },
        { id: "system", header: t("timerboard.field.system"), cell: (r) => r.system },
        { id: "planet", header: t("timerboard.field.planetMoon"), cell: (r) => r.planet_moon },
        { id: "structure", header: t("timerboard.field.structure"), cell: (r) => structureLabel(t, r.structure) },
        { id: "type", header: t("timerboard.field.timerType"), cell: (r) => t(`timerboard.type.${r.timer_type}`) },
        { id: "objective", header: t("timerboard.field.objective"), className: (r) => OBJECTIVE_CLASS[r.objective] ?? "", cell: (r) => t(`timerboard.objective.${r.objective}`) },
        ...timeColumns<TimerRow>(t, (r) => r.eve_time, now, "timer"),
        { id: "creator", header: t("timerboard.creator"), cell: (r) => r.character_name ?? "" },
        ...linkColumn<TimerRow>(canManage, t("timerboard.edit"), (r) => `/timers/edit/${r.id}`, (r) => `timer-edit-${r.id}`),
      ]}
    />
  );
}
