import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminTabs, useObjectHeading } from "~/components/admin/admin-form";
import { canDeleteObject, objectHeading, objectHistory, requireAdminObject } from "~/web/admin-engine.server";
import { DateTime } from "~/components/date-time";

/** Every audit row about this object: who, what, before → after. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx, id, current } = await requireAdminObject(request, context, params, "view");
  return json({
    ...objectHeading(resource, id, current),
    canDelete: canDeleteObject(user, resource, current),
    rows: await objectHistory(ctx.db, resource, id, current),
  });
}

export default function AdminHistory() {
  const loaded = useLoaderData<typeof loader>();
  const { canDelete, rows } = loaded;
  const { t } = useTranslation();
  const { title, base } = useObjectHeading(loaded);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.historyTitle", { name: title })}</h1>
      <AdminTabs base={base} active="history" canDelete={canDelete} />
      {rows.length === 0 ? <p className="text-sm text-slate-500 dark:text-slate-400">{t("admin.noHistory")}</p> : null}
      <ol className="space-y-2" data-testid="admin-history">
        {rows.map((r) => (
          <li key={r.id} className="card text-sm" data-testid="admin-history-row">
            <p>
              <DateTime iso={r.created_at} seconds /> · <strong>{r.actor}</strong> · <code>{r.action}</code>
              {r.reason ? ` · ${r.reason}` : ""}
            </p>
            {r.before || r.after ? (
              <div className="mt-1 grid gap-2 md:grid-cols-2">
                <pre className="overflow-x-auto whitespace-pre-wrap break-all text-xs text-slate-500 dark:text-slate-400">{r.before ?? "—"}</pre>
                <pre className="overflow-x-auto whitespace-pre-wrap break-all text-xs">→ {r.after ?? "—"}</pre>
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
