import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "~/web/guards.server";
import { adminResources, can } from "~/modules/admin/registry.server";
import "~/modules/admin/resources.server";

export const meta: MetaFunction = () => [{ title: "Administration" }];

/** Only staff (or superusers) open /admin; each page then checks the resource permission. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireStaff(request, context);
  return json({ resources: adminResources().filter((r) => can(user, r, "view")).map((r) => ({ key: r.key, label: r.label })) });
}

export default function AdminLayout() {
  const { resources } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 md:flex-row">
      <nav aria-label={t("admin.title")} className="md:w-56 md:shrink-0">
        <NavLink to="/admin" end className="mb-2 block px-3 text-lg font-semibold">
          {t("admin.title")}
        </NavLink>
        <ul className="flex flex-row flex-wrap gap-1 md:flex-col" data-testid="admin-nav">
          {resources.map((r) => (
            <li key={r.key}>
              <NavLink
                to={`/admin/${r.key}`}
                className={({ isActive }) =>
                  `block rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-sky-700 text-white" : "text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800"}`
                }
              >
                {t(r.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="min-w-0 flex-1">
        <Outlet />
      </main>
    </div>
  );
}
