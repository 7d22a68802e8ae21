import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Table } from "~/components/table";
import { groupAuditLog, managedGroup } from "~/modules/groups/queries.server";
import { forbidden } from "~/web/guards.server";
import { requireGroupManager } from "~/web/groups-routes.server";
import { notFound, pathId } from "~/web/params.server";
import { ManagementTabs } from "~/components/groups";
import { getRuntime } from "~/modules/runtime.server";
import { DateTime } from "~/components/date-time";

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
      <Table
        testId="group-audit-log"
        rows={entries}
        rowKey={(e) => e.id}
        rowTestId={(e) => `audit-entry-${e.id}`}
        empty={t("groups.audit.empty")}
        columns={[
          { id: "date", header: t("groups.audit.date"), className: "whitespace-nowrap", cell: (e) => <DateTime iso={e.date} /> },
          { id: "requestor", header: t("groups.audit.requestor"), cell: (e) => e.requestor },
          { id: "main", header: t("groups.audit.mainCharacter"), cell: (e) => e.mainCharacter ?? "" },
          { id: "type", header: t("groups.audit.type"), cell: (e) => t(`groups.audit.types.${e.type}`) },
          { id: "action", header: t("groups.audit.action"), cell: (e) => (e.type === "removed" ? t("groups.audit.actions.removed") : t(e.action ? "groups.audit.actions.accept" : "groups.audit.actions.reject")) },
          { id: "actor", header: t("groups.audit.actor"), cell: (e) => e.actor ?? "" },
        ]}
      />
    </div>
  );
}
