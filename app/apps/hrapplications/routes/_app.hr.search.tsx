import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { appContext, paramsOf, readText, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "../../plugin-ui";
import { reviewScope, searchApplications } from "../hr.server";
import { HR_REVIEW } from "../permissions";
import { ApplicationsTable, SearchBox } from "../ui";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hrapplications.searchTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, HR_REVIEW);
  const q = readText(paramsOf(request), "q", { max: 254 });
  const { db } = appContext();
  return json({ q, results: q ? await searchApplications(db, await reviewScope(db, user), q) : [] });
}

export default function HrSearch() {
  const { t } = useTranslation();
  const { q, results } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("hrapplications.searchTitle")}</h1>
      <SearchBox value={q} />
      {q ? <ApplicationsTable rows={results} testId="hr-results" empty={t("hrapplications.noResults")} /> : null}
    </div>
  );
}
