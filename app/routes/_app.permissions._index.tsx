import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { type Column, Table } from "~/components/table";
import { requirePermission } from "~/web/guards.server";
import { AUDIT_PERMISSION, listSuperusers, permissionOverview } from "~/modules/permissions-audit/audit.server";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "permissions.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, AUDIT_PERMISSION);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const onlyUsed = params.get("used") === "1";
  const { db } = getRuntime();
  const [permissions, superusers] = await Promise.all([permissionOverview(db, { search: q, onlyUsed }), listSuperusers(db)]);
  return json({ q, onlyUsed, permissions, superusers: superusers.map((s) => s.username) });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["permissions"][number];
type CountField = "users" | "groups" | "groupUsers" | "states" | "stateUsers" | "total";

/** A count column: greyed out at zero, sortable. */
function count(field: CountField, header: string, testId: string): Column<Row> {
  return {
    id: field,
    header,
    numeric: true,
    className: (p) => (p[field] === 0 ? "text-slate-500 dark:text-slate-400" : ""),
    cellTestId: () => testId,
    sortValue: (p) => p[field],
    cell: (p) => p[field],
  };
}

export default function PermissionsOverview() {
  const { t } = useTranslation();
  const { q, onlyUsed, permissions, superusers } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("permissions.title")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("permissions.intro")}</p>
      <Form method="get" className="flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="permissions-q" className="label">
            {t("permissions.search.label")}
          </label>
          <input id="permissions-q" name="q" type="search" defaultValue={q} maxLength={100} placeholder={t("permissions.search.placeholder")} className="input" />
        </div>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="used" value="1" defaultChecked={onlyUsed} />
          {t("permissions.search.onlyUsed")}
        </label>
        <button type="submit" className="btn-secondary">
          {t("permissions.search.submit")}
        </button>
      </Form>
      {superusers.length ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="permissions-superusers">
          {t("permissions.superusers", { names: superusers.join(", ") })}
        </p>
      ) : null}
      <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="permissions-count">
        {t("permissions.count", { n: permissions.length })}
      </p>
      <Table
        testId="permissions-table"
        rows={permissions}
        rowKey={(p) => p.id}
        rowTestId={(p) => `permission-${p.key}`}
        empty={t("permissions.empty")}
        columns={[
          {
            id: "permission",
            header: t("permissions.col.permission"),
            sortValue: (p) => p.key,
            cell: (p) => (
              <>
                <Link to={`/permissions/${encodeURIComponent(p.key)}`} className="font-mono text-sky-700 hover:underline dark:text-sky-400">
                  {p.key}
                </Link>
                <div className="text-xs text-slate-500 dark:text-slate-400">{p.name}</div>
              </>
            ),
          },
          count("users", t("permissions.col.users"), "count-users"),
          count("groups", t("permissions.col.groups"), "count-groups"),
          count("groupUsers", t("permissions.col.groupUsers"), "count-group-users"),
          count("states", t("permissions.col.states"), "count-states"),
          count("stateUsers", t("permissions.col.stateUsers"), "count-state-users"),
          count("total", t("permissions.col.total"), "count-total"),
        ]}
      />
    </div>
  );
}
