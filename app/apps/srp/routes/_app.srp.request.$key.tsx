import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError, PostForm, TextField } from "~/components/forms";
import { pageTitle } from "~/i18n/meta";
import { EsiClient } from "~/modules/eve/esi-client.server";
import { formText } from "~/modules/eve/eve-time";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { readForm } from "~/web/input.server";
import { notFound } from "~/web/params.server";
import { SRP_ACCESS } from "../permissions";
import { fileRequest, fleetByCode, SrpError } from "../srp.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "srp.fileRequest");

async function openFleet(code: string | undefined) {
  const fleet = code && code.length <= 32 ? await fleetByCode(getRuntime().db, code) : null;
  return fleet ?? notFound();
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, SRP_ACCESS);
  const fleet = await openFleet(params.key);
  return json({ fleet: { name: fleet.fleet_name, doctrine: fleet.doctrine, closed: fleet.fleet_srp_status === "Completed" } });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, SRP_ACCESS);
  const fleet = await openFleet(params.key);
  const form = await readForm(request);
  const values = { killboard_link: formText(form, "killboard_link"), additional_info: formText(form, "additional_info") };
  const fail = (field: string, key: string) => json({ values, errors: { [field]: key } as Record<string, string> }, { status: 400 });
  if (!values.killboard_link) return fail("killboard_link", "srp.errors.required");
  if (values.killboard_link.length > 254) return fail("killboard_link", "srp.errors.tooLong");
  if (values.additional_info.length > 5000) return fail("additional_info", "srp.errors.tooLong");
  const { db, settings } = getRuntime();
  try {
    await fileRequest(db, settings, new EsiClient(db, settings), user.id, fleet.id, values.killboard_link, values.additional_info, actorFor(user, context));
  } catch (error) {
    if (error instanceof SrpError) return fail("killboard_link", error.message);
    throw error;
  }
  return redirectWithFlash("/srp", { level: "success", key: "srp.requestFiled" });
}

export default function FileRequest() {
  const { t } = useTranslation();
  const { fleet } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const values = data?.values ?? { killboard_link: "", additional_info: "" };
  const errors = data?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("srp.fileRequestFor", { fleet: fleet.name })}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("srp.fileHelp")}</p>
      {fleet.closed ? <p className="card text-sm">{t("srp.errors.fleetClosed")}</p> : null}
      <PostForm key={JSON.stringify(values)} className="card space-y-4">
        <TextField name="killboard_link" label={t("srp.field.killboardLink")} defaultValue={values.killboard_link} error={errors.killboard_link} />
        <div>
          <label htmlFor="field-additional_info" className="label">
            {t("srp.field.additionalInfo")}
          </label>
          <textarea id="field-additional_info" name="additional_info" defaultValue={values.additional_info} rows={3} className="input" aria-invalid={errors.additional_info ? true : undefined} aria-describedby={errors.additional_info ? "field-additional_info-error" : undefined} />
          <FieldError id="field-additional_info-error" error={errors.additional_info} />
        </div>
        <button type="submit" className="btn-primary" disabled={busy} data-testid="srp-request-submit">
          {busy ? t("common.working") : t("srp.fileRequest")}
        </button>
      </PostForm>
    </div>
  );
}
