import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { z } from "zod";
import { Table } from "~/components/table";
import { browseAudit } from "~/modules/audit/browse.server";
import { requirePermission } from "~/web/guards.server";
import { getRuntime } from "~/modules/runtime.server";
import { DateTime } from "~/components/date-time";
import en from "~/i18n/locales/en.json";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "audit.title");

const text = z.string().trim().max(64).optional();
const filterSchema = z.object({ action: text, targetType: text, targetId: text, actor: text, before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined) });

/** The action codes the catalogue describes (group.created, logout…), for the filter's suggestions. */
function actionCodes(node: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(node).flatMap(([key, value]) => (typeof value === "string" ? [prefix + key] : actionCodes(value as Record<string, unknown>, `${prefix}${key}.`)));
}
const ACTIONS = actionCodes(en.audit.actions);
const TARGET_TYPES = Object.keys(en.audit.types);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "audit.view_auditentry");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = filterSchema.safeParse(params);
  const filters = parsed.success ? parsed.data : {};
  const page = await browseAudit(getRuntime().db, {
    action: filters.action || undefined,
    targetType: filters.targetType || undefined,
    targetId: filters.targetId || undefined,
    actor: filters.actor || undefined,
    before: filters.before,
  });
  return json({
    filters,
    actions: ACTIONS,
    targetTypes: TARGET_TYPES,
    nextBefore: page.nextBefore,
    rows: page.rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
  });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

const humanise = (code: string) => code.replace(/[._]+/g, " ");

function Entry({ row }: { row: Row }) {
  const { t } = useTranslation();
  const type = t(`audit.types.${row.target.type}`, { defaultValue: humanise(row.target.type) });
  const target =
    row.userCount !== null
      ? t("audit.targetUsers", { count: row.userCount })
      : row.target.name !== null
        ? t("audit.targetNamed", { type, name: row.target.name })
        : row.target.id !== null
          ? t(row.target.type in { user: 1, group: 1, state: 1, character: 1 } ? "audit.targetGone" : "audit.targetId", { type, id: row.target.id })
          : type;
  const action = t(`audit.actions.${row.action}`, { defaultValue: humanise(row.action) });
  const actor = row.actorUserId !== null ? <Link to={`/admin/users/${row.actorUserId}`} className="font-semibold hover:underline" /> : <span className="font-semibold" />;
  const targetElement = row.target.href ? <Link to={row.target.href} className="text-sky-700 underline dark:text-sky-400" /> : <span className="italic" />;
  const hasDetails = row.before !== null || row.after !== null || row.reason || row.ip || row.requestId;
  return (
    <div className="min-w-0 space-y-1" data-testid={`audit-entry-${row.id}`}>
      <p className="break-words">
        <Trans i18nKey="audit.sentence" values={{ actor: row.actor, action, target }} components={{ actor, target: targetElement }} />
      </p>
      <p className="font-mono text-xs text-slate-500 dark:text-slate-400">{row.action}</p>
      {hasDetails ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-600 dark:text-slate-300">{t("audit.details")}</summary>
          <dl className="mt-1 space-y-1">
            {row.reason ? (
              <div>
                <dt className="font-semibold">{t("audit.reason")}</dt>
                <dd className="break-words">{row.reason}</dd>
              </div>
            ) : null}
            {row.before !== null ? (
              <div>
                <dt className="font-semibold">{t("audit.before")}</dt>
                <dd>
                  <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 dark:bg-slate-800">{JSON.stringify(row.before, null, 2)}</pre>
                </dd>
              </div>
            ) : null}
            {row.after !== null ? (
              <div>
                <dt className="font-semibold">{t("audit.after")}</dt>
                <dd>
                  <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 dark:bg-slate-800">{JSON.stringify(row.after, null, 2)}</pre>
                </dd>
              </div>
            ) : null}
            {row.ip || row.requestId ? <div className="text-slate-500 dark:text-slate-400">{t("audit.source", { ip: row.ip ?? "–", request: row.requestId?.slice(0, 8) ?? "–" })}</div> : null}
          </dl>
        </details>
      ) : null}
    </div>
  );
}

export default function AuditLog() {
  const { t } = useTranslation();
  const { filters, rows, actions, targetTypes, nextBefore } = useLoaderData<typeof loader>();
  const query = (before: number | null) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value && key !== "before") params.set(key, String(value));
    if (before) params.set("before", String(before));
    const search = params.toString();
    return search ? `?${search}` : "";
  };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("audit.title")}</h1>
      <Form method="get" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto] lg:items-end">
        <div>
          <label htmlFor="audit-action" className="label">
            {t("audit.filter.action")}
          </label>
          <input id="audit-action" name="action" list="audit-actions" defaultValue={filters.action ?? ""} className="input" />
          <datalist id="audit-actions">
            {actions.map((code) => (
              <option key={code} value={code}>
                {t(`audit.actions.${code}`)}
              </option>
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="audit-targetType" className="label">
            {t("audit.filter.targetType")}
          </label>
          <select id="audit-targetType" name="targetType" defaultValue={filters.targetType ?? ""} className="input">
            <option value="">{t("audit.anyType")}</option>
            {targetTypes.map((type) => (
              <option key={type} value={type}>
                {t(`audit.types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-targetId" className="label">
            {t("audit.filter.targetId")}
          </label>
          <input id="audit-targetId" name="targetId" defaultValue={filters.targetId ?? ""} className="input" />
        </div>
        <div>
          <label htmlFor="audit-actor" className="label">
            {t("audit.filter.actor")}
          </label>
          <input id="audit-actor" name="actor" defaultValue={filters.actor ?? ""} className="input" />
        </div>
        <div className="flex gap-2">
          <button type="submit" className="btn-secondary">
            {t("audit.filter.submit")}
          </button>
          <Link to="/audit" className="btn-secondary">
            {t("audit.clear")}
          </Link>
        </div>
      </Form>
      <Table
        testId="audit-table"
        rows={rows}
        rowKey={(row) => row.id}
        empty={t("audit.empty")}
        columns={[
          { id: "when", header: t("audit.col.when"), className: "w-0 min-w-[7rem] align-top text-sm sm:whitespace-nowrap", cell: (row) => <DateTime iso={row.createdAt} seconds /> },
          { id: "entry", header: t("audit.col.entry"), className: "align-top", cell: (row) => <Entry row={row} /> },
        ]}
      />
      <nav className="flex gap-3 text-sm">
        {filters.before ? (
          <Link to={query(null)} className="text-sky-700 hover:underline dark:text-sky-400" data-testid="audit-newest">
            {t("audit.newest")}
          </Link>
        ) : null}
        {nextBefore ? (
          <Link to={query(nextBefore)} className="text-sky-700 hover:underline dark:text-sky-400" data-testid="audit-older">
            {t("audit.older")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
