import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { managedGroups, pendingRequestsCount } from "~/modules/groups/queries.server";
import { requireGroupManager } from "~/web/groups-routes.server";
import { EmptyRow, FlagBadges, ManagementTabs, rowClass, tableClass, theadClass } from "~/components/groups";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = () => [{ title: "Group Membership" }];

/** Non-internal groups with member counts: all of them for auth.group_management, the led ones for a leader. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const { db } = getRuntime();
  const [groups, pending] = await Promise.all([managedGroups(db, user), pendingRequestsCount(db, user)]);
  return json({ groups, pending });
}

export default function GroupMembership() {
  const { t } = useTranslation();
  const { groups, pending } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("groups.membership.title")}</h1>
      <ManagementTabs pending={pending} />
      <div className="overflow-x-auto">
        <table className={tableClass} data-testid="managed-groups">
          <thead className={theadClass}>
            <tr>
              <th className="px-2 py-2">{t("groups.col.name")}</th>
              <th className="px-2 py-2">{t("groups.col.description")}</th>
              <th className="px-2 py-2">{t("groups.col.members")}</th>
              <th className="px-2 py-2">{t("groups.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {groups.length === 0 ? (
              <EmptyRow colSpan={4} text={t("groups.membership.empty")} />
            ) : (
              groups.map((g) => (
                <tr key={g.id} className={rowClass} data-testid={`managed-group-${g.id}`}>
                  <td className="px-2 py-2">
                    <span className="font-medium">{g.name}</span> <FlagBadges group={g} />
                  </td>
                  <td className="max-w-md whitespace-pre-line px-2 py-2">{g.description}</td>
                  <td className="px-2 py-2" data-testid={`member-count-${g.id}`}>
                    {g.members}
                  </td>
                  <td className="px-2 py-2">
                    <div className="flex flex-wrap gap-2">
                      <Link to={`/group/management/membership/${g.id}`} className="btn-secondary py-1 text-xs" data-testid={`members-link-${g.id}`}>
                        {t("groups.membership.members")}
                      </Link>
                      <Link to={`/group/management/membership/${g.id}/audit-log`} className="btn-secondary py-1 text-xs" data-testid={`audit-link-${g.id}`}>
                        {t("groups.membership.auditLog")}
                      </Link>
                    </div>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
