import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle } from "../../plugin-ui";
import { getRuntime } from "~/modules/runtime.server";
import { hasPermission } from "~/web/guards.server";
import { defaultCorpStats, visibleCorpStats } from "../corpstats.server";
import { CorpStatsNav } from "../nav";
import { ADD_CORPSTATS } from "../permissions";
import { requireCorpStatsUser } from "../route-helpers";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "corputils.title");

/** The original's default: the only corp stats the viewer may see, else their main's corporation's; else the bar alone. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCorpStatsUser(request, context);
  const { db } = getRuntime();
  const available = await visibleCorpStats(db, user);
  const shown = await defaultCorpStats(db, user.id, available);
  if (shown) throw redirect(`/corpstats/${shown.corporation_id}`);
  return json({ available: available.map(({ corporation_id, corporation_name, corporation_ticker }) => ({ corporation_id, corporation_name, corporation_ticker })), canAdd: hasPermission(user, ADD_CORPSTATS) });
}

export default function CorpStatsIndex() {
  const { t } = useTranslation();
  const { available, canAdd } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("corputils.title")}</h1>
      <CorpStatsNav available={available} current={null} canAdd={canAdd} search="" />
      <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="corpstats-choose">
        {available.length ? t("corputils.choose") : t("corputils.nothingYet")}
      </p>
    </div>
  );
}
