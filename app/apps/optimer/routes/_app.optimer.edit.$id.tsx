import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { pageTitle } from "~/i18n/meta";
import { eveTimeField } from "~/modules/eve/eve-time";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { readForm } from "~/web/input.server";
import { notFound, pathId } from "~/web/params.server";
import { OpForm } from "../op-form";
import { deleteOp, getOp, listOpTypes, type OpFormValues, OPTIMER_MANAGE, readOpForm, updateOp, validateOp } from "../ops.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "optimer.editTitle");

async function opOrNotFound(raw: string | undefined) {
  const op = await getOp(getRuntime().db, pathId(raw));
  return op ?? notFound();
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, OPTIMER_MANAGE);
  const op = await opOrNotFound(params.id);
  const values: OpFormValues = { ...op, type_id: op.type_id === null ? "" : String(op.type_id), start: eveTimeField(op.start) };
  return json({ values, types: await listOpTypes(getRuntime().db) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, OPTIMER_MANAGE);
  const op = await opOrNotFound(params.id);
  const form = await readForm(request);
  const { db } = getRuntime();
  if (form.get("intent") === "delete") {
    await deleteOp(db, op, actorFor(user, context));
    return redirectWithFlash("/optimer", { level: "success", key: "optimer.deleted" });
  }
  const values = readOpForm(form);
  const { input, errors } = validateOp(values, (await listOpTypes(db)).map((o) => o.id));
  if (!input) return json({ values, errors }, { status: 400 });
  await updateOp(db, op, input, actorFor(user, context));
  return redirectWithFlash("/optimer", { level: "success", key: "optimer.saved" });
}

export default function EditOp() {
  const { t } = useTranslation();
  const { values, types } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("optimer.editTitle")}</h1>
      <OpForm values={data?.values ?? values} errors={data?.errors ?? {}} types={types} submitLabel={t("optimer.save")} />
      <PostForm className="card">
        <button type="submit" name="intent" value="delete" className="btn-secondary" data-testid="op-delete">
          {t("optimer.delete")}
        </button>
      </PostForm>
    </div>
  );
}
