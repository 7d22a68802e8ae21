import { type ActionFunctionArgs, json, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminFields, AdminPreview, AdminSubmit, AdminTabs, formatCell, useObjectHeading } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { canDeleteObject, cells, fieldOptions, formFields, objectHeading, readForm, requireAdminObject, runGuarded, submittedValues } from "~/web/admin-engine.server";
import { readForm as readBody } from "~/web/input.server";
import { can } from "~/modules/admin/registry.server";
import { redirectWithFlash } from "~/web/flash.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx, id, current } = await requireAdminObject(request, context, params, "view");
  const canChange = Boolean(resource.update) && can(user, resource, "change");
  return json({
    ...objectHeading(resource, id, current),
    label: resource.label,
    fields: formFields(resource, user, resource.update ? "change" : "create"),
    values: cells(current),
    options: resource.fields ? await fieldOptions(ctx, resource, id, current) : {},
    details: resource.details ? await resource.details(ctx.db, id) : [],
    canChange,
    canDelete: canDeleteObject(user, resource, current),
    hasPreview: Boolean(resource.preview),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, resource, ctx, id, current } = await requireAdminObject(request, context, params, "change");
  const update = resource.update;
  if (!update) throw new Response("Method Not Allowed", { status: 405 });
  const form = await readBody(request);
  const intent = String(form.get("intent") ?? "save");
  const save = async () => {
    const values = await readForm(resource, user, form, current, "change");
    if (intent === "preview" && resource.preview) return { preview: await resource.preview(ctx, id, values), values };
    await update(ctx, id, values, current);
    return null;
  };
  const result = await runGuarded(request, context, user, save, { inForm: true });
  // Refused or previewed: the form comes back exactly as submitted.
  const echo = async () => {
    const values = submittedValues(resource, user, form, current, "change");
    return { values: cells(values), options: await fieldOptions(ctx, resource, id, values) };
  };
  if (!result.ok) return json({ errors: result.errors, params: result.params ?? {}, preview: null, ...(await echo()) }, { status: result.status });
  if (result.value) return json({ errors: {} as Record<string, string>, params: {}, preview: result.value.preview, ...(await echo()) });
  return redirectWithFlash(`/admin/${resource.key}/${encodeURIComponent(id)}`, { level: "success", key: "admin.saved", params: { name: resource.title(current) } });
}

export default function AdminDetail() {
  const loaded = useLoaderData<typeof loader>();
  const { label, fields, details, canChange, canDelete, hasPreview } = loaded;
  const data = useActionData<typeof action>();
  const values = data?.values ?? loaded.values;
  const options = data?.options ?? loaded.options;
  const { t } = useTranslation();
  const { title, base } = useObjectHeading(loaded);
  const fieldNames = new Set(fields.map((f) => f.name));
  const extra = Object.entries(loaded.values).filter(([k]) => !fieldNames.has(k));
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-500 dark:text-slate-400">{t(label)}</p>
      <h1 className="text-2xl font-semibold" data-testid="admin-title">
        {title}
      </h1>
      <AdminTabs base={base} active="change" canDelete={canDelete} />
      <AdminPreview preview={data?.preview} />
      {fields.length ? (
        <PostForm key={JSON.stringify(values)} className="card space-y-4">
          <AdminFields fields={fields} values={values} options={options} errors={data?.errors ?? {}} errorParams={data?.params} disabled={!canChange} />
          {canChange ? <AdminSubmit hasPreview={hasPreview} /> : null}
        </PostForm>
      ) : null}
      {extra.length || details.length ? (
        <dl className="card grid gap-2 text-sm sm:grid-cols-[12rem_1fr]" data-testid="admin-details">
          {extra.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-medium">{k}</dt>
              <dd>{formatCell(v, t)}</dd>
            </div>
          ))}
          {details.map((d) => (
            <div key={d.label} className="contents">
              <dt className="font-medium">{t(d.label)}</dt>
              <dd>{d.value || "—"}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
