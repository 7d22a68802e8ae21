import { useTranslation } from "react-i18next";

/** A service's generated credentials, shown once after activation or a password reset. */
export function ServiceCredentials({ service, title, username, password }: { service: string; title: string; username: string; password: string }) {
  const { t } = useTranslation();
  return (
    <section className="rounded border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-700 dark:bg-emerald-950" data-testid={`service-credentials-${service}`} aria-live="polite">
      <h2 className="font-semibold">{t("services.credentials.title", { service: title })}</h2>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt>{t("services.credentials.username")}</dt>
        <dd>
          <code data-testid={`service-credentials-${service}-username`}>{username}</code>
        </dd>
        <dt>{t("services.credentials.password")}</dt>
        <dd>
          <code data-testid={`service-credentials-${service}-password`}>{password}</code>
        </dd>
      </dl>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-300">{t("services.credentials.once")}</p>
    </section>
  );
}
