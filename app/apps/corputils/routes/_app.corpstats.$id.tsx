import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DateTime } from "~/components/date-time";
import { PostForm } from "~/components/forms";
import { Table } from "~/components/table";
import { allianceLogoUrl, corporationLogoUrl, EveImage, pageTitle } from "../../plugin-ui";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, type CurrentUser, forbidden, hasPermission } from "~/web/guards.server";
import { readChoice, readForm } from "~/web/input.server";
import { badRequest, MAX_EVE_ID, notFound, pathId } from "~/web/params.server";
import { EsiError } from "../../plugin-api.server";
import { updateCorpStats, visibleCorpStats } from "../corpstats.server";
import { Killboard, Pilot, unregisteredRow } from "../cells";
import { mainList, memberCounts, memberList } from "../members.server";
import { ListFilter, CorpStatsNav } from "../nav";
import { ADD_CORPSTATS, MEMBER_VIEWS, type MemberView, VIEW_CORP } from "../permissions";
import { listOptions, requireCorpStatsUser } from "../route-helpers";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "corputils.title");

/** The stats of this corporation when the viewer may see them: 404 when there are none, 403 when hidden. */
async function shownStats(request: Request, context: Parameters<typeof requireCorpStatsUser>[1], user: CurrentUser, rawId: string | undefined) {
  const corporationId = pathId(rawId, MAX_EVE_ID);
  const { db } = getRuntime();
  const exists = await db.selectFrom("corputils_corpstats").select("id").where("corporation_id", "=", corporationId).executeTakeFirst();
  if (!exists) notFound();
  const available = await visibleCorpStats(db, user);
  const stats = available.find((s) => s.corporation_id === corporationId);
  if (!stats) return forbidden(user, context, request, VIEW_CORP, { corporation_id: corporationId });
  return { stats, available };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireCorpStatsUser(request, context);
  const { stats, available } = await shownStats(request, context, user, params.id);
  const { db } = getRuntime();
  const search = new URL(request.url).searchParams;
  const view: MemberView = readChoice(search, "view", MEMBER_VIEWS) ?? "mains";
  const options = listOptions(search);
  const counts = await memberCounts(db, stats.id, stats.corporation_id);
  const list = view === "mains" ? { mains: await mainList(db, stats.corporation_id, options), members: null } : { mains: null, members: await memberList(db, stats.id, view, options) };
  return json({
    available: available.map(({ corporation_id, corporation_name, corporation_ticker }) => ({ corporation_id, corporation_name, corporation_ticker })),
    stats: { corporation_id: stats.corporation_id, corporation_name: stats.corporation_name, corporation_ticker: stats.corporation_ticker, alliance_id: stats.alliance_id, alliance_name: stats.alliance_name, last_update: stats.last_update.toISOString() },
    canAdd: hasPermission(user, ADD_CORPSTATS),
    counts,
    view,
    q: options.q,
    page: options.page,
    pageSize: options.pageSize,
    ...list,
  });
}

/** Update now: anyone who may see the stats (the original lets anyone with access update any). */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireCorpStatsUser(request, context);
  const { stats } = await shownStats(request, context, user, params.id);
  const form = await readForm(request);
  if (form.get("intent") !== "update") badRequest();
  const { db, settings } = getRuntime();
  const here = `/corpstats/${stats.corporation_id}`;
  let outcome;
  try {
    outcome = await updateCorpStats({ db, settings }, stats.id, actorFor(user, context));
  } catch (error) {
    const detail = error instanceof EsiError ? `${error.status}` : error instanceof Error ? error.constructor.name : "error";
    return redirectWithFlash(here, { level: "danger", key: "corputils.updateUnavailable", params: { detail } });
  }
  if (outcome.kind === "updated") return redirectWithFlash(here, { level: "success", key: "corputils.updated", params: { corp: stats.corporation_name, count: outcome.members } });
  return redirectWithFlash("/corpstats", { level: "danger", key: "corputils.removed", params: { corp: stats.corporation_name } });
}

