import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { getCurrentUser } from "~/web/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request, context);
  return redirect(user ? "/dashboard" : "/login");
}
