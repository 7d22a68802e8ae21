import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { pageTitle } from "~/i18n/meta";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, type CurrentUser, requirePermission } from "~/web/guards.server";
import { readForm } from "~/web/input.server";
import { notFound, pathId } from "~/web/params.server";
import { TIMER_MANAGE } from "../choices";
import { TimerForm } from "../timer-form";
import { eveTimeField } from "~/modules/eve/eve-time";
import { deleteTimer, getTimer, readTimerForm, type TimerFormValues, updateTimer, validateTimer } from "../timers.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "timerboard.editTitle");

/** The timer, if this manager may see it (another corporation's corp-only timer is a 404). */
async function timerFor(user: CurrentUser, id: number) {
  const { db } = getRuntime();
  const main = await mainCharacterOf(db, user.id);
  const timer = await getTimer(db, id, main?.corporation_id ?? null);
  if (!timer) notFound();
  return { timer, main };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, TIMER_MANAGE);
  const { timer } = await timerFor(user, pathId(params.id));
  const values: TimerFormValues = { ...timer, eve_time: eveTimeField(timer.eve_time), days_left: "", hours_left: "", minutes_left: "" };
  return json({ values });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, TIMER_MANAGE);
  const { timer, main } = await timerFor(user, pathId(params.id));
  const form = await readForm(request);
  const { db } = getRuntime();
  if (form.get("intent") === "delete") {
    await deleteTimer(db, timer, actorFor(user, context));
    return redirectWithFlash("/timers", { level: "success", key: "timerboard.deleted" });
  }
  const values = readTimerForm(form);
  const { input, errors } = validateTimer(values, new Date(), main);
  if (!input) return json({ values, errors }, { status: 400 });
  await updateTimer(db, timer, input, actorFor(user, context));
  return redirectWithFlash("/timers", { level: "success", key: "timerboard.saved" });
}

export default function EditTimer() {
  const { t } = useTranslation();
  const { values } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("timerboard.editTitle")}</h1>
      <TimerForm values={data?.values ?? values} errors={data?.errors ?? {}} submitLabel={t("timerboard.save")} />
      <PostForm className="card">
        <button type="submit" name="intent" value="delete" className="btn-secondary" data-testid="timer-delete">
          {t("timerboard.delete")}
        </button>
      </PostForm>
    </div>
  );
}