export default function CorpStatsPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const { stats, counts, view } = data;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const tabLink = (v: MemberView) => {
    const next = new URLSearchParams();
    next.set("view", v);
    if (params.get("size")) next.set("size", params.get("size")!);
    return `?${next.toString()}`;
  };
  const paging = (total: number) => ({ page: data.page, hasMore: data.page * data.pageSize < total, total, pageSize: data.pageSize });
  const keep: Record<string, string> = { view };
  for (const name of ["sort", "dir"]) if (params.get(name)) keep[name] = params.get(name)!;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("corputils.title")}</h1>
      <CorpStatsNav available={data.available} current={stats.corporation_id} canAdd={data.canAdd} search="" />
      <div className="card flex flex-wrap items-center gap-6" data-testid="corpstats-header">
        <div className="flex items-center gap-3">
          <EveImage src={corporationLogoUrl(stats.corporation_id, 64)} size={64} className="rounded" />
          <p className="text-lg font-semibold" data-testid="corpstats-corp">
            {stats.corporation_name} [{stats.corporation_ticker}]
          </p>
        </div>
        {stats.alliance_id ? (
          <div className="flex items-center gap-3">
            <EveImage src={allianceLogoUrl(stats.alliance_id, 64)} size={64} className="rounded" />
            <p className="text-lg font-semibold">{stats.alliance_name}</p>
          </div>
        ) : null}
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span data-testid="corpstats-last-update">
            {t("corputils.lastUpdate")}: <DateTime iso={stats.last_update} />
          </span>
          <PostForm>
            <button type="submit" name="intent" value="update" className="btn-secondary" disabled={busy} data-testid="corpstats-update">
              {busy ? t("common.working") : t("corputils.updateNow")}
            </button>
          </PostForm>
        </div>
      </div>
      <nav className="flex flex-wrap gap-2 border-b border-slate-300 dark:border-slate-600" aria-label={t("corputils.lists")}>
        {MEMBER_VIEWS.map((v) => (
          <Link
            key={v}
            to={tabLink(v)}
            aria-current={v === view ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${v === view ? "border-sky-600 font-semibold" : "border-transparent hover:border-slate-400"}`}
            data-testid={`corpstats-tab-${v}`}
          >
            {t(`corputils.tab.${v}`)} ({counts[v]})
          </Link>
        ))}
      </nav>
      <ListFilter q={data.q} size={data.pageSize} keep={keep} />
      {data.mains ? (
        <Table
          testId="corpstats-mains"
          rows={data.mains.rows}
          rowKey={(m) => m.user_id}
          rowTestId={(m) => `main-${m.character_id}`}
          empty={t("corputils.emptyMains")}
          paging={paging(data.mains.total)}
          columns={[
            { id: "name", header: t("corputils.col.main"), serverSort: true, cell: (m) => <Pilot id={m.character_id} name={m.character_name} size={64} /> },
            {
              id: "characters",
              header: t("corputils.col.characters"),
              serverSort: true,
              cell: (m) => (
                <ul className="space-y-1" data-testid={`alts-${m.character_id}`}>
                  {m.alts.map((a) => (
                    <li key={a.character_id} className="flex flex-wrap items-center gap-3">
                      <Pilot id={a.character_id} name={a.character_name} />
                      <span className="text-slate-600 dark:text-slate-300">{a.corporation_name}</span>
                      {a.alliance_name ? <span className="text-slate-600 dark:text-slate-300">{a.alliance_name}</span> : null}
                      <Killboard id={a.character_id} />
                    </li>
                  ))}
                </ul>
              ),
            },
          ]}
        />
      ) : null}
      {data.members ? (
        <Table
          testId={`corpstats-${view}`}
          rows={data.members.rows}
          rowKey={(m) => m.character_id}
          rowTestId={(m) => `member-${m.character_id}`}
          empty={view === "unregistered" ? t("corputils.emptyUnregistered") : t("corputils.emptyMembers")}
          paging={paging(data.members.total)}
          columns={[
            { id: "name", header: t("corputils.col.character"), serverSort: true, className: unregisteredRow, cell: (m) => <Pilot id={m.character_id} name={m.character_name} /> },
            { id: "killboard", header: "", className: unregisteredRow, cell: (m) => <Killboard id={m.character_id} /> },
            ...(view === "members"
              ? [
                  { id: "main", header: t("corputils.col.mainCharacter"), serverSort: true, className: unregisteredRow, cell: (m: (typeof data.members.rows)[number]) => (m.registered ? (m.main_name ?? "") : <span className="text-red-700 dark:text-red-300">{t("corputils.unregistered")}</span>) },
                  { id: "corporation", header: t("corputils.col.mainCorporation"), serverSort: true, className: unregisteredRow, cell: (m: (typeof data.members.rows)[number]) => m.main_corporation ?? "" },
                  { id: "alliance", header: t("corputils.col.mainAlliance"), serverSort: true, className: unregisteredRow, cell: (m: (typeof data.members.rows)[number]) => m.main_alliance ?? "" },
                ]
              : []),
          ]}
        />
      ) : null}
    </div>
  );
}
