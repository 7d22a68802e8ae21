import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/web/guards.server";
import { AUDIT_PERMISSION, findPermission, type HolderSource, permissionHolders } from "~/modules/permissions-audit/audit.server";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction = () => [{ title: "Permissions audit" }];

const PAGE_SIZE = 200;
const MAX_PAGE = 10_000;

function parsePage(value: string | null): number {
  const n = value && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.min(Math.max(n, 1), MAX_PAGE);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, AUDIT_PERMISSION);
  const { db } = getRuntime();
  const permission = await findPermission(db, params.permission ?? "");
  if (!permission) throw new Response("Not Found", { status: 404 });
  const page = parsePage(new URL(request.url).searchParams.get("page"));
  const result = await permissionHolders(db, permission, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  // Past the last page (holders went away since the link was made): go to the last one.
  if (result.holders.length === 0 && result.total > 0) {
    const last = Math.ceil(result.total / PAGE_SIZE);
    const base = `/permissions/${encodeURIComponent(result.permission.key)}`;
    throw redirect(last > 1 ? `${base}?page=${last}` : base);
  }
  return json({ ...result, page, pageSize: PAGE_SIZE });
}

function SourceBadge({ source }: { source: HolderSource }) {
  const { t } = useTranslation();
  const styles = {
    user: "bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-100",
    group: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100",
    state: "bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-100",
  } as const;
  const label =
    source.type === "user"
      ? t("permissions.detail.source.user")
      : source.type === "group"
        ? t("permissions.detail.source.group", { name: source.name })
        : t("permissions.detail.source.state", { name: source.name });
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${styles[source.type]}`}>{label}</span>;
}

export default function PermissionAudit() {
  const { t } = useTranslation();
  const { permission, total, holders, groups, states, superusers, page, pageSize } = useLoaderData<typeof loader>();
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const base = `/permissions/${encodeURIComponent(permission.key)}`;
  return (
    <div className="space-y-6">
      <div>
        <Link to="/permissions" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          ← {t("permissions.detail.back")}
        </Link>
        <h1 className="mt-2 font-mono text-2xl font-semibold" data-testid="permission-key">
          {permission.key}
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">{permission.name}</p>
      </div>

      {superusers.length ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="permission-superusers">
          {t("permissions.superusers", { names: superusers.map((s) => s.username).join(", ") })}
        </p>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <SourceTable id="groups" title={t("permissions.detail.groups")} column={t("permissions.detail.col.group")} rows={groups} />
        <SourceTable id="states" title={t("permissions.detail.states")} column={t("permissions.detail.col.state")} rows={states} />
      </div>

      <section aria-labelledby="permission-holders-heading" className="space-y-3">
        <h2 id="permission-holders-heading" className="text-lg font-semibold">
          {t("permissions.detail.holders", { n: total })}
        </h2>
        {total === 0 ? (
          <p className="text-sm text-slate-500">{t("permissions.detail.noHolders")}</p>
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="min-w-full text-left text-sm" data-testid="permission-holders">
                <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:border-slate-600">
                  <tr>
                    <th scope="col" className="px-2 py-2">
                      {t("permissions.detail.col.user")}
                    </th>
                    <th scope="col" className="px-2 py-2">
                      {t("permissions.detail.col.main")}
                    </th>
                    <th scope="col" className="px-2 py-2">
                      {t("permissions.detail.col.source")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {holders.map((h) => (
                    <tr key={h.id} className="border-b border-slate-200 align-top dark:border-slate-700" data-testid={`holder-${h.username}`}>
                      <td className="px-2 py-2">
                        {h.username}
                        {!h.isActive ? <span className="ml-2 rounded bg-slate-200 px-2 py-0.5 text-xs text-slate-700 dark:bg-slate-700 dark:text-slate-200">{t("permissions.detail.inactive")}</span> : null}
                      </td>
                      <td className="px-2 py-2">
                        {h.mainCharacter ? (
                          <>
                            {h.mainCharacter}
                            {h.mainCorporation ? <div className="text-xs text-slate-500">{h.mainCorporation}</div> : null}
                          </>
                        ) : (
                          <span className="text-slate-500">{t("permissions.detail.noMain")}</span>
                        )}
                      </td>
                      <td className="px-2 py-2">
                        <div className="flex flex-wrap gap-1" data-testid="holder-sources">
                          {h.sources.map((s, i) => (
                            <SourceBadge key={i} source={s} />
                          ))}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav className="flex items-center gap-4 text-sm" aria-label={t("permissions.pager.label")}>
              <span className="text-slate-500">{t("permissions.pager.range", { from, to, total })}</span>
              {page > 1 ? (
                <Link to={page === 2 ? base : `${base}?page=${page - 1}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {t("permissions.pager.previous")}
                </Link>
              ) : null}
              {to < total ? (
                <Link to={`${base}?page=${page + 1}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {t("permissions.pager.next")}
                </Link>
              ) : null}
            </nav>
          </>
        )}
      </section>
    </div>
  );
}

/** Groups or states holding the permission, with their member counts. */
function SourceTable({ id, title, column, rows }: { id: "groups" | "states"; title: string; column: string; rows: { id: number; name: string; members: number }[] }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby={`permission-${id}-heading`}>
      <h2 id={`permission-${id}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {rows.length ? (
        <table className="mt-3 min-w-full text-left text-sm" data-testid={`permission-${id}`}>
          <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:border-slate-600">
            <tr>
              <th scope="col" className="px-2 py-1">
                {column}
              </th>
              <th scope="col" className="px-2 py-1 text-right">
                {t("permissions.detail.col.members")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className="border-b border-slate-200 dark:border-slate-700">
                <td className="px-2 py-1">{row.name}</td>
                <td className="px-2 py-1 text-right tabular-nums">{row.members}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-3 text-sm text-slate-500">{t("permissions.detail.none")}</p>
      )}
    </section>
  );
}
