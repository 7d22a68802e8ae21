import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { pageTitle, Table } from "../../plugin-ui";
import { appContext, requireUser } from "../../plugin-web.server";
import { listApplications, myApplications, reviewScope } from "../hr.server";
import { HR_REVIEW, statusOf } from "../permissions";
import { ApplicationsTable, SearchBox, StatusBadge } from "../ui";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hrapplications.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = appContext();
  const scope = await reviewScope(db, user);
  const [mine, main, lists] = await Promise.all([myApplications(db, user.id), mainCharacterOf(db, user.id), listApplications(db, scope)]);
  return json({ mine, canCreate: Boolean(main), reviewer: user.is_superuser || user.permissions.has(HR_REVIEW), ...lists });
}

export default function HrIndex() {
  const { t } = useTranslation();
  const { mine, canCreate, reviewer, pending, reviewed } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t("hrapplications.personal")}</h1>
        {canCreate ? (
          <Link to="/hr/create" className="btn-primary" data-testid="hr-create">
            {t("hrapplications.create")}
          </Link>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="hr-no-main">
            {t("hrapplications.errors.noMain")}
          </p>
        )}
      </div>
      <Table
        testId="hr-mine"
        rows={mine}
        rowKey={(a) => a.id}
        rowTestId={(a) => `hr-mine-${a.id}`}
        empty={t("hrapplications.noPersonal")}
        columns={[
          { id: "corporation", header: t("hrapplications.field.corporation"), cell: (a) => <Link to={`/hr/personal/${a.id}`} className="text-sky-700 hover:underline dark:text-sky-400">{a.corporation_name}</Link> },
          { id: "status", header: t("hrapplications.field.status"), cell: (a) => <StatusBadge app={a} /> },
          { id: "state", header: "", cell: (a) => (statusOf(a.approved) === "pending" ? <Link to={`/hr/personal/${a.id}`} className="text-sm text-sky-700 hover:underline dark:text-sky-400">{t("hrapplications.viewOrWithdraw")}</Link> : null) },
        ]}
      />
      {reviewer ? (
        <section className="space-y-4">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <h2 className="text-xl font-semibold">{t("hrapplications.management")}</h2>
            <SearchBox />
          </div>
          <h3 className="font-semibold">{t("hrapplications.pending")}</h3>
          <ApplicationsTable rows={pending} testId="hr-pending" empty={t("hrapplications.noPending")} />
          <h3 className="font-semibold">{t("hrapplications.reviewed")}</h3>
          <ApplicationsTable rows={reviewed} testId="hr-reviewed" empty={t("hrapplications.noReviewed")} />
        </section>
      ) : null}
    </div>
  );
}
