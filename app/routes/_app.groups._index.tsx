import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { pageMemo, requireUser } from "~/web/guards.server";
import { canManageGroups, groupsForListing, pendingRequestsCount } from "~/modules/groups/queries.server";
import { joinOrLeave } from "~/web/groups-routes.server";
import { FlagBadges, MembershipButton } from "~/components/groups";
import { PostForm } from "~/components/forms";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "groups.list.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = getRuntime();
  const groups = await groupsForListing(db, user);
  // The sidebar shows the same two figures: read once for both.
  const memo = pageMemo(request, context);
  const manager = await canManageGroups(db, user, memo);
  return json({ groups, pendingCount: manager ? await pendingRequestsCount(db, user, memo) : null });
}

export async function action({ request, context }: ActionFunctionArgs) {
  return joinOrLeave(request, context, () => "/groups");
}

export default function Groups() {
  const { t } = useTranslation();
  const { groups, pendingCount } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("groups.list.title")}</h1>
        {pendingCount !== null ? (
          <Link to="/group/management" className="btn-secondary" data-testid="management-link">
            {t("groups.list.pendingRequests", { n: pendingCount })}
          </Link>
        ) : null}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("groups.list.intro")}</p>
      {/* One form for the table: each row's button says what to do to which group. */}
      <PostForm>
        <Table
          testId="groups-table"
          rows={groups}
          rowKey={(g) => g.id}
          rowTestId={(g) => `group-row-${g.id}`}
          empty={t("groups.list.empty")}
          columns={[
            {
              id: "name",
              header: t("groups.col.name"),
              sortValue: (g) => g.name,
              cell: (g) => (
                <>
                  <Link to={`/groups/${g.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                    {g.name}
                  </Link>{" "}
                  <FlagBadges group={g} />
                  {g.member ? <span className="ml-1 text-xs text-emerald-700 dark:text-emerald-400">{t("groups.list.member")}</span> : null}
                </>
              ),
            },
            { id: "description", header: t("groups.col.description"), className: "max-w-md whitespace-pre-line", cell: (g) => g.description },
            { id: "leaders", header: t("groups.col.leaders"), cell: (g) => [...g.leaders, ...g.leaderGroups].join(", ") || t("common.none") },
            { id: "actions", header: t("groups.col.actions"), cell: (g) => <MembershipButton group={g} /> },
          ]}
        />
      </PostForm>
    </div>
  );
}
