import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { z } from "zod";
import { listAudit } from "~/modules/audit/audit.server";
import { requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { DateTime } from "~/components/date-time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "audit.title");

const filterSchema = z.object({
  action: z.string().trim().max(64).optional(),
  targetType: z.string().trim().max(64).optional(),
  targetId: z.string().trim().max(64).optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "audit.view_auditentry");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = filterSchema.safeParse(params);
  const filters = parsed.success ? parsed.data : {};
  const rows = await listAudit(getRuntime().db, {
    action: filters.action || undefined,
    targetType: filters.targetType || undefined,
    targetId: filters.targetId || undefined,
    limit: 200,
  });
  return json({ filters, rows: rows.map(({ before_data, after_data, ...row }) => ({ ...row, created_at: row.created_at.toISOString() })) });
}

export default function AuditLog() {
  const { t } = useTranslation();
  const { filters, rows } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("audit.title")}</h1>
      <Form method="get" className="flex flex-wrap items-end gap-3">
        {(["action", "targetType", "targetId"] as const).map((name) => (
          <div key={name}>
            <label htmlFor={`audit-${name}`} className="label">
              {t(`audit.filter.${name}`)}
            </label>
            <input id={`audit-${name}`} name={name} defaultValue={filters[name] ?? ""} className="input" />
          </div>
        ))}
        <button type="submit" className="btn-secondary">
          {t("audit.filter.submit")}
        </button>
      </Form>
      <Table
        testId="audit-table"
        rows={rows}
        rowKey={(row) => row.id}
        empty={t("audit.empty")}
        columns={[
          { id: "when", header: t("audit.col.when"), className: "whitespace-nowrap", cell: (row) => <DateTime iso={row.created_at} seconds /> },
          { id: "actor", header: t("audit.col.actor"), cell: (row) => row.actor },
          { id: "action", header: t("audit.col.action"), className: "font-mono", cell: (row) => row.action },
          { id: "target", header: t("audit.col.target"), cell: (row) => `${row.target_type}${row.target_id ? ` #${row.target_id}` : ""}` },
          {
            id: "change",
            header: t("audit.col.change"),
            className: "max-w-md font-mono text-xs",
            cell: (row) => (
              <>
                {row.before ? <div>− {JSON.stringify(row.before)}</div> : null}
                {row.after ? <div>+ {JSON.stringify(row.after)}</div> : null}
                {row.reason ? <div className="font-sans">{row.reason}</div> : null}
              </>
            ),
          },
          {
            id: "source",
            header: t("audit.col.source"),
            className: "text-xs text-slate-500",
            cell: (row) => (
              <>
                {row.ip ?? ""} {row.request_id ? <span className="font-mono">{row.request_id.slice(0, 8)}</span> : null}
              </>
            ),
          },
        ]}
      />
    </div>
  );
}
