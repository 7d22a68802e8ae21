import { type ActionFunctionArgs, json, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminFields, AdminTabs, formatCell } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { cell, editableFields, fieldOptions, notFound, parseId, readForm, requireAdmin, runGuarded, submittedValues } from "~/web/admin-engine.server";
import { readForm as readBody } from "~/web/input.server";
import { can } from "~/modules/admin/registry.server";
import { flashHeader } from "~/web/flash.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "view");
  const id = parseId(resource, params.id);
  const current = await resource.get(ctx.db, id);
  if (!current) notFound();
  const canChange = Boolean(resource.update) && can(user, resource, "change");
  const fields = resource.fields ? editableFields(resource, user, resource.update ? "change" : "create").map(({ name, label, kind, locked, lookup }) => ({ name, label, kind, locked, lookup })) : [];
  return json({
    key: resource.key,
    label: resource.label,
    id,
    title: resource.title(current),
    titleKey: resource.titleKey?.(current) ?? null,
    fields,
    values: Object.fromEntries(Object.entries(current).map(([k, v]) => [k, Array.isArray(v) ? v : cell(v)])),
    options: resource.fields ? await fieldOptions(ctx, resource, id, current) : {},
    details: resource.details ? await resource.details(ctx.db, id) : [],
    canChange,
    canDelete: Boolean(resource.remove) && can(user, resource, "delete") && !resource.undeletable?.(current),
    hasPreview: Boolean(resource.preview),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "change");
  const id = parseId(resource, params.id);
  const update = resource.update;
  if (!update) throw new Response("Method Not Allowed", { status: 405 });
  const current = await resource.get(ctx.db, id);
  if (!current) notFound();
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
    return { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v : cell(v)])), options: await fieldOptions(ctx, resource, id, values) };
  };
  if (!result.ok) return json({ errors: result.errors, params: result.params ?? {}, preview: null, ...(await echo()) }, { status: result.status });
  if (result.value) return json({ errors: {} as Record<string, string>, params: {}, preview: result.value.preview, ...(await echo()) });
  return redirect(`/admin/${resource.key}/${encodeURIComponent(id)}`, { headers: { "Set-Cookie": await flashHeader({ level: "success", key: "admin.saved", params: { name: resource.title(current) } }) } });
}

export default function AdminDetail() {
  const loaded = useLoaderData<typeof loader>();
  const { key, label, id, title: rawTitle, titleKey, fields, details, canChange, canDelete, hasPreview } = loaded;
  const data = useActionData<typeof action>();
  const values = data?.values ?? loaded.values;
  const options = data?.options ?? loaded.options;
  const { t } = useTranslation();
  const title = titleKey ? t(titleKey) : rawTitle;
  const base = `/admin/${key}/${encodeURIComponent(id)}`;
  const fieldNames = new Set(fields.map((f) => f.name));
  const extra = Object.entries(loaded.values).filter(([k]) => !fieldNames.has(k));
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-500 dark:text-slate-400">{t(label)}</p>
      <h1 className="text-2xl font-semibold" data-testid="admin-title">
        {title}
      </h1>
      <AdminTabs base={base} active="change" canDelete={canDelete} />
      {data?.preview ? (
        <section className="card" data-testid="admin-preview" aria-live="polite">
          <p className="text-sm">{t(data.preview.summary, data.preview.params)}</p>
        </section>
      ) : null}
      {fields.length ? (
        <PostForm key={JSON.stringify(values)} className="card space-y-4">
          <AdminFields fields={fields} values={values} options={options} errors={data?.errors ?? {}} errorParams={data?.params} disabled={!canChange} />
          {canChange ? (
            <div className="flex gap-2">
              {hasPreview ? (
                <button type="submit" name="intent" value="preview" className="btn-secondary" data-testid="admin-preview-button">
                  {t("admin.preview.button")}
                </button>
              ) : null}
              <button type="submit" name="intent" value="save" className="btn-primary" data-testid="admin-save">
                {t("admin.save")}
              </button>
            </div>
          ) : null}
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
