import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requirePermission } from "../../plugin-web.server";
import { FAT_STATISTICS } from "../permissions";
import { monthOf } from "../stats.server";

/** The corporations' statistics open on the current month (EVE time). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_STATISTICS);
  const m = monthOf(new Date());
  return redirect(`/fat/statistics/${m.year}/${m.month}`);
}
