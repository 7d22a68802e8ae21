import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime } from "~/components/eve-time";
import { redirectWithFlash } from "~/web/flash.server";
import { notFound } from "~/web/params.server";
import { FieldError, pageTitle, PostForm, Table } from "../../plugin-ui";
import { actorFor, appContext, hasPermission, pathId, readChoice, readForm, readText, requirePermission } from "../../plugin-web.server";
import { addComment, applicationById, applicationDetails, canSee, decide, HrError, markInProgress, removeApplication, reviewScope } from "../hr.server";
import { HR_APPROVE, HR_COMMENT, HR_DELETE, HR_REJECT, HR_REVIEW, MAX_COMMENT } from "../permissions";
import { Answers, reviewerName, StatusBadge } from "../ui";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hrapplications.viewTitle");

/** The application, if this reviewer sees it (their main's corporation, or any for a superuser). */
async function reviewable(request: Request, context: ActionFunctionArgs["context"], raw: string | undefined) {
  const user = await requirePermission(request, context, HR_REVIEW);
  const { db } = appContext();
  const app = await applicationById(db, pathId(raw));
  if (!app || !canSee(await reviewScope(db, user), app)) notFound();
  return { user, app };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, app } = await reviewable(request, context, params.id);
  const details = await applicationDetails(appContext().db, app.id, app.user_id, true);
  const pending = app.approved === null;
  const mine = user.is_superuser || app.reviewer_id === user.id;
  return json({
    app,
    ...details,
    can: {
      progress: pending && app.reviewer_id === null,
      approve: pending && mine && hasPermission(user, HR_APPROVE),
      reject: pending && mine && hasPermission(user, HR_REJECT),
      remove: hasPermission(user, HR_DELETE),
      comment: hasPermission(user, HR_COMMENT),
    },
  });
}

const INTENTS = ["progress", "approve", "reject", "delete", "comment"] as const;
const NEEDS = { progress: HR_REVIEW, approve: HR_APPROVE, reject: HR_REJECT, delete: HR_DELETE, comment: HR_COMMENT } as const;
const DONE = { progress: "hrapplications.markedInProgress", approve: "hrapplications.approved", reject: "hrapplications.rejected", delete: "hrapplications.deleted", comment: "hrapplications.commented" } as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, app } = await reviewable(request, context, params.id);
  const form = await readForm(request);
  const intent = readChoice(form, "intent", INTENTS);
  if (!intent) return json({ error: "hrapplications.errors.intent", comment: "", commentError: null as string | null }, { status: 400 });
  await requirePermission(request, context, NEEDS[intent]);
  const { db, settings } = appContext();
  const actor = actorFor(user, context);
  try {
    if (intent === "comment") {
      const text = readText(form, "comment", { max: MAX_COMMENT + 1, trim: false });
      const error = !text.trim() ? "hrapplications.errors.required" : text.length > MAX_COMMENT ? "hrapplications.errors.tooLong" : null;
      if (error) return json({ error: null, comment: text, commentError: error }, { status: 400 });
      await addComment(db, app, user.id, text.trim(), actor);
    } else if (intent === "progress") await markInProgress(db, settings, app, user, actor);
    else if (intent === "delete") await removeApplication(db, settings, app, actor);
    else await decide(db, settings, app, user, intent === "approve", actor);
  } catch (error) {
    if (error instanceof HrError) return json({ error: error.message, comment: "", commentError: null }, { status: error.status });
    throw error;
  }
  const to = intent === "delete" || intent === "approve" || intent === "reject" ? "/hr" : `/hr/view/${app.id}`;
  return redirectWithFlash(to, { level: "success", key: DONE[intent] });
}

export default function HrReview() {
  const { t } = useTranslation();
  const { app, responses, characters, comments, can } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const reviewer = reviewerName(app);
  const button = (intent: string, label: string, className = "btn-secondary") => (
    <PostForm key={intent}>
      <button type="submit" name="intent" value={intent} className={className} data-testid={`hr-${intent}`}>
        {label}
      </button>
    </PostForm>
  );
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("hrapplications.applicationTo", { corporation: app.corporation_name })}</h1>
      <p className="flex flex-wrap items-center gap-2">
        <StatusBadge app={app} />
        {reviewer ? <span className="text-sm" data-testid="hr-reviewer">{t("hrapplications.reviewerIs", { reviewer })}</span> : null}
      </p>
      {data?.error ? (
        <p role="alert" className="field-error" data-testid="hr-error">
          {t(data.error)}
        </p>
      ) : null}
      <section className="card space-y-2">
        <h2 className="font-semibold">{t("hrapplications.applicant")}</h2>
        <p className="text-sm">
          {t("hrapplications.field.username")}: {app.username} · {t("hrapplications.field.mainCharacter")}: {app.main_character_name ?? "—"}
        </p>
        <Table
          testId="hr-characters"
          dense
          rows={characters}
          rowKey={(c) => c.character_id}
          empty={t("hrapplications.noCharacters")}
          columns={[
            { id: "name", header: t("hrapplications.field.character"), cell: (c) => c.character_name },
            { id: "corporation", header: t("hrapplications.field.corporation"), cell: (c) => c.corporation_name },
            { id: "alliance", header: t("hrapplications.field.alliance"), cell: (c) => c.alliance_name ?? "" },
          ]}
        />
      </section>
      <Answers responses={responses} />
      <section className="card space-y-2">
        <h2 className="font-semibold">{t("hrapplications.actions")}</h2>
        <div className="flex flex-wrap gap-2">
          {can.progress ? button("progress", t("hrapplications.markInProgress"), "btn-primary") : null}
          {can.approve ? button("approve", t("hrapplications.approve"), "btn-primary") : null}
          {can.reject ? button("reject", t("hrapplications.reject")) : null}
          {can.remove ? button("delete", t("hrapplications.delete")) : null}
        </div>
      </section>
      <section className="card space-y-2">
        <h2 className="font-semibold">{t("hrapplications.comments", { count: comments.length })}</h2>
        {comments.length ? (
          <ul className="space-y-2" data-testid="hr-comments">
            {comments.map((c) => (
              <li key={c.id} className="rounded-md border border-slate-200 p-2 text-sm dark:border-slate-700">
                <p className="text-xs text-slate-600 dark:text-slate-300">
                  {c.character_name ?? c.username} · <EveTime at={c.created_at} />
                </p>
                <p className="whitespace-pre-line">{c.text}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm">{t("hrapplications.noComments")}</p>
        )}
        {can.comment ? (
          <PostForm key={data?.comment ?? ""} className="space-y-2">
            <label htmlFor="field-comment" className="label">
              {t("hrapplications.field.comment")}
            </label>
            <textarea id="field-comment" name="comment" rows={3} maxLength={MAX_COMMENT} defaultValue={data?.comment ?? ""} className="input" aria-invalid={data?.commentError ? true : undefined} aria-describedby={data?.commentError ? "field-comment-error" : undefined} />
            <FieldError id="field-comment-error" error={data?.commentError ?? undefined} />
            <button type="submit" name="intent" value="comment" className="btn-secondary" data-testid="hr-comment">
              {t("hrapplications.addComment")}
            </button>
          </PostForm>
        ) : null}
      </section>
    </div>
  );
}
