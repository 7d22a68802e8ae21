import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { requirePermission } from "~/web/guards.server";
import { AUDIT_PERMISSION, findPermission, type HolderSource, permissionHolders } from "~/modules/permissions-audit/audit.server";
import { getRuntime } from "~/modules/runtime.server";
import { notFound, parsePage } from "~/web/params.server";
import { pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "permissions.title");

const PAGE_SIZE = 200;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, AUDIT_PERMISSION);
  const { db } = getRuntime();
  const permission = await findPermission(db, params.permission ?? "");
  if (!permission) notFound();
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
        <Table
          testId="permission-holders"
          rows={holders}
          rowKey={(h) => h.id}
          rowTestId={(h) => `holder-${h.username}`}
          empty={t("permissions.detail.noHolders")}
          paging={{ page, hasMore: page * pageSize < total, total, pageSize }}
          columns={[
            {
              id: "user",
              header: t("permissions.detail.col.user"),
              cell: (h) => (
                <>
                  {h.username}
                  {!h.isActive ? <span className="ml-2 rounded bg-slate-200 px-2 py-0.5 text-xs text-slate-700 dark:bg-slate-700 dark:text-slate-200">{t("permissions.detail.inactive")}</span> : null}
                </>
              ),
            },
            {
              id: "main",
              header: t("permissions.detail.col.main"),
              cell: (h) =>
                h.mainCharacter ? (
                  <>
                    {h.mainCharacter}
                    {h.mainCorporation ? <div className="text-xs text-slate-500 dark:text-slate-400">{h.mainCorporation}</div> : null}
                  </>
                ) : (
                  <span className="text-slate-500 dark:text-slate-400">{t("permissions.detail.noMain")}</span>
                ),
            },
            {
              id: "source",
              header: t("permissions.detail.col.source"),
              cell: (h) => (
                <div className="flex flex-wrap gap-1" data-testid="holder-sources">
                  {h.sources.map((s, i) => (
                    <SourceBadge key={i} source={s} />
                  ))}
                </div>
              ),
            },
          ]}
        />
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
      <div className="mt-3">
        <Table
          testId={`permission-${id}`}
          dense
          rows={rows}
          rowKey={(row) => row.id}
          empty={t("permissions.detail.none")}
          columns={[
            { id: "name", header: column, cell: (row) => row.name },
            { id: "members", header: t("permissions.detail.col.members"), numeric: true, cell: (row) => row.members },
          ]}
        />
      </div>
    </section>
  );
}
