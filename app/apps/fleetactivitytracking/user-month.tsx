/** A member's month: participations by ship (chart and table), their participations and the links they made. */
import { useTranslation } from "react-i18next";
import { EveTime } from "~/components/eve-time";
import { Table } from "../plugin-ui";
import { BarChart } from "./bar-chart";
import { type FatRow, FatsTable } from "./fats-table";
import { type MonthValue, PeriodNav, useMonthName } from "./month-nav";

export interface UserMonthData {
  month: MonthValue;
  nav: { prev: MonthValue | null; next: MonthValue | null };
  fats: FatRow[];
  ships: { ship: string; count: number }[];
  created: { id: number; fleet: string; fatdatetime: string; duration: number }[];
}

export function UserMonth({ data, who, base }: { data: UserMonthData; who: string; base: string }) {
  const { t } = useTranslation();
  const names = useMonthName();
  const path = (m: MonthValue | null) => (m ? `${base}/${m.year}/${m.month}` : null);
  const month = names.long(data.month);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.userMonthTitle", { name: who, month })}</h1>
      <PeriodNav prev={path(data.nav.prev)} next={path(data.nav.next)} prevLabel={data.nav.prev ? names.long(data.nav.prev) : ""} nextLabel={data.nav.next ? names.long(data.nav.next) : ""} />
      <p data-testid="fat-month-total">{t("fleetactivitytracking.fatsInMonth", { count: data.fats.length, month })}</p>
      {data.ships.length ? (
        <BarChart testId="fat-chart-ships" title={t("fleetactivitytracking.chart.ships", { month })} description={t("fleetactivitytracking.chart.shipsDesc")} bars={data.ships.map((s) => ({ label: s.ship, value: s.count }))} />
      ) : null}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("fleetactivitytracking.participations")}</h2>
        <FatsTable testId="fat-month-fats" rows={data.fats} station />
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("fleetactivitytracking.createdLinks", { count: data.created.length })}</h2>
        <Table
          testId="fat-month-created"
          rows={data.created}
          rowKey={(l) => l.id}
          empty={t("fleetactivitytracking.noLinks")}
          columns={[
            { id: "fleet", header: t("fleetactivitytracking.field.fleet"), cell: (l) => l.fleet },
            { id: "time", header: t("fleetactivitytracking.created"), cell: (l) => <EveTime at={l.fatdatetime} /> },
            { id: "duration", header: t("fleetactivitytracking.field.duration"), numeric: true, cell: (l) => l.duration },
          ]}
        />
      </section>
    </div>
  );
}
