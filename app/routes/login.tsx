import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { getCurrentUser } from "~/web/guards.server";
import { startSession } from "~/web/login.server";
import { passwordLogin } from "~/modules/auth/users.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { safeReturnPath } from "~/web/redirects";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "login.ssoTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const next = safeReturnPath(new URL(request.url).searchParams.get("next"), "/dashboard");
  if (await getCurrentUser(request, context)) return redirect(next);
  return json({ next, demoMode: getRuntime().settings.demoMode });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const username = String(form.get("username") ?? "").slice(0, 200);
  const password = String(form.get("password") ?? "").slice(0, 1024);
  const next = safeReturnPath(form.get("next"), "/dashboard");
  if (!username.trim() || !password) {
    return json({ error: "login.missingFields", username }, { status: 400 });
  }
  const { db, settings } = getRuntime();
  const result = await passwordLogin(db, settings, { username, password }, { ip: context.ip, requestId: context.requestId });
  if (!result.ok) return json({ error: "login.invalid", username }, { status: 400 });
  const session = await startSession(request, context, result.user);
  return redirectWithFlash(next, { level: "success", key: "flash.loggedIn", params: { name: result.user.username } }, [session]);
}

export default function Login() {
  const { t } = useTranslation();
  const { next, demoMode } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="mx-auto max-w-md px-4 py-12">
      {demoMode ? (
        <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="demo-banner">
          {t("login.demo")}{" "}
          <a href="/account/outbox" className="underline">
            {t("login.demoOutbox")}
          </a>
        </p>
      ) : null}
      <div className="card mb-6">
        <h1 className="text-xl font-semibold">{t("login.ssoTitle")}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("login.ssoIntro")}</p>
        <PostForm action="/sso/login" className="mt-4" reloadDocument>
          <input type="hidden" name="next" value={next} />
          <button type="submit" className="btn-primary w-full" data-testid="sso-login">
            {t("login.ssoSubmit")}
          </button>
        </PostForm>
      </div>
      <div className="card">
        <h2 className="text-lg font-semibold">{t("login.title")}</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("login.intro")}</p>
        {actionData?.error ? (
          <p className="mt-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" role="alert" data-testid="login-error">
            {t(actionData.error)}
          </p>
        ) : null}
        <PostForm className="mt-4 space-y-4" replace>
          <input type="hidden" name="next" value={next} />
          <TextField name="username" label={t("login.username")} autoComplete="username" defaultValue={actionData?.username} required autoFocus />
          <TextField name="password" type="password" label={t("login.password")} autoComplete="current-password" required />
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? t("common.working") : t("login.submit")}
          </button>
        </PostForm>
      </div>
    </main>
  );
}
