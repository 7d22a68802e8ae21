import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { requireAdmin } from "~/web/admin-engine.server";
import { utc } from "~/components/groups";
import { EmptyRow } from "~/components/empty-state";
import { rowClass, tableClass, theadClass } from "~/components/service-table";
import { getRuntime } from "~/modules/runtime.server";
import { queueAdminAction, serviceOverview } from "~/modules/services/admin.server";
import { PROGRESS_RESOURCE, startSyncAll } from "~/modules/services/progress.server";
import { connectorFromParams } from "~/web/services-routes.server";
import { ServiceStatus } from "~/components/service-status";

/** Plural key (summary_one / summary_other). */
const SUMMARY = "services.admin.summary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} — services` : "Services" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireAdmin(request, context, PROGRESS_RESOURCE, "view");
  const connector = connectorFromParams(params.service);
  const { db, settings } = getRuntime();
  const status = connector.adminStatus ? await connector.adminStatus({ db, settings }) : null;
  const extraActions = (connector.adminActions ?? []).map((a) => ({ intent: a.intent, label: a.label }));
  return json({ id: connector.meta.id, title: connector.meta.title, status, extraActions, ...(await serviceOverview(db, connector.meta.id)) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { ctx } = await requireAdmin(request, context, PROGRESS_RESOURCE, "change");
  const connector = connectorFromParams(params.service);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent !== "sync_all") {
    if (await queueAdminAction(ctx.db, connector, intent, ctx.actor)) return redirect(`/admin/services/${connector.meta.id}?queued=${encodeURIComponent(intent)}`);
    return json({ error: "badRequest" }, { status: 400 });
  }
  const jobKey = await startSyncAll(ctx.db, connector.meta.id, ctx.actor);
  return redirect(`/admin/jobs/${encodeURIComponent(jobKey)}`);
}

export default function AdminService() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const drift = data.drift;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{data.title}</h1>
        <div className="flex flex-wrap gap-2">
          {data.extraActions.map((a) => (
            <PostForm key={a.intent}>
              <button type="submit" name="intent" value={a.intent} className="btn-secondary" data-testid={`service-action-${a.intent}`}>
                {t(a.label)}
              </button>
            </PostForm>
          ))}
          <PostForm>
            <button type="submit" name="intent" value="sync_all" className="btn-primary" data-testid="service-sync-all">
              {t("services.admin.syncAll")}
            </button>
          </PostForm>
        </div>
      </div>
      {data.status ? <ServiceStatus id={data.id} status={data.status} /> : null}
      <p className="text-sm">{t(SUMMARY, { count: data.total, errors: data.errors })}</p>
      <section className="card space-y-2" data-testid="service-drift">
        <h2 className="text-lg font-semibold">{t("services.admin.drift")}</h2>
        {drift ? (
          <>
            <p className="text-sm">{t("services.admin.lastReconcile", { at: utc(drift.at), changed: drift.changed, removed: drift.removed, gone: drift.goneUserIds.length, failed: drift.failed })}</p>
            <dl className="grid grid-cols-2 gap-x-4 text-sm sm:grid-cols-4">
              {Object.entries(drift.figures).map(([k, v]) => (
                <div key={k}>
                  <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
                  <dd data-testid={`drift-${k}`}>{v}</dd>
                </div>
              ))}
            </dl>
            {Object.entries(drift.lists)
              .filter(([, items]) => items.length > 0)
              .map(([k, items]) => (
                <details key={k}>
                  <summary className="cursor-pointer text-sm">
                    {k} ({items.length})
                  </summary>
                  <ul className="ml-4 list-disc text-sm">
                    {items.map((item) => (
                      <li key={item}>{item}</li>
                    ))}
                  </ul>
                </details>
              ))}
          </>
        ) : (
          <p className="text-sm">{t("services.admin.noReconcile")}</p>
        )}
      </section>
      <div className="overflow-x-auto">
        <table className={tableClass} data-testid="service-accounts">
          <thead className={theadClass}>
            <tr>
              <th className="px-2 py-2">{t("services.admin.user")}</th>
              <th className="px-2 py-2">{t("services.col.username")}</th>
              <th className="px-2 py-2">{t("services.col.status")}</th>
              <th className="px-2 py-2">{t("services.col.lastSync")}</th>
              <th className="px-2 py-2">{t("services.admin.lastError")}</th>
            </tr>
          </thead>
          <tbody>
            {data.accounts.length === 0 ? (
              <EmptyRow colSpan={5}>{t("services.admin.noAccounts")}</EmptyRow>
            ) : (
              data.accounts.map((a) => (
                <tr key={a.user_id} className={rowClass}>
                  <td className="px-2 py-2">{a.username}</td>
                  <td className="px-2 py-2">{a.remote_username ?? a.remote_id}</td>
                  <td className="px-2 py-2">{t(`services.status.${a.status}`)}</td>
                  <td className="px-2 py-2">{a.last_sync_at ? utc(a.last_sync_at) : "—"}</td>
                  <td className="px-2 py-2 text-red-700 dark:text-red-400">{a.last_error ? `${a.last_error_at ? utc(a.last_error_at) : ""} ${a.last_error}` : ""}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
