import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { hasPermission, requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { listStates } from "~/modules/states/states.server";

export const meta: MetaFunction = () => [{ title: "States" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "authentication.view_state");
  return json({ states: await listStates(getRuntime().db), canAdd: hasPermission(user, "authentication.add_state") });
}

export default function States() {
  const { t } = useTranslation();
  const { states, canAdd } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">{t("states.title")}</h1>
        {canAdd ? (
          <Link to="/states/new" className="btn-primary" data-testid="state-new">
            {t("states.new")}
          </Link>
        ) : null}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("states.intro")}</p>
      <table className="min-w-full text-left text-sm" data-testid="state-table">
        <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:border-slate-600">
          <tr>
            <th className="px-2 py-2">{t("states.col.name")}</th>
            <th className="px-2 py-2">{t("states.col.priority")}</th>
            <th className="px-2 py-2">{t("states.col.public")}</th>
            <th className="px-2 py-2">{t("states.col.members")}</th>
          </tr>
        </thead>
        <tbody>
          {states.map((s) => (
            <tr key={s.id} className="border-b border-slate-200 dark:border-slate-700">
              <td className="px-2 py-2">
                <Link to={`/states/${s.id}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {s.name}
                </Link>
              </td>
              <td className="px-2 py-2">{s.priority}</td>
              <td className="px-2 py-2">{s.public ? t("common.yes") : t("common.no")}</td>
              <td className="px-2 py-2" data-testid={`state-members-${s.name}`}>
                {s.members}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
