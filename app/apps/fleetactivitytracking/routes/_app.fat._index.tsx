import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime, LocalTime } from "~/components/eve-time";
import { appContext, hasPermission, requireUser } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { Table } from "../../plugin-ui";
import { FatsTable } from "../fats-table";
import { expiresAt, isOpen, latestLinks, userFats } from "../fat.server";
import { FAT_MANAGE, FAT_STATISTICS } from "../permissions";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = appContext();
  const canManage = hasPermission(user, FAT_MANAGE);
  const now = new Date();
  const links = canManage ? await latestLinks(db) : [];
  return json({
    fats: await userFats(db, user.id),
    links: links.map((l) => ({ ...l, open: isOpen(l, now), expires: expiresAt(l).toISOString() })),
    canManage,
    canStats: hasPermission(user, FAT_STATISTICS),
  });
}

const linkClass = "text-sky-700 hover:underline dark:text-sky-400";

export default function FatIndex() {
  const { t } = useTranslation();
  const { fats, links, canManage, canStats } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.title")}</h1>
        <div className="flex flex-wrap gap-2">
          <Link to="/fat/user/statistics" className="btn-secondary" data-testid="fat-my-stats">
            {t("fleetactivitytracking.myStatistics")}
          </Link>
          {canStats ? (
            <Link to="/fat/statistics" className="btn-secondary" data-testid="fat-stats">
              {t("fleetactivitytracking.statistics")}
            </Link>
          ) : null}
          {canManage ? (
            <Link to="/fat/create" className="btn-primary" data-testid="fat-create">
              {t("fleetactivitytracking.createLink")}
            </Link>
          ) : null}
        </div>
      </div>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("fleetactivitytracking.myFats")}</h2>
        <FatsTable testId="fat-mine" rows={fats} />
      </section>
      {canManage ? (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">{t("fleetactivitytracking.links")}</h2>
          <Table
            testId="fat-links"
            rows={links}
            rowKey={(l) => l.id}
            rowTestId={() => "fat-link-row"}
            empty={t("fleetactivitytracking.noLinks")}
            columns={[
              { id: "fleet", header: t("fleetactivitytracking.field.fleet"), cell: (l) => l.fleet },
              { id: "creator", header: t("fleetactivitytracking.creator"), cell: (l) => l.creator_name },
              { id: "time", header: t("fleetactivitytracking.created"), cell: (l) => <EveTime at={l.fatdatetime} /> },
              { id: "expires", header: t("fleetactivitytracking.expires"), cell: (l) => (l.open ? <EveTime at={l.expires} /> : t("fleetactivitytracking.expired")) },
              { id: "expiresLocal", header: t("evetime.local"), cell: (l) => (l.open ? <LocalTime at={l.expires} testId="fat-link-expires-local" /> : "") },
              { id: "fats", header: t("fleetactivitytracking.fatCount"), numeric: true, cell: (l) => l.fats },
              {
                id: "link",
                header: t("fleetactivitytracking.link"),
                cell: (l) => (
                  <Link to={`/fat/link/${l.hash}`} className={`font-mono ${linkClass}`} data-testid="fat-link-url">
                    /fat/link/{l.hash}
                  </Link>
                ),
              },
              {
                id: "edit",
                header: t("fleetactivitytracking.actions"),
                cell: (l) => (
                  <Link to={`/fat/modify/${l.hash}`} className={linkClass} data-testid="fat-link-edit">
                    {t("fleetactivitytracking.edit")}
                  </Link>
                ),
              },
            ]}
          />
        </section>
      ) : null}
    </div>
  );
}
