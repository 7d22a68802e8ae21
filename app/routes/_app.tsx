import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/web/guards.server";
import { visibleMenu } from "~/modules/menu/registry";
import "~/modules/states/menu.server";
import "~/modules/services/menu.server";
import "~/modules/notifications/menu.server";
import "~/modules/permissions-audit/menu.server";
import "~/modules/groups/menu.server";

/** Layout of every member page: requires a logged-in user (secure by default). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return json({ menu: await visibleMenu(user) });
}

export default function AppLayout() {
  const { menu } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 md:flex-row">
      <nav aria-label={t("nav.label")} className="md:w-56 md:shrink-0">
        <ul className="flex flex-row flex-wrap gap-1 md:flex-col" data-testid="sidebar">
          {menu.map((item) => (
            <li key={item.id}>
              <NavLink
                to={item.to}
                className={({ isActive }) =>
                  `block rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-sky-700 text-white" : "text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800"}`
                }
              >
                {t(item.label)}
                {item.badge > 0 ? (
                  <span className="ml-2 rounded-full bg-amber-500 px-2 py-0.5 text-xs font-semibold text-white" data-testid={`badge-${item.id}`}>
                    {item.badge}
                  </span>
                ) : null}
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
