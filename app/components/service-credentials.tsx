import { useTranslation } from "react-i18next";

/** A service's generated credentials, shown once after activation or a password reset (with the connect link, when the service has one). */
export function ServiceCredentials({ service, title, username, password, url }: { service: string; title: string; username: string; password: string; url?: string | null }) {
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
        {url ? (
          <>
            <dt>{t("services.col.url")}</dt>
            <dd>
              <a href={url} className="text-sky-700 hover:underline dark:text-sky-400" data-testid={`service-credentials-${service}-url`}>
                {url}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-300">{t("services.credentials.once")}</p>
    </section>
  );
}
