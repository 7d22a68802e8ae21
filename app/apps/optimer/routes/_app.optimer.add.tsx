import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n/meta";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { readForm } from "~/web/input.server";
import { EMPTY_OP, OpForm } from "../op-form";
import { createOp, listOpTypes, OPTIMER_MANAGE, readOpForm, validateOp } from "../ops.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "optimer.add");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, OPTIMER_MANAGE);
  return json({ types: await listOpTypes(getRuntime().db) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, OPTIMER_MANAGE);
  const { db } = getRuntime();
  const values = readOpForm(await readForm(request));
  const types = await listOpTypes(db);
  const { input, errors } = validateOp(values, types.map((o) => o.id));
  if (!input) return json({ values, errors }, { status: 400 });
  await createOp(db, input, { userId: user.id, main: await mainCharacterOf(db, user.id) }, actorFor(user, context));
  return redirectWithFlash("/optimer", { level: "success", key: "optimer.added", params: { name: input.operation_name } });
}

export default function AddOp() {
  const { t } = useTranslation();
  const { types } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("optimer.add")}</h1>
      <OpForm values={data?.values ?? EMPTY_OP} errors={data?.errors ?? {}} types={types} submitLabel={t("optimer.create")} />
    </div>
  );
}
