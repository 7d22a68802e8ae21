import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n/meta";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { readForm } from "~/web/input.server";
import { TIMER_MANAGE } from "../choices";
import { EMPTY_TIMER, TimerForm } from "../timer-form";
import { createTimer, readTimerForm, validateTimer } from "../timers.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "timerboard.add");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, TIMER_MANAGE);
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, TIMER_MANAGE);
  const { db } = getRuntime();
  const values = readTimerForm(await readForm(request));
  const main = await mainCharacterOf(db, user.id);
  const { input, errors } = validateTimer(values, new Date(), main);
  if (!input) return json({ values, errors }, { status: 400 });
  await createTimer(db, input, { userId: user.id, main }, actorFor(user, context));
  return redirectWithFlash("/timers", { level: "success", key: "timerboard.added", params: { system: input.system } });
}

export default function AddTimer() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("timerboard.add")}</h1>
      <TimerForm values={data?.values ?? EMPTY_TIMER} errors={data?.errors ?? {}} submitLabel={t("timerboard.create")} />
    </div>
  );
}
