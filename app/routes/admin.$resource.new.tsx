import { type ActionFunctionArgs, json, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminFields, AdminPreview, AdminSubmit } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { fieldOptions, formFields, readForm, requireAdmin, runGuarded, submittedValues } from "~/web/admin-engine.server";
import { readForm as readBody } from "~/web/input.server";
import type { AdminResource, Values } from "~/modules/admin/registry.server";
import { redirectWithFlash } from "~/web/flash.server";

/** The values a new object starts from (what the form shows, and what locked fields stay at). */
function initialValues(resource: AdminResource): Values {
  const values: Values = {};
  for (const f of resource.fields ?? []) values[f.name] = f.kind === "checkbox" ? f.name === "is_active" : f.kind === "multiselect" || f.kind === "idlist" ? [] : f.kind === "number" || f.kind === "select" ? null : "";
  return { ...values, ...resource.defaults };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "add");
  if (!resource.create) throw new Response("Not Found", { status: 404 });
  return json({
    key: resource.key,
    label: resource.label,
    fields: formFields(resource, user, "create"),
    values: initialValues(resource),
    options: await fieldOptions(ctx, resource, null),
    hasPreview: Boolean(resource.preview),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "add");
  const create = resource.create;
  if (!create) throw new Response("Not Found", { status: 404 });
  const form = await readBody(request);
  const intent = String(form.get("intent") ?? "save");
  const save = async () => {
    const values = await readForm(resource, user, form, initialValues(resource), "create");
    if (intent === "preview" && resource.preview) return { preview: await resource.preview(ctx, null, values) };
    return { id: await create(ctx, values) };
  };
  const result = await runGuarded(request, context, user, save, { inForm: true });
  // Refused or previewed: the form comes back exactly as submitted.
  const submitted = submittedValues(resource, user, form, initialValues(resource), "create");
  const echo = { values: submitted, options: await fieldOptions(ctx, resource, null, submitted) };
  if (!result.ok) return json({ errors: result.errors, params: result.params ?? {}, preview: null, ...echo }, { status: result.status });
  if ("preview" in result.value) return json({ errors: {} as Record<string, string>, params: {}, preview: result.value.preview, ...echo });
  return redirectWithFlash(`/admin/${resource.key}/${encodeURIComponent(String(result.value.id))}`, { level: "success", key: "admin.created", params: {} });
}

export default function AdminNew() {
  const { key, label, fields, values, options: loadedOptions, hasPreview } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useTranslation();
  const shown = (data?.values as Values | undefined) ?? values;
  const options = data?.options ?? loadedOptions;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.addTitle", { resource: t(label) })}</h1>
      <AdminPreview preview={data?.preview} />
      <PostForm key={JSON.stringify(shown)} className="card space-y-4" action={`/admin/${key}/new`}>
        <AdminFields fields={fields} values={shown} options={options} errors={(data?.errors as Record<string, string>) ?? {}} errorParams={data?.params} />
        <AdminSubmit hasPreview={hasPreview} />
      </PostForm>
    </div>
  );
}
