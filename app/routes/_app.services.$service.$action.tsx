import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ServiceCredentials } from "~/components/service-credentials";
import { pageTitle } from "~/i18n/meta";
import { requireUser } from "~/web/guards.server";
import { actionPage, connectorFromParams, serviceAction } from "~/web/services-routes.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "services.title");

/** Every action is a POST; the page only shows what a POST answered (a password shown once, on Mumble). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return actionPage(connectorFromParams(params.service), String(params.action ?? ""));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return serviceAction(request, context, user, connectorFromParams(params.service), String(params.action ?? ""));
}

export default function ServiceActionPage() {
  const { t } = useTranslation();
  // What a POST answered for a service that shows its password on this page (services-routes credentialsPage).
  const shown = useActionData<typeof action>() as { service: string; title: string; username: string; password: string; url: string | null } | undefined;
  return (
    <div className="max-w-xl space-y-4">
      {shown ? <ServiceCredentials {...shown} /> : null}
      <Link to="/services" className="btn-secondary inline-block" data-testid="service-credentials-back">
        {t("services.credentials.back")}
      </Link>
    </div>
  );
}
