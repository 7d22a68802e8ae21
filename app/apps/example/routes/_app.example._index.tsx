import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { appContext, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "../../plugin-ui";
import { EXAMPLE_PERMISSION } from "../app.server";
import { greetingFor } from "../greeting.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "example.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, EXAMPLE_PERMISSION);
  return json({ greeting: await greetingFor(appContext(), user.id) });
}

export default function ExamplePage() {
  const { t } = useTranslation();
  const { greeting } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("example.title")}</h1>
      <p data-testid="example-greeting">{t("example.greeting", { name: greeting?.username ?? "", count: greeting?.characters ?? 0 })}</p>
    </div>
  );
}
