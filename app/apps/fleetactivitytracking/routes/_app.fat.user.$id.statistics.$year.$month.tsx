import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { MAX_EVE_ID, notFound } from "~/web/params.server";
import { appContext, pathId, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { FAT_STATISTICS } from "../permissions";
import { ownerOfCharacter, parseMonth, userMonthReport } from "../stats.server";
import { UserMonth } from "../user-month";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.statistics");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_STATISTICS);
  const characterId = pathId(params.id, MAX_EVE_ID);
  const month = parseMonth(params.year, params.month) ?? notFound();
  const { db } = appContext();
  const owner = (await ownerOfCharacter(db, characterId)) ?? notFound();
  return json({ who: owner.character_name, characterId, data: await userMonthReport(db, owner.user_id, month) });
}

export default function MemberMonth() {
  const { who, characterId, data } = useLoaderData<typeof loader>();
  return <UserMonth data={data} who={who} base={`/fat/user/${characterId}/statistics`} />;
}
