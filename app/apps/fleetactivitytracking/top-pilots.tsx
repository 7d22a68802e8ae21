/** The month's most active members: a chart and a table linking to each member's month. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "../plugin-ui";
import { BarChart } from "./bar-chart";
import type { MonthValue } from "./month-nav";

export interface PilotRow {
  user_id: number;
  name: string;
  character_id: number | null;
  fats: number;
  characters?: number;
  average?: number;
}

const linkClass = "text-sky-700 hover:underline dark:text-sky-400";

export function TopPilots({ pilots, month, label, members = false }: { pilots: PilotRow[]; month: MonthValue; label: string; members?: boolean }) {
  const { t } = useTranslation();
  const top = pilots.filter((p) => p.fats > 0).slice(0, 10);
  return (
    <section className="space-y-2">
      <h2 className="text-lg font-semibold">{members ? t("fleetactivitytracking.members") : t("fleetactivitytracking.topPilots")}</h2>
      {top.length ? <BarChart testId="fat-chart-pilots" title={t("fleetactivitytracking.chart.pilots", { month: label })} description={t("fleetactivitytracking.chart.pilotsDesc")} bars={top.map((p) => ({ label: p.name, value: p.fats }))} /> : null}
      <Table
        testId="fat-pilots"
        rows={pilots}
        rowKey={(p) => p.user_id}
        empty={t("fleetactivitytracking.noData")}
        columns={[
          {
            id: "pilot",
            header: t("fleetactivitytracking.pilot"),
            cell: (p) =>
              p.character_id === null ? (
                p.name
              ) : (
                <Link to={`/fat/user/${p.character_id}/statistics/${month.year}/${month.month}`} className={linkClass}>
                  {p.name}
                </Link>
              ),
          },
          { id: "fats", header: t("fleetactivitytracking.fatCount"), numeric: true, cell: (p) => p.fats },
          ...(members
            ? [
                { id: "characters", header: t("fleetactivitytracking.charactersInCorp"), numeric: true, cell: (p: PilotRow) => p.characters ?? 0 },
                { id: "average", header: t("fleetactivitytracking.averagePerCharacter"), numeric: true, cell: (p: PilotRow) => (p.average ?? 0).toFixed(2) },
              ]
            : []),
        ]}
      />
    </section>
  );
}
