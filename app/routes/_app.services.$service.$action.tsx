import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { requireUser } from "~/web/guards.server";
import { connectorFromParams, notFound, serviceAction, SERVICE_PASSWORD_MIN, type ServiceActionData } from "~/web/services-routes.server";

/** Credentials are shown once: never cached. */
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} — services` : "Services" }];

/** Only password services (forums) have pages here: the credentials shown once, and the set-password form. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context);
  const connector = connectorFromParams(params.service);
  const action = String(params.action ?? "");
  const pages = ["activate", "reset", ...connector.meta.accountActions.filter((a) => a === "reset_password" || a === "set_password")];
  if (connector.activation.kind !== "password" || !pages.includes(action)) notFound();
  return json({ id: connector.meta.id, title: connector.meta.title, action });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return serviceAction(request, context, user, connectorFromParams(params.service), String(params.action ?? ""));
}

export default function ServiceActionPage() {
  const { t } = useTranslation();
  const { id, title, action } = useLoaderData<typeof loader>();
  const result = useActionData<ServiceActionData>();
  const credentials = result && "credentials" in result ? result.credentials : null;
  return (
    <div className="max-w-xl space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {credentials ? (
        <section className="card space-y-2" data-testid="service-credentials">
          <p className="text-sm">{t("services.credentials.intro", { service: title })}</p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">{t("services.credentials.username")}</dt>
            <dd className="font-mono" data-testid="credentials-username">
              {credentials.username}
            </dd>
            <dt className="text-slate-500">{t("services.credentials.password")}</dt>
            <dd className="font-mono" data-testid="credentials-password">
              {credentials.password}
            </dd>
            {credentials.url ? (
              <>
                <dt className="text-slate-500">{t("services.col.url")}</dt>
                <dd>
                  <a href={credentials.url} className="text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer noopener" target="_blank">
                    {credentials.url}
                  </a>
                </dd>
              </>
            ) : null}
          </dl>
          <p className="text-xs text-slate-500">{t("services.credentials.once")}</p>
        </section>
      ) : action === "set_password" ? (
        <PostForm className="card space-y-3" data-testid="set-password-form">
          <p className="text-sm">{t("services.password.help", { count: SERVICE_PASSWORD_MIN })}</p>
          <TextField
            name="password"
            type="password"
            label={t("services.credentials.password")}
            autoComplete="new-password"
            required
            error={result && "errors" in result ? result.errors.password : undefined}
          />
          <button type="submit" className="btn-primary" data-testid={`service-${id}-set-password-submit`}>
            {t("services.action.set_password")}
          </button>
        </PostForm>
      ) : (
        <p className="text-sm">{t("services.credentials.none")}</p>
      )}
      <Link to="/services" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
        {t("services.credentials.back")}
      </Link>
    </div>
  );
}
