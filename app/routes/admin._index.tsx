import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "~/web/guards.server";
import { can } from "~/modules/admin/registry.server";
import { adminResources } from "~/modules/admin/resources/index.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireStaff(request, context);
  return json({
    superuser: user.is_superuser,
    resources: adminResources()
      .filter((r) => can(user, r, "view"))
      .map((r) => ({ key: r.key, label: r.label, canAdd: Boolean(r.create) && can(user, r, "add") })),
  });
}

/** Pages outside the generic resources, for superusers only. */
const SUPERUSER_PAGES = [
  { to: "/admin/branding", label: "branding.title", testId: "admin-branding-link" },
  { to: "/admin/import", label: "admin.import.title", testId: "admin-import-link" },
  { to: "/admin/analytics", label: "admin.analytics.title", testId: "admin-analytics-link" },
];

export default function AdminIndex() {
  const { resources, superuser } = useLoaderData<typeof loader>();
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
        {superuser
          ? SUPERUSER_PAGES.map((page) => (
              <li key={page.to} className="card">
                <Link to={page.to} className="font-medium text-sky-700 dark:text-sky-400" data-testid={page.testId}>
                  {t(page.label)}
                </Link>
              </li>
            ))
          : null}
      </ul>
    </div>
  );
}
