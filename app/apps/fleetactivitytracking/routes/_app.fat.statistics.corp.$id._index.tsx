import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { MAX_EVE_ID } from "~/web/params.server";
import { pathId, requirePermission } from "../../plugin-web.server";
import { FAT_STATISTICS } from "../permissions";
import { monthOf } from "../stats.server";

/** A corporation's statistics open on the current month (EVE time). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_STATISTICS);
  const id = pathId(params.id, MAX_EVE_ID);
  const m = monthOf(new Date());
  return redirect(`/fat/statistics/corp/${id}/${m.year}/${m.month}`);
}
