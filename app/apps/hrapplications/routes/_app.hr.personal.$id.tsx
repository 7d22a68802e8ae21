import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { redirectWithFlash } from "~/web/flash.server";
import { notFound } from "~/web/params.server";
import { pageTitle, PostForm } from "../../plugin-ui";
import { actorFor, appContext, pathId, readChoice, readForm, requireUser } from "../../plugin-web.server";
import { applicationById, applicationDetails, HrError, withdraw } from "../hr.server";
import { statusOf } from "../permissions";
import { Answers, reviewerName, StatusBadge } from "../ui";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hrapplications.viewTitle");

/** The user's own application; anyone else's does not exist for them. */
async function ownApplication(userId: number, raw: string | undefined) {
  const app = await applicationById(appContext().db, pathId(raw));
  return app && app.user_id === userId ? app : notFound();
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const app = await ownApplication(user.id, params.id);
  const { responses } = await applicationDetails(appContext().db, app.id, app.user_id, false);
  return json({ app, responses });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const app = await ownApplication(user.id, params.id);
  const form = await readForm(request);
  if (readChoice(form, "intent", ["withdraw"]) !== "withdraw") return json({ error: "hrapplications.errors.intent" }, { status: 400 });
  try {
    await withdraw(appContext().db, app, user.id, actorFor(user, context));
  } catch (error) {
    if (error instanceof HrError) return json({ error: error.message }, { status: error.status });
    throw error;
  }
  return redirectWithFlash("/hr", { level: "success", key: "hrapplications.withdrawn" });
}

export default function HrPersonal() {
  const { t } = useTranslation();
  const { app, responses } = useLoaderData<typeof loader>();
  const reviewer = reviewerName(app);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("hrapplications.applicationTo", { corporation: app.corporation_name })}</h1>
      <p className="flex items-center gap-2">
        <StatusBadge app={app} />
        {reviewer ? <span className="text-sm">{t("hrapplications.reviewerIs", { reviewer })}</span> : null}
      </p>
      <Answers responses={responses} />
      {statusOf(app.approved) === "pending" ? (
        <PostForm>
          <button type="submit" name="intent" value="withdraw" className="btn-secondary" data-testid="hr-withdraw">
            {t("hrapplications.withdraw")}
          </button>
        </PostForm>
      ) : null}
    </div>
  );
}
