import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { chooseLanguage, serverT } from "~/i18n/i18n.server";
import { actorFor } from "~/web/guards.server";
import { startSession } from "~/web/login.server";
import { emailSchema, submitRegistrationEmail } from "~/modules/auth/registration.server";
import { activationBrowserCookie, outboxReaderCookie, pendingRegistration, registrationCookie } from "~/web/cookies.server";
import { usesOutbox } from "~/modules/mail/mailer.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "register.title");

async function expired() {
  return redirectWithFlash("/login", { level: "warning", key: "register.expired" });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { db, settings } = getRuntime();
  const user = await pendingRegistration(db, settings, request);
  if (!user) return expired();
  return json({ username: user.username, verify: settings.REGISTRATION_VERIFY_EMAIL });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, settings } = getRuntime();
  const user = await pendingRegistration(db, settings, request);
  if (!user) return expired();
  const form = await request.formData();
  const parsed = emailSchema.safeParse({ email: String(form.get("email") ?? "") });
  if (!parsed.success) return json({ error: parsed.error.issues[0].message, email: String(form.get("email") ?? "").slice(0, 254) }, { status: 400 });
  const lang = await chooseLanguage(request, user.language, settings.LANGUAGE_CODE);
  const outcome = await submitRegistrationEmail(db, settings, user.id, parsed.data.email, { ...actorFor(null, context), userId: user.id, label: user.username }, serverT(lang));
  const cookies = [await registrationCookie(settings).serialize("", { maxAge: 0 })];
  if (outcome.kind === "activated") {
    cookies.push(await startSession(request, context, user));
    return redirectWithFlash("/dashboard", { level: "success", key: "register.welcome", params: { name: user.username } }, cookies);
  }
  cookies.push(await activationBrowserCookie(settings).serialize(user.id));
  if (usesOutbox(settings)) cookies.push(await outboxReaderCookie(settings).serialize(user.id));
  return redirectWithFlash("/login", { level: "info", key: "register.emailSent", params: { email: parsed.data.email } }, cookies);
}

export default function Register() {
  const { t } = useTranslation();
  const { username, verify } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="mx-auto max-w-md px-4 py-12">
      <div className="card">
        <h1 className="text-xl font-semibold">{t("register.title")}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t(verify ? "register.introVerify" : "register.intro", { name: username })}</p>
        <PostForm className="mt-4 space-y-4">
          <TextField name="email" type="email" label={t("register.email")} autoComplete="email" defaultValue={data && "email" in data ? data.email : ""} error={data && "error" in data ? data.error : undefined} required autoFocus />
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? t("common.working") : t("register.submit")}
          </button>
        </PostForm>
      </div>
    </main>
  );
}
