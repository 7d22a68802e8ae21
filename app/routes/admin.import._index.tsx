import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError, PostForm, TextField } from "~/components/forms";
import { utc } from "~/components/groups";
import { Table } from "~/components/table";
import { pageTitle } from "~/i18n/meta";
import { importRequestSchema, recentImportRuns, startImport } from "~/modules/import/runs.server";
import { withoutPassword } from "~/modules/import/source.server";
import { getRuntime } from "~/modules/runtime.server";
import { actorFor, requireSuperuser } from "~/web/guards.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.import.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSuperuser(request, context);
  return json({ runs: await recentImportRuns(getRuntime().db) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireSuperuser(request, context);
  const form = await request.formData();
  const values = { from: String(form.get("from") ?? "").slice(0, 1000), dryRun: form.get("dryRun") === "on" };
  const parsed = importRequestSchema.safeParse(values);
  if (!parsed.success) {
    const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "from"), i.message]));
    // The submitted URL may hold a password: it is given back without it.
    return json({ errors, values: { from: withoutPassword(values.from), dryRun: values.dryRun } }, { status: 400 });
  }
  const { db, settings } = getRuntime();
  const runId = await startImport(db, settings, parsed.data, actorFor(user, context));
  return redirect(`/admin/import/${runId}`);
}

export default function AdminImport() {
  const { runs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const values = result?.values ?? { from: "", dryRun: true };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.import.title")}</h1>
      <p className="text-sm">{t("admin.import.intro")}</p>
      <PostForm className="card space-y-3" data-testid="import-form">
        <TextField name="from" label={t("admin.import.from")} defaultValue={values.from} error={result?.errors?.from} autoComplete="off" />
        <div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="dryRun" defaultChecked={values.dryRun} />
            {t("admin.import.dryRun")}
          </label>
          <FieldError id="field-dryRun-error" error={result?.errors?.dryRun} />
        </div>
        <button type="submit" className="btn-primary" data-testid="import-start">
          {t("admin.import.start")}
        </button>
      </PostForm>
      <Table
        testId="import-runs"
        rows={runs}
        rowKey={(r) => r.id}
        empty={t("admin.import.noRuns")}
        columns={[
          { id: "started", header: t("admin.import.col.started"), className: "whitespace-nowrap", cell: (r) => <Link to={`/admin/import/${r.id}`}>{utc(r.startedAt)}</Link> },
          { id: "source", header: t("admin.import.col.source"), cell: (r) => r.source },
          { id: "kind", header: t("admin.import.col.kind"), cell: (r) => t(r.dryRun ? "admin.import.kindDryRun" : "admin.import.kindImport") },
          { id: "status", header: t("admin.job.status"), cell: (r) => t(`admin.import.statuses.${r.status}`) },
        ]}
      />
    </div>
  );
}
