import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { managedGroups, pendingRequestsCount } from "~/modules/groups/queries.server";
import { requireGroupManager } from "~/web/groups-routes.server";
import { pageMemo } from "~/web/guards.server";
import { FlagBadges, ManagementTabs } from "~/components/groups";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "groups.membership.title");

/** Non-internal groups with member counts: all of them for auth.group_management, the led ones for a leader. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const { db } = getRuntime();
  const [groups, pending] = await Promise.all([managedGroups(db, user), pendingRequestsCount(db, user, pageMemo(request, context))]);
  return json({ groups, pending });
}

export default function GroupMembership() {
  const { t } = useTranslation();
  const { groups, pending } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("groups.membership.title")}</h1>
      <ManagementTabs pending={pending} />
      <Table
        testId="managed-groups"
        rows={groups}
        rowKey={(g) => g.id}
        rowTestId={(g) => `managed-group-${g.id}`}
        empty={t("groups.membership.empty")}
        columns={[
          {
            id: "name",
            header: t("groups.col.name"),
            sortValue: (g) => g.name,
            cell: (g) => (
              <>
                <span className="font-medium">{g.name}</span> <FlagBadges group={g} />
              </>
            ),
          },
          { id: "description", header: t("groups.col.description"), className: "max-w-md whitespace-pre-line", cell: (g) => g.description },
          { id: "members", header: t("groups.col.members"), sortValue: (g) => g.members, cellTestId: (g) => `member-count-${g.id}`, cell: (g) => g.members },
          {
            id: "actions",
            header: t("groups.col.actions"),
            cell: (g) => (
              <div className="flex flex-wrap gap-2">
                <Link to={`/group/management/membership/${g.id}`} className="btn-secondary py-1 text-xs" data-testid={`members-link-${g.id}`}>
                  {t("groups.membership.members")}
                </Link>
                <Link to={`/group/management/membership/${g.id}/audit-log`} className="btn-secondary py-1 text-xs" data-testid={`audit-link-${g.id}`}>
                  {t("groups.membership.auditLog")}
                </Link>
              </div>
            ),
          },
        ]}
      />
    </div>
  );
}
