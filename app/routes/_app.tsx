import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SideNav, SidebarLayout, type SideNavItem } from "~/components/side-nav";
import { frameFigures, pageMemo, requireUser } from "~/web/guards.server";
import { menuItems, menuItemsFor } from "~/modules/menu/registry.server";
import { siteMenu, type SiteMenuEntry } from "~/modules/menu/stored.server";
import { getRuntime } from "~/modules/runtime.server";

/** Layout of every member page: requires a logged-in user (secure by default). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db, settings } = getRuntime();
  const figures = await frameFigures(request, context);
  return json({ menu: await siteMenu(db, user, menuItemsFor(settings), { synced: menuItems(), settings, revision: figures?.menuRevision, memo: pageMemo(request, context) }) });
}

export default function AppLayout() {
  const { menu } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const translated = (entry: SiteMenuEntry): SideNavItem => ({ ...entry, label: entry.translate ? t(entry.label) : entry.label, children: entry.children?.map(translated) });
  return (
    <SidebarLayout nav={<SideNav label={t("nav.label")} testId="sidebar" items={menu.map(translated)} />}>
      <Outlet />
    </SidebarLayout>
  );
}
