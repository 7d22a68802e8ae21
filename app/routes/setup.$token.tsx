import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { actorFor } from "~/web/guards.server";
import { startSession } from "~/web/login.server";
import { completeSetup, DuplicateUsernameError, isValidSetupToken, superuserSchema } from "~/modules/auth/users.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "setup.title");

function invalidLink(): never {
  throw json({ reason: "setupLinkInvalid" }, { status: 404 });
}

export async function loader({ params }: LoaderFunctionArgs) {
  if (!(await isValidSetupToken(getRuntime().db, params.token ?? ""))) invalidLink();
  return json({ ok: true });
}

type FieldErrors = Partial<Record<"username" | "email" | "password" | "passwordConfirm", string>>;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { db } = getRuntime();
  const token = params.token ?? "";
  if (!(await isValidSetupToken(db, token))) invalidLink();
  const form = await request.formData();
  const values = { username: String(form.get("username") ?? ""), email: String(form.get("email") ?? "") };
  const password = String(form.get("password") ?? "");
  const errors: FieldErrors = {};
  const parsed = superuserSchema.safeParse({ ...values, password });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof FieldErrors;
      errors[field] ??= issue.message;
    }
  }
  if (password !== String(form.get("passwordConfirm") ?? "")) errors.passwordConfirm = "errors.passwordsDiffer";
  if (Object.keys(errors).length) return json({ errors, values }, { status: 400 });
  try {
    const user = await completeSetup(db, token, parsed.data!, actorFor(null, context));
    if (!user) invalidLink();
    const session = await startSession(request, context, user);
    return redirectWithFlash("/dashboard", { level: "success", key: "flash.setupDone", params: { name: user.username } }, [session]);
  } catch (error) {
    if (error instanceof DuplicateUsernameError) return json({ errors: { username: "errors.usernameTaken" } as FieldErrors, values }, { status: 400 });
    throw error;
  }
}

export default function Setup() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: FieldErrors = data?.errors ?? {};
  return (
    <main className="mx-auto max-w-md px-4 py-12">
      <div className="card">
        <h1 className="text-xl font-semibold">{t("setup.title")}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("setup.intro")}</p>
        <PostForm className="mt-4 space-y-4">
          <TextField name="username" label={t("setup.username")} autoComplete="username" defaultValue={data?.values.username} error={errors.username} required autoFocus />
          <TextField name="email" type="email" label={t("setup.email")} autoComplete="email" defaultValue={data?.values.email} error={errors.email} />
          <TextField name="password" type="password" label={t("setup.password")} autoComplete="new-password" error={errors.password} required />
          <TextField name="passwordConfirm" type="password" label={t("setup.passwordConfirm")} autoComplete="new-password" error={errors.passwordConfirm} required />
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? t("common.working") : t("setup.submit")}
          </button>
        </PostForm>
      </div>
    </main>
  );
}
