import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SideNav, SidebarLayout } from "~/components/side-nav";
import { requireUser } from "~/web/guards.server";
import { menuItemsFor, visibleMenu } from "~/modules/menu/registry.server";
import { getRuntime } from "~/modules/runtime.server";

/** Layout of every member page: requires a logged-in user (secure by default). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return json({ menu: await visibleMenu(user, menuItemsFor(getRuntime().settings)) });
}

export default function AppLayout() {
  const { menu } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <SidebarLayout nav={<SideNav label={t("nav.label")} testId="sidebar" items={menu.map((item) => ({ ...item, label: t(item.label) }))} />}>
      <Outlet />
    </SidebarLayout>
  );
}
