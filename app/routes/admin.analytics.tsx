import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DateTime } from "~/components/date-time";
import { pageTitle } from "~/i18n/meta";
import { enabledApps } from "~/apps/registry.server";
import { describeAnalytics } from "~/modules/analytics/analytics.server";
import { getRuntime } from "~/modules/runtime.server";
import { requireSuperuser } from "~/web/guards.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.analytics.title");

/** Exactly what the site reports, and where (superusers): nothing unless the operator set their own analytics. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSuperuser(request, context);
  const { db, settings } = getRuntime();
  const info = await describeAnalytics(db, settings, enabledApps(settings).map((a) => a.id));
  return json({ ...info, lastSentAt: info.lastSentAt?.toISOString() ?? null });
}

export default function AdminAnalytics() {
  const { t } = useTranslation();
  const info = useLoaderData<typeof loader>();
  const categories = (["dailyStats", "pageViews", "taskEvents"] as const).filter((c) => info.categories[c]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.analytics.title")}</h1>
      {info.on ? (
        <p className="card" data-testid="analytics-status">
          {t("admin.analytics.on", { provider: info.provider, destination: info.destination })}{" "}
          {info.lastSentAt ? (
            <>
              {t("admin.analytics.lastSent")} <DateTime iso={info.lastSentAt} />
            </>
          ) : (
            t("admin.analytics.neverSent")
          )}
        </p>
      ) : (
        <p className="card" data-testid="analytics-status">
          {t("admin.analytics.off")}
        </p>
      )}
      <section className="card space-y-2">
        <h2 className="text-lg font-semibold">{t("admin.analytics.whatTitle")}</h2>
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="analytics-categories">
          {categories.map((c) => (
            <li key={c}>{t(`admin.analytics.category.${c}`)}</li>
          ))}
        </ul>
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("admin.analytics.never")}</p>
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("admin.analytics.settings")}</p>
      </section>
      {info.on ? (
        <section className="card space-y-2">
          <h2 className="text-lg font-semibold">{t("admin.analytics.previewTitle", { count: info.preview.length })}</h2>
          <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-3 text-xs dark:bg-slate-800" data-testid="analytics-preview">
            {info.preview.map((r) => `POST ${r.url}\n${JSON.stringify(r.body, null, 2)}`).join("\n\n")}
          </pre>
        </section>
      ) : null}
    </div>
  );
}
