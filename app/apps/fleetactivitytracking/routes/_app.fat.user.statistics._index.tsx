import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "../../plugin-web.server";

/** A member's own statistics open on the current year (EVE time). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return redirect(`/fat/user/statistics/${new Date().getUTCFullYear()}`);
}
