import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { listAudit } from "~/modules/audit/audit.server";
import { requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = () => [{ title: "Audit log" }];

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
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid="audit-table">
          <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:border-slate-600">
            <tr>
              <th className="px-2 py-2">{t("audit.col.when")}</th>
              <th className="px-2 py-2">{t("audit.col.actor")}</th>
              <th className="px-2 py-2">{t("audit.col.action")}</th>
              <th className="px-2 py-2">{t("audit.col.target")}</th>
              <th className="px-2 py-2">{t("audit.col.change")}</th>
              <th className="px-2 py-2">{t("audit.col.source")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-2 py-4 text-slate-500">
                  {t("audit.empty")}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.id} className="border-b border-slate-200 align-top dark:border-slate-700">
                  <td className="whitespace-nowrap px-2 py-2">{row.created_at.replace("T", " ").slice(0, 19)}</td>
                  <td className="px-2 py-2">{row.actor}</td>
                  <td className="px-2 py-2 font-mono">{row.action}</td>
                  <td className="px-2 py-2">
                    {row.target_type}
                    {row.target_id ? ` #${row.target_id}` : ""}
                  </td>
                  <td className="max-w-md px-2 py-2 font-mono text-xs">
                    {row.before ? <div>− {JSON.stringify(row.before)}</div> : null}
                    {row.after ? <div>+ {JSON.stringify(row.after)}</div> : null}
                    {row.reason ? <div className="font-sans">{row.reason}</div> : null}
                  </td>
                  <td className="px-2 py-2 text-xs text-slate-500">
                    {row.ip ?? ""} {row.request_id ? <span className="font-mono">{row.request_id.slice(0, 8)}</span> : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
