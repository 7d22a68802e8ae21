import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageHeader } from "~/components/page-header";
import { pageTitle } from "~/i18n/meta";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { getRuntime } from "~/modules/runtime.server";
import { hasPermission, requirePermission } from "~/web/guards.server";
import { TIMER_MANAGE, TIMER_VIEW } from "../choices";
import { listTimers } from "../timers.server";
import { TimersTable } from "../timers-table";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "timerboard.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, TIMER_VIEW);
  const { db } = getRuntime();
  const now = new Date();
  const main = await mainCharacterOf(db, user.id);
  const { current, past } = await listTimers(db, main?.corporation_id ?? null, now);
  return json({ current, past, now: now.toISOString(), canManage: hasPermission(user, TIMER_MANAGE) });
}

export default function Timers() {
  const { t } = useTranslation();
  const { current, past, now, canManage } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageHeader title={t("timerboard.title")} action={canManage && { to: "/timers/add", label: t("timerboard.add"), testId: "timer-add" }} />
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("timerboard.serverTime", { time: now.slice(11, 16) })}</p>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("timerboard.current", { count: current.length })}</h2>
        <TimersTable testId="timers-current" rows={current} now={now} canManage={canManage} />
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("timerboard.past", { count: past.length })}</h2>
        <TimersTable testId="timers-past" rows={past} now={now} canManage={canManage} />
      </section>
    </div>
  );
}
