import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { appContext } from "../../plugin-web.server";
import { pageTitle } from "../../plugin-ui";
import { openFormsFor } from "../hr.server";
import { requireMain } from "../require-main";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hrapplications.chooseCorp");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireMain(request, context);
  return json({ forms: await openFormsFor(appContext().db, user.id) });
}

export default function HrChoose() {
  const { t } = useTranslation();
  const { forms } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("hrapplications.chooseCorp")}</h1>
      {forms.length ? (
        <ul className="space-y-2" data-testid="hr-forms">
          {forms.map((f) => (
            <li key={f.id}>
              <Link to={`/hr/create/${f.id}`} className="text-sky-700 hover:underline dark:text-sky-400" data-testid={`hr-form-${f.corporation_id}`}>
                {t("hrapplications.applyTo", { corporation: f.corporation_name })}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="card text-sm" data-testid="hr-no-forms">
          {t("hrapplications.noForms")}
        </p>
      )}
    </div>
  );
}
