/** A list of fleet operations, each time in EVE time and local time with a live countdown. */
import { useTranslation } from "react-i18next";
import { timeColumns } from "~/components/eve-time";
import { linkColumn, Table } from "~/components/table";
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
        ...timeColumns<OpRow>(t, (r) => r.start, now, "op"),
        { id: "duration", header: t("optimer.field.duration"), cell: (r) => r.duration },
        { id: "creator", header: t("optimer.creator"), cell: (r) => r.character_name ?? "" },
        ...linkColumn<OpRow>(canManage, t("optimer.edit"), (r) => `/optimer/edit/${r.id}`, (r) => `op-edit-${r.id}`),
      ]}
    />
  );
}
