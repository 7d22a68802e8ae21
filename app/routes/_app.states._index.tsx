import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageHeader } from "~/components/page-header";
import { Table } from "~/components/table";
import { hasPermission, requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { listStates } from "~/modules/states/states.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "states.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "authentication.view_state");
  return json({ states: await listStates(getRuntime().db), canAdd: hasPermission(user, "authentication.add_state") });
}

export default function States() {
  const { t } = useTranslation();
  const { states, canAdd } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <PageHeader title={t("states.title")} action={canAdd && { to: "/states/new", label: t("states.new"), testId: "state-new" }} />
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("states.intro")}</p>
      <Table
        testId="state-table"
        rows={states}
        rowKey={(s) => s.id}
        empty={t("common.none")}
        columns={[
          {
            id: "name",
            header: t("states.col.name"),
            sortValue: (s) => s.name,
            cell: (s) => (
              <Link to={`/states/${s.id}`} className="text-sky-700 hover:underline dark:text-sky-400">
                {s.name}
              </Link>
            ),
          },
          { id: "priority", header: t("states.col.priority"), numeric: true, sortValue: (s) => s.priority, cell: (s) => s.priority },
          { id: "public", header: t("states.col.public"), sortValue: (s) => s.public, cell: (s) => (s.public ? t("common.yes") : t("common.no")) },
          { id: "members", header: t("states.col.members"), numeric: true, sortValue: (s) => s.members, cellTestId: (s) => `state-members-${s.name}`, cell: (s) => s.members },
        ]}
      />
    </div>
  );
}
