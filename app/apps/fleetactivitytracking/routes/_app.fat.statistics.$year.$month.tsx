import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound } from "~/web/params.server";
import { appContext, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { Table } from "../../plugin-ui";
import { BarChart } from "../bar-chart";
import { type MonthValue, PeriodNav, useMonthName } from "../month-nav";
import { FAT_STATISTICS } from "../permissions";
import { corporationsInMonth, firstMonth, monthNavigation, parseMonth, topPilots } from "../stats.server";
import { TopPilots } from "../top-pilots";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.statistics");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_STATISTICS);
  const month = parseMonth(params.year, params.month) ?? notFound();
  const { db } = appContext();
  const [corporations, pilots, first] = await Promise.all([corporationsInMonth(db, month), topPilots(db, month, { limit: 10 }), firstMonth(db, null)]);
  return json({ month, nav: monthNavigation(month, first), corporations, pilots });
}

const linkClass = "text-sky-700 hover:underline dark:text-sky-400";

export default function Statistics() {
  const { t } = useTranslation();
  const { month, nav, corporations, pilots } = useLoaderData<typeof loader>();
  const names = useMonthName();
  const path = (m: MonthValue | null) => (m ? `/fat/statistics/${m.year}/${m.month}` : null);
  const label = names.long(month);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.statisticsOf", { month: label })}</h1>
      <PeriodNav prev={path(nav.prev)} next={path(nav.next)} prevLabel={nav.prev ? names.long(nav.prev) : ""} nextLabel={nav.next ? names.long(nav.next) : ""} />
      {corporations.length ? (
        <BarChart testId="fat-chart-corporations" title={t("fleetactivitytracking.chart.corporations", { month: label })} description={t("fleetactivitytracking.chart.corporationsDesc")} bars={corporations.map((c) => ({ label: c.corporation_name, value: c.fats }))} />
      ) : null}
      <Table
        testId="fat-corporations"
        rows={corporations}
        rowKey={(c) => String(c.corporation_id)}
        empty={t("fleetactivitytracking.noData")}
        columns={[
          {
            id: "corporation",
            header: t("fleetactivitytracking.corporation"),
            cell: (c) =>
              c.corporation_id === null ? (
                c.corporation_name
              ) : (
                <Link to={`/fat/statistics/corp/${c.corporation_id}/${month.year}/${month.month}`} className={linkClass}>
                  {c.corporation_name}
                </Link>
              ),
          },
          { id: "fats", header: t("fleetactivitytracking.fatCount"), numeric: true, cell: (c) => c.fats },
          { id: "pilots", header: t("fleetactivitytracking.pilots"), numeric: true, cell: (c) => c.pilots },
          { id: "members", header: t("fleetactivitytracking.members"), numeric: true, cell: (c) => c.member_count || "—" },
          { id: "average", header: t("fleetactivitytracking.averagePerMember"), numeric: true, cell: (c) => (c.member_count ? c.average.toFixed(2) : "—") },
        ]}
      />
      <TopPilots pilots={pilots} month={month} label={label} />
    </div>
  );
}
