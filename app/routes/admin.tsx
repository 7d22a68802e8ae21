import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SideNav, SidebarLayout } from "~/components/side-nav";
import { requireStaff } from "~/web/guards.server";
import { can } from "~/modules/admin/registry.server";
import { adminResources } from "~/modules/admin/resources/index.server";
import { pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.admin");

/** Only staff (or superusers) open /admin; each page then checks the resource permission. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireStaff(request, context);
  return json({ resources: adminResources().filter((r) => can(user, r, "view")).map((r) => ({ key: r.key, label: r.label })), branding: user.is_superuser });
}

export default function AdminLayout() {
  const { resources, branding } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const heading = (
    <NavLink to="/admin" end className="mb-2 block px-3 text-lg font-semibold">
      {t("admin.title")}
    </NavLink>
  );
  return (
    <SidebarLayout nav={<SideNav label={t("admin.title")} testId="admin-nav" heading={heading} items={[...resources.map((r) => ({ id: r.key, to: `/admin/${r.key}`, label: t(r.label) })), ...(branding ? [{ id: "branding", to: "/admin/branding", label: t("branding.title") }] : [])]} />}>
      <Outlet />
    </SidebarLayout>
  );
}
