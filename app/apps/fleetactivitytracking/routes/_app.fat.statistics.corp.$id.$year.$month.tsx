import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MAX_EVE_ID, notFound } from "~/web/params.server";
import { appContext, pathId, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { type MonthValue, PeriodNav, useMonthName } from "../month-nav";
import { FAT_STATISTICS } from "../permissions";
import { corporationMembersInMonth, corporationName, firstMonth, monthNavigation, parseMonth } from "../stats.server";
import { TopPilots } from "../top-pilots";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.statistics");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_STATISTICS);
  const corporationId = pathId(params.id, MAX_EVE_ID);
  const month = parseMonth(params.year, params.month) ?? notFound();
  const { db } = appContext();
  const name = (await corporationName(db, corporationId)) ?? notFound();
  const [members, first] = await Promise.all([corporationMembersInMonth(db, corporationId, month), firstMonth(db, { corporationId })]);
  return json({ corporation: { id: corporationId, name }, month, nav: monthNavigation(month, first), members });
}

export default function CorporationStatistics() {
  const { t } = useTranslation();
  const { corporation, month, nav, members } = useLoaderData<typeof loader>();
  const names = useMonthName();
  const path = (m: MonthValue | null) => (m ? `/fat/statistics/corp/${corporation.id}/${m.year}/${m.month}` : null);
  const label = names.long(month);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.corporationStatisticsOf", { corporation: corporation.name, month: label })}</h1>
      <div className="flex flex-wrap items-center gap-3">
        <PeriodNav prev={path(nav.prev)} next={path(nav.next)} prevLabel={nav.prev ? names.long(nav.prev) : ""} nextLabel={nav.next ? names.long(nav.next) : ""} />
        <Link to={`/fat/statistics/${month.year}/${month.month}`} className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          {t("fleetactivitytracking.allCorporations")}
        </Link>
      </div>
      <TopPilots pilots={members} month={month} label={label} members />
    </div>
  );
}
