import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { redirectWithFlash } from "~/web/flash.server";
import { notFound } from "~/web/params.server";
import { FieldError, pageTitle, PostForm } from "../../plugin-ui";
import { actorFor, appContext, pathId, readForm } from "../../plugin-web.server";
import { type AnswerValues, apply, formById, formQuestions, HrError, readAnswers } from "../hr.server";
import { fieldName, MAX_ANSWER } from "../permissions";
import { requireMain } from "../require-main";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hrapplications.applyTitle");

async function loadForm(raw: string | undefined) {
  const { db } = appContext();
  const form = (await formById(db, pathId(raw))) ?? notFound();
  return { form, questions: await formQuestions(db, form.id) };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireMain(request, context);
  const { form, questions } = await loadForm(params.id);
  const { db } = appContext();
  const applied = await db.selectFrom("hrapplications_applications").select("id").where("form_id", "=", form.id).where("user_id", "=", user.id).executeTakeFirst();
  return json({ corporation: form.corporation_name, questions, applied: Boolean(applied) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireMain(request, context);
  const { form, questions } = await loadForm(params.id);
  const body = await readForm(request);
  const { values, errors, answers } = readAnswers(questions, body);
  if (Object.keys(errors).length) return json({ values, errors, error: null as string | null }, { status: 400 });
  try {
    const id = await apply(appContext().db, user.id, form.id, questions, answers, actorFor(user, context));
    return redirectWithFlash(`/hr/personal/${id}`, { level: "success", key: "hrapplications.applied", params: { corporation: form.corporation_name } });
  } catch (error) {
    if (error instanceof HrError) return json({ values, errors: {} as Record<string, string>, error: error.message }, { status: error.status });
    throw error;
  }
}

export default function HrApply() {
  const { t } = useTranslation();
  const { corporation, questions, applied } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const values: AnswerValues = data?.values ?? {};
  const errors: Record<string, string> = data?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("hrapplications.applyTo", { corporation })}</h1>
      {data?.error ? (
        <p role="alert" className="field-error" data-testid="hr-error">
          {t(data.error)}
        </p>
      ) : null}
      {applied ? (
        <p className="card text-sm" data-testid="hr-applied">
          {t("hrapplications.errors.duplicate")}
        </p>
      ) : (
        <PostForm key={JSON.stringify(values)} className="space-y-4" noValidate>
          {questions.map((q) => {
            const name = fieldName(q.id);
            const id = `field-${name}`;
            const error = errors[name];
            const chosen = values[name] ?? [];
            return (
              <fieldset key={q.id} className="card space-y-2" aria-describedby={error ? `${id}-error` : undefined} data-testid={`hr-question-${q.id}`}>
                {q.choices.length ? (
                  <>
                    <legend className="font-semibold">{q.title}</legend>
                    {q.help_text ? <p className="text-sm text-slate-600 dark:text-slate-300">{q.help_text}</p> : null}
                    {q.choices.map((choice, i) => (
                      <label key={choice} className="flex items-center gap-2 text-sm">
                        <input type={q.multi_select ? "checkbox" : "radio"} name={name} value={choice} defaultChecked={chosen.includes(choice)} id={`${id}-${i}`} />
                        {choice}
                      </label>
                    ))}
                  </>
                ) : (
                  <>
                    <label htmlFor={id} className="font-semibold">
                      {q.title}
                    </label>
                    {q.help_text ? <p className="text-sm text-slate-600 dark:text-slate-300">{q.help_text}</p> : null}
                    <textarea id={id} name={name} rows={5} maxLength={MAX_ANSWER} defaultValue={chosen[0] ?? ""} className="input" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
                  </>
                )}
                <FieldError id={`${id}-error`} error={error} />
              </fieldset>
            );
          })}
          <button type="submit" className="btn-primary" disabled={busy} data-testid="hr-submit">
            {busy ? t("common.working") : t("hrapplications.submit")}
          </button>
        </PostForm>
      )}
    </div>
  );
}
