import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { notFound } from "~/web/params.server";
import { appContext, requireUser } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { parseMonth, userMonthReport } from "../stats.server";
import { UserMonth } from "../user-month";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.myStatistics");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const month = parseMonth(params.year, params.month) ?? notFound();
  return json({ who: user.username, data: await userMonthReport(appContext().db, user.id, month) });
}

export default function MyMonth() {
  const { who, data } = useLoaderData<typeof loader>();
  return <UserMonth data={data} who={who} base="/fat/user/statistics" />;
}
