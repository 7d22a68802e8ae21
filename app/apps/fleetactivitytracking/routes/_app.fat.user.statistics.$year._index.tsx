import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound } from "~/web/params.server";
import { appContext, requireUser } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { Table } from "../../plugin-ui";
import { BarChart } from "../bar-chart";
import { PeriodNav, useMonthName } from "../month-nav";
import { firstMonth, monthOf, parseYear, userYear, yearNavigation } from "../stats.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.myStatistics");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const year = parseYear(params.year) ?? notFound();
  const { db } = appContext();
  const [counts, first] = await Promise.all([userYear(db, user.id, year), firstMonth(db, { userId: user.id })]);
  const now = monthOf(new Date());
  // Months after the current one have no page.
  const months = counts.map((count, i) => ({ month: i + 1, count, linked: year < now.year || i + 1 <= now.month }));
  return json({ year, months, nav: yearNavigation(year, first?.year ?? null) });
}

export default function MyYear() {
  const { t } = useTranslation();
  const { year, months, nav } = useLoaderData<typeof loader>();
  const names = useMonthName();
  const total = months.reduce((sum, m) => sum + m.count, 0);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.myYear", { year })}</h1>
      <PeriodNav prev={nav.prev ? `/fat/user/statistics/${nav.prev}` : null} next={nav.next ? `/fat/user/statistics/${nav.next}` : null} prevLabel={String(nav.prev ?? "")} nextLabel={String(nav.next ?? "")} />
      <p data-testid="fat-year-total">{t("fleetactivitytracking.fatsInYear", { count: total, year })}</p>
      <BarChart testId="fat-chart-year" title={t("fleetactivitytracking.chart.year", { year })} description={t("fleetactivitytracking.chart.yearDesc")} bars={months.map((m) => ({ label: names.short(m.month), value: m.count }))} />
      <Table
        testId="fat-year"
        rows={months}
        rowKey={(m) => m.month}
        empty={t("fleetactivitytracking.noData")}
        columns={[
          {
            id: "month",
            header: t("fleetactivitytracking.month"),
            cell: (m) =>
              m.linked ? (
                <Link to={`/fat/user/statistics/${year}/${m.month}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {names.long({ year, month: m.month })}
                </Link>
              ) : (
                names.long({ year, month: m.month })
              ),
          },
          { id: "fats", header: t("fleetactivitytracking.fatCount"), numeric: true, cell: (m) => m.count },
        ]}
      />
    </div>
  );
}
