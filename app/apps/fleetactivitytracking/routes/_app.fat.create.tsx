import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, appContext, readForm, readText, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { createLink, validateLink } from "../fat.server";
import { EMPTY_LINK, LinkForm } from "../link-form";
import { FAT_MANAGE } from "../permissions";
import { mainCharacterOf } from "~/modules/eve/main-character.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.createLink");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_MANAGE);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, FAT_MANAGE);
  const form = await readForm(request);
  const values = { fleet: readText(form, "fleet", { max: 1000 }), duration: readText(form, "duration", { max: 20 }) };
  const { input, errors } = validateLink(values);
  if (!input) return json({ values, errors }, { status: 400 });
  const { db } = appContext();
  const main = await mainCharacterOf(db, user.id);
  const link = await createLink(db, input, { id: user.id, name: main?.character_name ?? user.username }, actorFor(user, context));
  return redirectWithFlash(`/fat/modify/${link.hash}`, { level: "success", key: "fleetactivitytracking.linkCreated", params: { fleet: input.fleet } });
}

export default function CreateLink() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.createLink")}</h1>
      <LinkForm values={data?.values ?? EMPTY_LINK} errors={data?.errors ?? {}} submitLabel={t("fleetactivitytracking.create")} />
    </div>
  );
}
