/** The dashboard's next fleet operations (browser side; data from `widgets` in app.server.ts). */
import { useTranslation } from "react-i18next";
import { WidgetPanel } from "~/components/widget-panel";
import { Countdown, EveTime } from "~/components/eve-time";

interface Data {
  now: string;
  ops: { id: number; operation_name: string; doctrine: string; system: string; start: string }[];
}

export function UpcomingOpsWidget({ data }: { data: Data }) {
  const { t } = useTranslation();
  return (
    <WidgetPanel testId="widget-optimer-upcoming" title={t("optimer.next")} to="/optimer">
      <ul className="mt-2 space-y-1 text-sm">
        {data.ops.map((op) => (
          <li key={op.id} className="flex flex-wrap gap-x-3">
            <span className="font-medium">{op.operation_name}</span>
            <span>{op.doctrine}</span>
            <span>{op.system}</span>
            <EveTime at={op.start} />
            <Countdown at={op.start} now={data.now} />
          </li>
        ))}
      </ul>
    </WidgetPanel>
  );
}
