/** A list of fleet operations, each time in EVE time and local time with a live countdown. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Countdown, EveTime, LocalTime } from "~/components/eve-time";
import { Table } from "~/components/table";
import type { Op } from "./ops.server";

/** An operation as the loader sends it (dates as ISO strings). */
export type OpRow = Omit<Op, "start" | "post_time"> & { start: string };

export function OpsTable({ testId, rows, now, canManage }: { testId: string; rows: OpRow[]; now: string; canManage: boolean }) {
  const { t } = useTranslation();
  return (
    <Table
      testId={testId}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId={(r) => `op-${r.id}`}
      empty={t("optimer.none")}
      columns={[
        {
          id: "name",
          header: t("optimer.field.name"),
          cell: (r) => (
            <div>
              <div className="font-medium">{r.operation_name}</div>
              {r.description ? <div className="whitespace-pre-line text-xs text-slate-600 dark:text-slate-300">{r.description}</div> : null}
            </div>
          ),
        },
        { id: "type", header: t("optimer.field.type"), cell: (r) => r.type_name ?? "" },
        { id: "doctrine", header: t("optimer.field.doctrine"), cell: (r) => r.doctrine },
        { id: "system", header: t("optimer.field.system"), cell: (r) => (r.location ? `${r.system} (${r.location})` : r.system) },
        { id: "fc", header: t("optimer.field.fc"), cell: (r) => r.fc },
        { id: "eve", header: t("evetime.eveTime"), cell: (r) => <EveTime at={r.start} testId={`op-eve-${r.id}`} /> },
        { id: "local", header: t("evetime.local"), cell: (r) => <LocalTime at={r.start} testId={`op-local-${r.id}`} /> },
        { id: "countdown", header: t("evetime.countdown"), cell: (r) => <Countdown at={r.start} now={now} testId={`op-countdown-${r.id}`} /> },
        { id: "duration", header: t("optimer.field.duration"), cell: (r) => r.duration },
        { id: "creator", header: t("optimer.creator"), cell: (r) => r.character_name ?? "" },
        ...(canManage
          ? [
              {
                id: "actions",
                header: "",
                cell: (r: OpRow) => (
                  <Link to={`/optimer/edit/${r.id}`} className="text-sky-700 hover:underline dark:text-sky-400" data-testid={`op-edit-${r.id}`}>
                    {t("optimer.edit")}
                  </Link>
                ),
              },
            ]
          : []),
      ]}
    />
  );
}
