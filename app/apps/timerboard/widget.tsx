/** The dashboard's next structure timers (browser side; data from `widgets` in app.server.ts). */
import { useTranslation } from "react-i18next";
import { WidgetPanel } from "~/components/widget-panel";
import { Countdown, EveTime } from "~/components/eve-time";
import { structureLabel } from "./timer-form";

interface Data {
  now: string;
  timers: { id: number; system: string; structure: string; timer_type: string; eve_time: string }[];
}

export function UpcomingTimersWidget({ data }: { data: Data }) {
  const { t } = useTranslation();
  return (
    <WidgetPanel testId="widget-timerboard-upcoming" title={t("timerboard.upcoming")} to="/timers">
      <ul className="mt-2 space-y-1 text-sm">
        {data.timers.map((timer) => (
          <li key={timer.id} className="flex flex-wrap gap-x-3">
            <span className="font-medium">{timer.system}</span>
            <span>{structureLabel(t, timer.structure)}</span>
            <span>{t(`timerboard.type.${timer.timer_type}`)}</span>
            <EveTime at={timer.eve_time} />
            <Countdown at={timer.eve_time} now={data.now} />
          </li>
        ))}
      </ul>
    </WidgetPanel>
  );
}
