import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isRunning, percentOf, refreshWhileRunning, useRevalidateWhile } from "~/components/job-progress";
import { pageTitle } from "~/i18n/meta";
import { importRun } from "~/modules/import/runs.server";
import { getRuntime } from "~/modules/runtime.server";
import { requireSuperuser } from "~/web/guards.server";
import { notFound, pathId } from "~/web/params.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => [...pageTitle(matches, "admin.import.runTitle"), ...refreshWhileRunning(data?.status)];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireSuperuser(request, context);
  const run = await importRun(getRuntime().db, pathId(params.runId));
  if (!run) notFound();
  return json(run);
}

export default function AdminImportRun() {
  const run = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  useRevalidateWhile(isRunning(run.status));
  const percent = percentOf(run.done, run.total);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t(run.dryRun ? "admin.import.runTitleDry" : "admin.import.runTitle")}</h1>
      <div className="card space-y-2" data-testid="import-run" data-status={run.status}>
        <p className="text-sm">{run.source}</p>
        <progress className="w-full" max={run.total || 1} value={run.done} aria-label={t("admin.job.progress")} data-testid="import-progress" />
        <p className="text-sm" data-testid="import-summary">
          {t("admin.import.summary", { count: run.total, done: run.done, percent, table: run.currentTable ?? "—" })}
        </p>
        <p className="text-sm">
          {t("admin.job.status")}: <strong data-testid="import-status">{t(`admin.import.statuses.${run.status}`)}</strong>
        </p>
        {run.error ? (
          <p className="field-error" role="alert" data-testid="import-error">
            {run.error}
          </p>
        ) : null}
        <div className="flex gap-3 text-sm">
          <a href={`/admin/import/${run.id}`}>{t("admin.job.refresh")}</a>
          <Link to="/admin/import">{t("admin.import.back")}</Link>
        </div>
      </div>
      {run.report ? (
        <section className="card space-y-2">
          <h2 className="text-lg font-semibold">{t("admin.import.report")}</h2>
          <pre className="overflow-x-auto whitespace-pre-wrap text-xs" data-testid="import-report">
            {run.report.join("\n")}
          </pre>
        </section>
      ) : null}
    </div>
  );
}
