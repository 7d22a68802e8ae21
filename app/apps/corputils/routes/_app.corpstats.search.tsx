import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle } from "../../plugin-ui";
import { Table } from "~/components/table";
import { getRuntime } from "~/modules/runtime.server";
import { hasPermission } from "~/web/guards.server";
import { visibleCorpStats } from "../corpstats.server";
import { Killboard, Pilot, unregisteredRow } from "../cells";
import { searchMembers } from "../members.server";
import { CorpStatsNav } from "../nav";
import { ADD_CORPSTATS } from "../permissions";
import { listOptions, requireCorpStatsUser } from "../route-helpers";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "corputils.searchTitle");

/** Members matching `q` in every corp stats the viewer may see. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCorpStatsUser(request, context);
  const { db } = getRuntime();
  const options = listOptions(new URL(request.url).searchParams);
  const available = await visibleCorpStats(db, user);
  const results = await searchMembers(
    db,
    available.map((s) => s.id),
    options,
  );
  return json({
    available: available.map(({ corporation_id, corporation_name, corporation_ticker }) => ({ corporation_id, corporation_name, corporation_ticker })),
    canAdd: hasPermission(user, ADD_CORPSTATS),
    q: options.q,
    page: options.page,
    pageSize: options.pageSize,
    results,
  });
}

export default function CorpStatsSearch() {
  const { t } = useTranslation();
  const { available, canAdd, q, page, pageSize, results } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("corputils.searchTitle")}</h1>
      <CorpStatsNav available={available} current={null} canAdd={canAdd} search={q} />
      <Table
        testId="corpstats-search-results"
        rows={results.rows}
        rowKey={(r) => `${r.corporation_id}-${r.character_id}`}
        rowTestId={(r) => `result-${r.character_id}`}
        empty={q ? t("corputils.noResults") : t("corputils.searchHelp")}
        paging={{ page, hasMore: page * pageSize < results.total, total: results.total, pageSize }}
        columns={[
          { id: "name", header: t("corputils.col.character"), serverSort: true, className: unregisteredRow, cell: (r) => <Pilot id={r.character_id} name={r.character_name} /> },
          { id: "killboard", header: "", className: unregisteredRow, cell: (r) => <Killboard id={r.character_id} /> },
          {
            id: "corporation",
            header: t("corputils.corporation"),
            serverSort: true,
            className: unregisteredRow,
            cell: (r) => (
              <Link to={`/corpstats/${r.corporation_id}`} className="text-sky-700 hover:underline dark:text-sky-400">
                {r.corporation_name}
              </Link>
            ),
          },
          { id: "main", header: t("corputils.col.mainCharacter"), serverSort: true, className: unregisteredRow, cell: (r) => (r.registered ? (r.main_name ?? "") : <span className="text-red-700 dark:text-red-300">{t("corputils.unregistered")}</span>) },
        ]}
      />
    </div>
  );
}
