import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm, TextField } from "~/components/forms";
import { pageTitle } from "~/i18n/meta";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, type CurrentUser, forbidden, hasPermission, requireUser } from "~/web/guards.server";
import { readForm } from "~/web/input.server";
import { SRP_ADD_FLEET, SRP_MANAGE } from "../permissions";
import { createFleet, readFleetForm, validateFleet } from "../srp.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "srp.addFleet");

/** The original lets SRP managers or holders of srp.add_srpfleetmain create fleets. */
async function requireFleetCreator(request: Request, context: Parameters<typeof requireUser>[1]): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!hasPermission(user, SRP_MANAGE) && !hasPermission(user, SRP_ADD_FLEET)) await forbidden(user, context, request, SRP_ADD_FLEET);
  return user;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireFleetCreator(request, context);
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireFleetCreator(request, context);
  const { db } = getRuntime();
  const values = readFleetForm(await readForm(request));
  const { input, errors } = validateFleet(values);
  if (!input) return json({ values, errors }, { status: 400 });
  const { code } = await createFleet(db, input, await mainCharacterOf(db, user.id), actorFor(user, context));
  return redirectWithFlash("/srp", { level: "success", key: "srp.fleetCreated", params: { code } });
}

export default function AddFleet() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const values = data?.values ?? { fleet_name: "", doctrine: "", fleet_time: "", aar_link: "" };
  const errors: Record<string, string | undefined> = data?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("srp.addFleet")}</h1>
      <PostForm key={JSON.stringify(values)} className="card grid gap-4 sm:grid-cols-2">
        <TextField name="fleet_name" label={t("srp.field.fleetName")} defaultValue={values.fleet_name} error={errors.fleet_name} />
        <TextField name="doctrine" label={t("srp.field.doctrine")} defaultValue={values.doctrine} error={errors.doctrine} />
        <TextField name="fleet_time" type="datetime-local" label={t("srp.field.fleetTime")} defaultValue={values.fleet_time} error={errors.fleet_time} />
        <TextField name="aar_link" label={t("srp.field.aarLink")} defaultValue={values.aar_link} error={errors.aar_link} />
        <div>
          <button type="submit" className="btn-primary" disabled={busy} data-testid="srp-fleet-submit">
            {busy ? t("common.working") : t("srp.createFleet")}
          </button>
        </div>
      </PostForm>
    </div>
  );
}
