import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageHeader } from "~/components/page-header";
import { pageTitle } from "~/i18n/meta";
import { getRuntime } from "~/modules/runtime.server";
import { hasPermission, requirePermission } from "~/web/guards.server";
import { listOps, OPTIMER_MANAGE, OPTIMER_VIEW } from "../ops.server";
import { OpsTable } from "../ops-table";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "optimer.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, OPTIMER_VIEW);
  const now = new Date();
  const { upcoming, past } = await listOps(getRuntime().db, now);
  return json({ upcoming, past, now: now.toISOString(), canManage: hasPermission(user, OPTIMER_MANAGE) });
}

export default function Operations() {
  const { t } = useTranslation();
  const { upcoming, past, now, canManage } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageHeader title={t("optimer.title")} action={canManage && { to: "/optimer/add", label: t("optimer.add"), testId: "op-add" }} />
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("optimer.upcoming", { count: upcoming.length })}</h2>
        <OpsTable testId="ops-upcoming" rows={upcoming} now={now} canManage={canManage} />
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("optimer.past", { count: past.length })}</h2>
        <OpsTable testId="ops-past" rows={past} now={now} canManage={canManage} />
      </section>
    </div>
  );
}
