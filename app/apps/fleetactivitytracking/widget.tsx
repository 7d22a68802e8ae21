/** The dashboard's fleet activity panel (browser side; data from `widgets` in app.server.ts): this month's count and the last participations. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { WidgetPanel } from "~/components/widget-panel";
import { EveTime } from "~/components/eve-time";
import { useMonthName } from "./month-nav";
import type { ActivitySummary } from "./stats.server";

export function FleetActivityWidget({ data }: { data: ActivitySummary }) {
  const { t } = useTranslation();
  const month = useMonthName().long(data.month);
  return (
    <WidgetPanel testId="widget-fat-activity" title={t("fleetactivitytracking.myFats")} to="/fat">
      <p className="mt-2 text-sm" data-testid="widget-fat-month">
        <Link to={`/fat/user/statistics/${data.month.year}/${data.month.month}`} className="text-sky-700 hover:underline dark:text-sky-400">
          {t("fleetactivitytracking.fatsInMonth", { count: data.count, month })}
        </Link>
      </p>
      {data.recent.length ? (
        <ul className="mt-2 space-y-1 text-sm" data-testid="widget-fat-recent">
          {data.recent.map((f) => (
            <li key={f.id} className="flex flex-wrap gap-x-3">
              <span className="font-medium">{f.fleet}</span>
              <span>{f.character_name}</span>
              <span>{f.shiptype}</span>
              <span>{f.system}</span>
              <EveTime at={f.fatdatetime} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">{t("fleetactivitytracking.noFats")}</p>
      )}
    </WidgetPanel>
  );
}
