import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { frameFigures, requireUser } from "~/web/guards.server";
import { getDashboard } from "~/modules/dashboard/dashboard.server";
import { getRuntime } from "~/modules/runtime.server";
import { CharacterSummary } from "~/components/eve";
import { widgetComponents } from "~/apps/widgets";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "dashboard.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const figures = await frameFigures(request, context);
  return json(await getDashboard(getRuntime(), user, figures ? { stateName: figures.stateName } : {}));
}

export default function Dashboard() {
  const { t } = useTranslation();
  const { account, groups, system, characters, state, widgets } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold" data-testid="dashboard-title">
        {t("dashboard.title")}
      </h1>
      {/* Widgets ordered below 0 (announcements) come before the core's panels. */}
      {widgets.filter((w) => w.order < 0).map(({ id, data }) => {
        const Widget = widgetComponents[id];
        return Widget ? <Widget key={id} data={data} /> : null;
      })}
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="card lg:col-span-2" aria-labelledby="characters-heading">
          <h2 id="characters-heading" className="text-lg font-semibold">
            {t("dashboard.characters")}
          </h2>
          {characters.length ? (
            <ul className="mt-3 grid gap-4 md:grid-cols-2" data-testid="dashboard-characters">
              {characters.map((c) => (
                <li key={c.character_id} className="flex items-start justify-between gap-2">
                  <CharacterSummary character={c} />
                  {c.isMain ? <span className="rounded bg-sky-100 px-2 py-1 text-xs font-semibold text-sky-800 dark:bg-sky-900 dark:text-sky-100">{t("characters.main")}</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">{t("dashboard.noCharacters")}</p>
          )}
        </section>
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading" className="text-lg font-semibold">
            {t("dashboard.account")}
          </h2>
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-500 dark:text-slate-400">{t("dashboard.username")}</dt>
            <dd data-testid="dashboard-username">{account.username}</dd>
            <dt className="text-slate-500 dark:text-slate-400">{t("dashboard.email")}</dt>
            <dd>{account.email ?? t("common.none")}</dd>
            <dt className="text-slate-500 dark:text-slate-400">{t("dashboard.roles")}</dt>
            <dd data-testid="dashboard-roles">
              {[account.isSuperuser ? t("dashboard.superuser") : null, account.isStaff ? t("dashboard.staff") : null]
                .filter(Boolean)
                .join(", ") || t("common.none")}
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">{t("dashboard.state")}</dt>
            <dd data-testid="dashboard-state">{state}</dd>
            <dt className="text-slate-500 dark:text-slate-400">{t("dashboard.permissions")}</dt>
            <dd>{account.permissionCount}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="groups-heading">
          <h2 id="groups-heading" className="text-lg font-semibold">
            {t("dashboard.groups")}
          </h2>
          {groups.length ? (
            <ul className="mt-3 list-inside list-disc text-sm">
              {groups.map((g) => (
                <li key={g.id}>{g.name}</li>
              ))}
            </ul>
          ) : (
            <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">{t("dashboard.noGroups")}</p>
          )}
        </section>
        {system ? (
          <section className="card lg:col-span-2" aria-labelledby="system-heading" data-testid="dashboard-system">
            <h2 id="system-heading" className="text-lg font-semibold">
              {t("dashboard.system")}
            </h2>
            <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{t("dashboard.version", { version: system.version })}</p>
            {system.jobs ? (
              <dl className="mt-3 grid grid-cols-2 gap-3 text-center sm:grid-cols-5">
                {(["queued", "running", "retrying", "failed"] as const).map((state) => (
                  <div key={state} className="rounded-md bg-slate-100 p-3 dark:bg-slate-900">
                    <dt className="text-xs uppercase text-slate-600 dark:text-slate-400">{t(`dashboard.jobs.${state}`)}</dt>
                    <dd className="text-xl font-semibold">{system.jobs![state]}</dd>
                  </div>
                ))}
                <div className="rounded-md bg-slate-100 p-3 dark:bg-slate-900">
                  <dt className="text-xs uppercase text-slate-600 dark:text-slate-400">{t("dashboard.workers")}</dt>
                  <dd className="text-xl font-semibold">{system.workers}</dd>
                </div>
              </dl>
            ) : (
              <p className="mt-3 text-sm text-red-700">{t("dashboard.queueUnavailable")}</p>
            )}
            <JobChart statistics={system.statistics} />
          </section>
        ) : null}
        {widgets.filter((w) => w.order >= 0).map(({ id, data }) => {
          const Widget = widgetComponents[id];
          return Widget ? <Widget key={id} data={data} /> : null;
        })}
      </div>
    </div>
  );
}

/** A bar per outcome, drawn with CSS (no script, works with JavaScript off); colour classes are literal so Tailwind generates them. */
function JobChart({ statistics }: { statistics: { hours: number; succeeded: number; retried: number; failed: number; queued: number } }) {
  const { t } = useTranslation();
  const bars = [
    { key: "succeeded", value: statistics.succeeded, fill: "fill-emerald-500" },
    { key: "retried", value: statistics.retried, fill: "fill-amber-500" },
    { key: "failed", value: statistics.failed, fill: "fill-red-500" },
    { key: "queued", value: statistics.queued, fill: "fill-sky-500" },
  ] as const;
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure className="mt-4" data-testid="job-chart">
      <figcaption className="text-sm font-medium">{t("dashboard.jobChart", { hours: statistics.hours })}</figcaption>
      <div className="mt-2 space-y-1">
        {bars.map((bar) => (
          <div key={bar.key} className="flex items-center gap-2 text-xs">
            <span className="w-24 text-slate-500 dark:text-slate-400">{t(`dashboard.jobs.${bar.key}`)}</span>
            <progress className="sr-only" max={max} value={bar.value} aria-label={t(`dashboard.jobs.${bar.key}`)} />
            <svg className="h-3 w-0 min-w-0 flex-1" viewBox="0 0 100 3" preserveAspectRatio="none" aria-hidden="true">
              <rect width="100" height="3" className="fill-slate-200 dark:fill-slate-700" />
              <rect width={(bar.value / max) * 100} height="3" className={bar.fill} data-testid={`job-bar-${bar.key}`} />
            </svg>
            <span className="w-12 text-right tabular-nums" data-testid={`job-stat-${bar.key}`}>
              {bar.value}
            </span>
          </div>
        ))}
      </div>
    </figure>
  );
}
