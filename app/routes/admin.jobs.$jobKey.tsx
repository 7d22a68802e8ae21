import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { isRunning, percentOf, refreshWhileRunning, useRevalidateWhile } from "~/components/job-progress";
import { useTranslation } from "react-i18next";
import { getBulkProgress } from "~/modules/admin/bulk.server";
import { notFound, requireAdmin } from "~/web/admin-engine.server";
import { requireStaff } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Bulk action" },
  // Without JavaScript the page refreshes itself while the job runs.
  ...refreshWhileRunning(data?.status),
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireStaff(request, context);
  const progress = await getBulkProgress(getRuntime().db, String(params.jobKey ?? "").slice(0, 100));
  if (!progress) notFound();
  await requireAdmin(request, context, progress.resource, "view");
  return json({ jobKey: progress.job_key, resource: progress.resource, action: progress.action, total: progress.total, done: progress.done, failed: progress.failed, status: progress.status });
}

export default function AdminJob() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  useRevalidateWhile(isRunning(data.status));
  const percent = percentOf(data.done, data.total);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.job.title")}</h1>
      <div className="card space-y-2" data-testid="admin-job" data-status={data.status}>
        <progress className="w-full" max={data.total || 1} value={data.done} aria-label={t("admin.job.progress")} data-testid="admin-job-progress" />
        <p className="text-sm">{t("admin.job.summary", { done: data.done, total: data.total, failed: data.failed, percent })}</p>
        <p className="text-sm">
          {t("admin.job.status")}: <strong data-testid="admin-job-status">{t(`admin.job.statuses.${data.status}`)}</strong>
        </p>
        <div className="flex gap-3 text-sm">
          <a href={`/admin/jobs/${encodeURIComponent(data.jobKey)}`}>{t("admin.job.refresh")}</a>
          <Link to={`/admin/${data.resource}`}>{t("admin.job.back")}</Link>
        </div>
      </div>
    </div>
  );
}
