import { type ActionFunctionArgs, json, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminFields, AdminTabs, formatCell } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { cell, editableFields, fieldOptions, notFound, parseId, readForm, requireAdmin, runGuarded } from "~/web/admin-engine.server";
import { can } from "~/modules/admin/registry.server";
import { flashHeader } from "~/web/flash.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "view");
  const id = parseId(resource, params.id);
  const current = await resource.get(ctx.db, id);
  if (!current) notFound();
  const canChange = Boolean(resource.update) && can(user, resource, "change");
  const fields = resource.fields ? editableFields(resource, user, resource.update ? "change" : "create").map(({ name, label, kind, locked }) => ({ name, label, kind, locked })) : [];
  return json({
    key: resource.key,
    label: resource.label,
    id,
    title: resource.title(current),
    fields,
    values: Object.fromEntries(Object.entries(current).map(([k, v]) => [k, Array.isArray(v) ? v : cell(v)])),
    options: resource.fields ? await fieldOptions(ctx, resource, id) : {},
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
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  const result = await runGuarded(request, context, user, async () => {
    const values = readForm(resource, user, form, current, "change");
    if (intent === "preview" && resource.preview) return { preview: await resource.preview(ctx, id, values), values };
    await update(ctx, id, values, current);
    return null;
  });
  if (!result.ok) return json({ errors: result.errors, preview: null }, { status: 400 });
  if (result.value) return json({ errors: {} as Record<string, string>, preview: result.value.preview });
  return redirect(`/admin/${resource.key}/${encodeURIComponent(id)}`, { headers: { "Set-Cookie": await flashHeader({ level: "success", key: "admin.saved", params: { name: resource.title(current) } }) } });
}

export default function AdminDetail() {
  const { key, label, id, title, fields, values, options, details, canChange, canDelete, hasPreview } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useTranslation();
  const base = `/admin/${key}/${encodeURIComponent(id)}`;
  const fieldNames = new Set(fields.map((f) => f.name));
  const extra = Object.entries(values).filter(([k]) => !fieldNames.has(k));
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-500">{t(label)}</p>
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
        <PostForm className="card space-y-4">
          <AdminFields fields={fields} values={values} options={options} errors={data?.errors ?? {}} disabled={!canChange} />
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
