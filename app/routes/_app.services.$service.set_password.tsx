import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { getRuntime } from "~/modules/runtime.server";
import { findAccount } from "~/modules/services/accounts.server";
import { MAX_SERVICE_PASSWORD, MIN_SERVICE_PASSWORD, changeServicePassword } from "~/modules/services/passwords.server";
import { mayUse } from "~/modules/services/page.server";
import { actorFor, requireUser, type CurrentUser } from "~/web/guards.server";
import { readForm, readText } from "~/web/input.server";
import { back, connectorFromParams, notFound } from "~/web/services-routes.server";
import { forbidden } from "~/web/guards.server";

export const meta: MetaFunction = () => [{ title: "Set password" }];

async function guard(request: Request, context: LoaderFunctionArgs["context"], user: CurrentUser, id: string | undefined) {
  const connector = connectorFromParams(id);
  if (!connector.setPassword || !connector.meta.accountActions.includes("set_password")) notFound();
  const p = connector.meta.accessPermission;
  if (!mayUse(connector, user)) await forbidden(user, context, request, `${p.appLabel}.${p.codename}`);
  if (!(await findAccount(getRuntime().db, connector.meta.id, user.id))) notFound();
  return connector;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const connector = await guard(request, context, user, params.service);
  return json({ id: connector.meta.id, title: connector.meta.title, min: MIN_SERVICE_PASSWORD });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const connector = await guard(request, context, user, params.service);
  const password = readText(await readForm(request), "password", { trim: false, max: MAX_SERVICE_PASSWORD });
  if (password.length < MIN_SERVICE_PASSWORD) return json({ error: "services.password.tooShort" }, { status: 400 });
  const { db, settings } = getRuntime();
  try {
    await changeServicePassword(db, settings, connector, user.id, actorFor(user, context), password);
  } catch {
    return back({ level: "danger", key: "services.flash.remoteFailed", params: { service: connector.meta.title } });
  }
  return back({ level: "success", key: "services.flash.passwordSet", params: { service: connector.meta.title } });
}

export default function SetServicePassword() {
  const { t } = useTranslation();
  const { id, title, min } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const error = data && "error" in data ? data.error : undefined;
  return (
    <div className="max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t("services.password.title", { service: title })}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("services.password.help", { count: min })}</p>
      <PostForm action={`/services/${id}/set_password`} className="space-y-3">
        <TextField name="password" type="password" label={t("services.password.label")} autoComplete="new-password" required error={error} />
        <button type="submit" className="btn-primary" data-testid="service-password-submit">
          {t("services.password.submit")}
        </button>
      </PostForm>
    </div>
  );
}
