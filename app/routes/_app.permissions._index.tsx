import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/web/guards.server";
import { AUDIT_PERMISSION, listSuperusers, permissionOverview } from "~/modules/permissions-audit/audit.server";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = () => [{ title: "Permissions audit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, AUDIT_PERMISSION);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const onlyUsed = params.get("used") === "1";
  const { db } = getRuntime();
  const [permissions, superusers] = await Promise.all([permissionOverview(db, { search: q, onlyUsed }), listSuperusers(db)]);
  return json({ q, onlyUsed, permissions, superusers: superusers.map((s) => s.username) });
}

function Count({ value, testId }: { value: number; testId: string }) {
  return (
    <td className={`px-2 py-2 text-right tabular-nums ${value === 0 ? "text-slate-400 dark:text-slate-500" : ""}`} data-testid={testId}>
      {value}
    </td>
  );
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
      <p className="text-sm text-slate-500" data-testid="permissions-count">
        {t("permissions.count", { n: permissions.length })}
      </p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid="permissions-table">
          <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:border-slate-600">
            <tr>
              <th scope="col" className="px-2 py-2">
                {t("permissions.col.permission")}
              </th>
              <th scope="col" className="px-2 py-2 text-right">
                {t("permissions.col.users")}
              </th>
              <th scope="col" className="px-2 py-2 text-right">
                {t("permissions.col.groups")}
              </th>
              <th scope="col" className="px-2 py-2 text-right">
                {t("permissions.col.groupUsers")}
              </th>
              <th scope="col" className="px-2 py-2 text-right">
                {t("permissions.col.states")}
              </th>
              <th scope="col" className="px-2 py-2 text-right">
                {t("permissions.col.stateUsers")}
              </th>
              <th scope="col" className="px-2 py-2 text-right">
                {t("permissions.col.total")}
              </th>
            </tr>
          </thead>
          <tbody>
            {permissions.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-2 py-4 text-slate-500">
                  {t("permissions.empty")}
                </td>
              </tr>
            ) : (
              permissions.map((p) => (
                <tr key={p.id} className="border-b border-slate-200 align-top dark:border-slate-700" data-testid={`permission-${p.key}`}>
                  <td className="px-2 py-2">
                    <Link to={`/permissions/${encodeURIComponent(p.key)}`} className="font-mono text-sky-700 hover:underline dark:text-sky-400">
                      {p.key}
                    </Link>
                    <div className="text-xs text-slate-500">{p.name}</div>
                  </td>
                  <Count value={p.users} testId="count-users" />
                  <Count value={p.groups} testId="count-groups" />
                  <Count value={p.groupUsers} testId="count-group-users" />
                  <Count value={p.states} testId="count-states" />
                  <Count value={p.stateUsers} testId="count-state-users" />
                  <Count value={p.total} testId="count-total" />
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
