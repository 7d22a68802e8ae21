/** The admin's view of a connector's connection health: fine, or the troubleshooting topic with what to do. */
import { useTranslation } from "react-i18next";
import { utc } from "~/components/groups";

export function ServiceStatus({ id, status }: { id: string; status: { topic: string | null; detail: string | null; at: string | null } }) {
  const { t } = useTranslation();
  if (!status.topic) {
    return (
      <section className="card text-sm" data-testid="service-status" data-status="ok">
        {t("services.admin.statusOk")}
      </section>
    );
  }
  return (
    <section className="card space-y-1 border-l-4 border-red-600 text-sm" data-testid="service-status" data-status={status.topic}>
      <h2 className="font-semibold">{t(`${id}.trouble.${status.topic}.title`)}</h2>
      <p>{t(`${id}.trouble.${status.topic}.help`)}</p>
      {status.detail ? <p className="font-mono text-xs text-slate-500 dark:text-slate-400">{status.detail}</p> : null}
      {status.at ? <p className="text-xs text-slate-500 dark:text-slate-400">{t("services.admin.statusSince", { at: utc(status.at) })}</p> : null}
    </section>
  );
}
