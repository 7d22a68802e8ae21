import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { pageTitle } from "~/i18n/meta";
import { requireUser } from "~/web/guards.server";
import { connectorFromParams, serviceAction, setPasswordForm } from "~/web/services-routes.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "services.title");

/** Only the set-password form is a page; every other action is a POST. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return setPasswordForm(user, connectorFromParams(params.service), String(params.action ?? ""));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return serviceAction(request, context, user, connectorFromParams(params.service), String(params.action ?? ""));
}

interface Shown {
  kind: "activated" | "reset_password" | "set_password";
  service: string;
  title: string;
  username: string | null;
  password: string | null;
  url: string | null;
  errors: { password?: string } | null;
}

/** The credentials, shown once after activation or a password reset (never stored in clear). */
function Credentials({ shown }: { shown: Shown }) {
  const { t } = useTranslation();
  return (
    <div className="card space-y-3" data-testid="service-credentials">
      <h1 className="text-xl font-semibold">{t(`services.credentials.${shown.kind}`, { service: shown.title })}</h1>
      <dl className="grid grid-cols-[auto,1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="font-medium">{t("services.col.username")}</dt>
        <dd className="font-mono" data-testid="service-credentials-username">{shown.username}</dd>
        {shown.password ? (
          <>
            <dt className="font-medium">{t("services.credentials.password")}</dt>
            <dd className="font-mono" data-testid="service-credentials-password">{shown.password}</dd>
          </>
        ) : null}
        {shown.url ? (
          <>
            <dt className="font-medium">{t("services.col.url")}</dt>
            <dd>
              <a href={shown.url} className="text-sky-700 hover:underline dark:text-sky-400" data-testid="service-credentials-url">
                {shown.url}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      {shown.password ? <p className="text-sm text-amber-700 dark:text-amber-400">{t("services.credentials.once")}</p> : null}
      <Link to="/services" className="btn-secondary inline-block" data-testid="service-credentials-back">
        {t("services.credentials.back")}
      </Link>
    </div>
  );
}

export default function ServiceActionPage() {
  const { t } = useTranslation();
  const form = useLoaderData<typeof loader>();
  const shown = useActionData<typeof action>() as Shown | undefined;
  if (shown && !shown.errors) return <Credentials shown={shown} />;
  if (!form.form) {
    return (
      <Link to="/services" className="btn-secondary inline-block">
        {t("services.credentials.back")}
      </Link>
    );
  }
  return (
    <div className="card max-w-md space-y-4">
      <h1 className="text-xl font-semibold">{t("services.password.title", { service: form.title })}</h1>
      <PostForm className="space-y-4" action={`/services/${form.service}/set_password`}>
        <TextField name="password" type="password" label={t("services.password.label", { count: form.min })} autoComplete="new-password" error={shown?.errors?.password} required autoFocus />
        <button type="submit" className="btn-primary" data-testid="service-set-password-submit">
          {t("services.password.submit")}
        </button>
      </PostForm>
    </div>
  );
}
