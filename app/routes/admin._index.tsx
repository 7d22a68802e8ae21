import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "~/web/guards.server";
import { can } from "~/modules/admin/registry.server";
import { adminResources } from "~/modules/admin/resources/index.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireStaff(request, context);
  return json({
    canImport: user.is_superuser,
    resources: adminResources()
      .filter((r) => can(user, r, "view"))
      .map((r) => ({ key: r.key, label: r.label, canAdd: Boolean(r.create) && can(user, r, "add") })),
  });
}

export default function AdminIndex() {
  const { resources, canImport } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.title")}</h1>
      <ul className="grid gap-2 sm:grid-cols-2" data-testid="admin-resources">
        {resources.map((r) => (
          <li key={r.key} className="card flex items-center justify-between">
            <Link to={`/admin/${r.key}`} className="font-medium text-sky-700 dark:text-sky-400">
              {t(r.label)}
            </Link>
            {r.canAdd ? (
              <Link to={`/admin/${r.key}/new`} className="text-sm">
                {t("admin.add")}
              </Link>
            ) : null}
          </li>
        ))}
        {canImport ? (
          <li className="card">
            <Link to="/admin/branding" className="font-medium text-sky-700 dark:text-sky-400" data-testid="admin-branding-link">
              {t("branding.title")}
            </Link>
          </li>
        ) : null}
        {canImport ? (
          <li className="card">
            <Link to="/admin/import" className="font-medium text-sky-700 dark:text-sky-400" data-testid="admin-import-link">
              {t("admin.import.title")}
            </Link>
          </li>
        ) : null}
        {canImport ? (
          <li className="card">
            <Link to="/admin/analytics" className="font-medium text-sky-700 dark:text-sky-400" data-testid="admin-analytics-link">
              {t("admin.analytics.title")}
            </Link>
          </li>
        ) : null}
        {canImport ? (
          <li className="card">
            <Link to="/admin/analytics" className="font-medium text-sky-700 dark:text-sky-400" data-testid="admin-analytics-link">
              {t("admin.analytics.title")}
            </Link>
          </li>
        ) : null}
      </ul>
    </div>
  );
}
