import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { groupAuditLog, managedGroup } from "~/modules/groups/queries.server";
import { forbidden, notFound, pathId, requireGroupManager } from "~/web/groups-routes.server";
import { EmptyRow, ManagementTabs, rowClass, tableClass, theadClass, utc } from "~/components/groups";
import { getRuntime } from "~/modules/runtime.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.group.name}: audit log` : "Group audit log" }];

/** The group's request log, newest first (same access as the member list). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireGroupManager(request, context);
  const { db } = getRuntime();
  const access = await managedGroup(db, user, pathId(params.groupId));
  if (access.kind === "notFound") notFound();
  if (access.kind === "forbidden") return forbidden(user, context, request, "manager of this group");
  const entries = await groupAuditLog(db, access.group.id);
  return json({ group: access.group, entries: entries.map((e) => ({ ...e, date: e.date.toISOString() })) });
}

export default function GroupAuditLog() {
  const { t } = useTranslation();
  const { group, entries } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("groups.audit.title", { group: group.name })}</h1>
      <ManagementTabs />
      <p className="text-sm">
        <Link to={`/group/management/membership/${group.id}`} className="text-sky-700 hover:underline dark:text-sky-400">
          ← {t("groups.members.title", { group: group.name })}
        </Link>
      </p>
      <div className="overflow-x-auto">
        <table className={tableClass} data-testid="group-audit-log">
          <thead className={theadClass}>
            <tr>
              <th className="px-2 py-2">{t("groups.audit.date")}</th>
              <th className="px-2 py-2">{t("groups.audit.requestor")}</th>
              <th className="px-2 py-2">{t("groups.audit.mainCharacter")}</th>
              <th className="px-2 py-2">{t("groups.audit.type")}</th>
              <th className="px-2 py-2">{t("groups.audit.action")}</th>
              <th className="px-2 py-2">{t("groups.audit.actor")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <EmptyRow colSpan={6} text={t("groups.audit.empty")} />
            ) : (
              entries.map((e) => (
                <tr key={e.id} className={rowClass} data-testid={`audit-entry-${e.id}`}>
                  <td className="whitespace-nowrap px-2 py-2">{utc(e.date)}</td>
                  <td className="px-2 py-2">{e.requestor}</td>
                  <td className="px-2 py-2">{e.mainCharacter ?? ""}</td>
                  <td className="px-2 py-2">{t(`groups.audit.types.${e.type}`)}</td>
                  <td className="px-2 py-2">{e.type === "removed" ? t("groups.audit.actions.removed") : t(e.action ? "groups.audit.actions.accept" : "groups.audit.actions.reject")}</td>
                  <td className="px-2 py-2">{e.actor ?? ""}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
