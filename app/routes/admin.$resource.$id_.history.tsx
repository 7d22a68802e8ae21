import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminTabs } from "~/components/admin/admin-form";
import { notFound, objectHistory, parseId, requireAdmin } from "~/web/admin-engine.server";
import { can } from "~/modules/admin/registry.server";
import { DateTime } from "~/components/date-time";

/** Every audit row about this object: who, what, before → after. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "view");
  const id = parseId(resource, params.id);
  const current = await resource.get(ctx.db, id);
  if (!current) notFound();
  return json({
    key: resource.key,
    id,
    title: resource.title(current),
    titleKey: resource.titleKey?.(current) ?? null,
    canDelete: Boolean(resource.remove) && can(user, resource, "delete") && !resource.undeletable?.(current),
    rows: await objectHistory(ctx.db, resource, id, current),
  });
}

export default function AdminHistory() {
  const { key, id, title: rawTitle, titleKey, canDelete, rows } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const title = titleKey ? t(titleKey) : rawTitle;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.historyTitle", { name: title })}</h1>
      <AdminTabs base={`/admin/${key}/${encodeURIComponent(id)}`} active="history" canDelete={canDelete} />
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
