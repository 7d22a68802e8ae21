import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError, PostForm } from "~/components/forms";
import { BROADCAST_PERMISSION, MAX_BROADCAST_LENGTH, broadcastChoices, broadcastConfigured, sendBroadcast } from "~/connectors/openfire/broadcast.server";
import { BroadcastError } from "~/connectors/openfire/xmpp.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { readForm, readText } from "~/web/input.server";
import { notFound } from "~/web/services-routes.server";

export const meta: MetaFunction = () => [{ title: "Jabber Broadcast" }];

/** The original's /openfire/broadcast/ (auth.jabber_broadcast; _all widens the choice). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, BROADCAST_PERMISSION);
  const { db, settings } = getRuntime();
  if (!broadcastConfigured(settings)) notFound();
  return json({ choices: await broadcastChoices(db, user) });
}

/** MAX_BROADCAST_LENGTH, for the browser (server modules do not reach the client bundle). */
const MAX_LENGTH = 10_000;

type Errors = Partial<Record<"group" | "message" | "form", string>>;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, BROADCAST_PERMISSION);
  const { db, settings } = getRuntime();
  if (!broadcastConfigured(settings)) notFound();
  const form = await readForm(request);
  const values = { group: readText(form, "group", { max: 200 }), message: readText(form, "message", { max: MAX_BROADCAST_LENGTH }) };
  const errors: Errors = {};
  if (!(await broadcastChoices(db, user)).includes(values.group)) errors.group = "openfire.broadcast.errors.group";
  if (!values.message) errors.message = "openfire.broadcast.errors.message";
  if (Object.keys(errors).length) return json({ values, errors }, { status: 400 });
  try {
    await sendBroadcast(db, settings, { ...actorFor(user, context), userId: user.id }, values.group, values.message);
  } catch (error) {
    if (!(error instanceof BroadcastError)) throw error;
    return json({ values, errors: { form: "openfire.broadcast.errors.send" } as Errors }, { status: 502 });
  }
  return redirectWithFlash("/openfire/broadcast", { level: "success", key: "openfire.broadcast.sent", params: { group: values.group } });
}

export default function JabberBroadcast() {
  const { t } = useTranslation();
  const { choices } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const values = data?.values ?? { group: "", message: "" };
  const errors: Errors = data?.errors ?? {};
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("openfire.broadcast.title")}</h1>
      {errors.form ? (
        <p className="field-error" role="alert" data-testid="broadcast-error">
          {t(errors.form)}
        </p>
      ) : null}
      {choices.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("openfire.broadcast.noGroups")}</p>
      ) : (
        <PostForm className="space-y-3" data-testid="broadcast-form">
          <div>
            <label htmlFor="field-group" className="label">
              {t("openfire.broadcast.group")}
            </label>
            <select id="field-group" name="group" defaultValue={values.group} className="input" aria-invalid={errors.group ? true : undefined} aria-describedby={errors.group ? "field-group-error" : undefined}>
              {choices.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <FieldError id="field-group-error" error={errors.group} />
          </div>
          <div>
            <label htmlFor="field-message" className="label">
              {t("openfire.broadcast.message")}
            </label>
            <textarea id="field-message" name="message" rows={6} maxLength={MAX_LENGTH} defaultValue={values.message} className="input" aria-invalid={errors.message ? true : undefined} aria-describedby={errors.message ? "field-message-error" : undefined} />
            <FieldError id="field-message-error" error={errors.message} />
          </div>
          <button type="submit" className="btn-primary" data-testid="broadcast-submit">
            {t("openfire.broadcast.submit")}
          </button>
        </PostForm>
      )}
    </div>
  );
}
