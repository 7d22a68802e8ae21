import { type ActionFunctionArgs, json, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { EmptyState } from "~/components/empty-state";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatCell } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { listCell, listPage, listParams, notFound, requireAdmin, runGuarded } from "~/web/admin-engine.server";
import { can } from "~/modules/admin/registry.server";
import { startBulkAction } from "~/modules/admin/bulk.server";
import { redirectWithFlash } from "~/web/flash.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "view");
  const url = new URL(request.url);
  const list = listParams(resource, url);
  const page = await listPage(ctx, resource, list);
  const filters = await Promise.all((resource.filters ?? []).map(async (f) => ({ name: f.name, label: f.label, options: await f.options(ctx) })));
  const bulk = [
    ...(resource.remove && can(user, resource, "delete") ? [{ name: "delete_selected", label: "admin.bulk.deleteSelected" }] : []),
    ...(resource.bulkActions ?? []).filter((a) => can(user, resource, a.permission)).map((a) => ({ name: a.name, label: a.label })),
  ];
  return json({
    key: resource.key,
    label: resource.label,
    columns: resource.columns.map((c) => ({ name: c.name, label: c.label, sortable: Boolean(c.sortable) })),
    rows: page.rows.map((row) => ({ id: String(row.id), cells: resource.columns.map((c) => listCell(c, row)) })),
    next: page.next,
    params: list,
    search: resource.search.length > 0,
    filters,
    bulk,
    canAdd: Boolean(resource.create) && can(user, resource, "add"),
  });
}

/** Bulk actions: "delete selected" runs here (each deletion audited); actions on many users run as jobs. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const name = String(form.get("bulk") ?? "");
  const ids = form.getAll("ids").map(String).filter((id) => /^[0-9]{1,16}$/.test(id)).slice(0, 1000);
  if (name === "delete_selected") {
    const { user, resource, ctx } = await requireAdmin(request, context, params.resource, "delete");
    if (!resource.remove) notFound();
    const remove = resource.remove;
    let deleted = 0;
    const result = await runGuarded(request, context, user, async () => {
      await resource.guardTargets?.(ctx, ids);
      for (const id of ids) {
        const current = await resource.get(ctx.db, id);
        if (!current || resource.undeletable?.(current)) continue;
        await remove(ctx, id, current);
        deleted++;
      }
    });
    const level = result.ok ? "success" : "warning";
    return redirectWithFlash(`/admin/${resource.key}`, { level, key: "admin.bulk.deleted", params: { count: deleted } });
  }
  const { resource } = await requireAdmin(request, context, params.resource, "view");
  const bulk = (resource.bulkActions ?? []).find((a) => a.name === name);
  if (!bulk) return json({ error: "admin.errors.choice" }, { status: 400 });
  const { user, ctx } = await requireAdmin(request, context, params.resource, bulk.permission);
  if (!ids.length) return json({ error: "admin.errors.nothingSelected" }, { status: 400 });
  const started = await runGuarded(request, context, user, async () => {
    await resource.guardTargets?.(ctx, ids);
    return startBulkAction(ctx, resource, bulk, ids);
  });
  if (!started.ok) return json({ error: "admin.errors.invalid" }, { status: 400 });
  return redirect(`/admin/jobs/${encodeURIComponent(started.value)}`);
}

export default function AdminList() {
  const { key, label, columns, rows, next, params, search, filters, bulk, canAdd } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const query = (extra: Record<string, string | null>) => {
    const sp = new URLSearchParams();
    if (params.q) sp.set("q", params.q);
    for (const [k, v] of Object.entries(params.filters)) sp.set(k, v);
    sp.set("sort", params.sort);
    sp.set("dir", params.dir);
    for (const [k, v] of Object.entries(extra)) {
      if (v === null) sp.delete(k);
      else sp.set(k, v);
    }
    return `?${sp.toString()}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t(label)}</h1>
        <div className="flex gap-2">
          <a href={`/admin/${key}/export${query({ after: null })}`} className="btn-secondary" data-testid="admin-export">
            {t("admin.export")}
          </a>
          {canAdd ? (
            <Link to={`/admin/${key}/new`} className="btn-primary" data-testid="admin-add">
              {t("admin.add")}
            </Link>
          ) : null}
        </div>
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-3" data-testid="admin-search">
        {search ? (
          <div>
            <label htmlFor="admin-q" className="label">
              {t("admin.search")}
            </label>
            <input id="admin-q" name="q" defaultValue={params.q} className="input" />
          </div>
        ) : null}
        {filters.map((f) => (
          <div key={f.name}>
            <label htmlFor={`filter-${f.name}`} className="label">
              {t(f.label)}
            </label>
            <select id={`filter-${f.name}`} name={f.name} defaultValue={params.filters[f.name] ?? ""} className="input">
              <option value="">{t("admin.all")}</option>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label.startsWith("admin.") ? t(o.label) : o.label}
                </option>
              ))}
            </select>
          </div>
        ))}
        <input type="hidden" name="sort" value={params.sort} />
        <input type="hidden" name="dir" value={params.dir} />
        <button type="submit" className="btn-secondary">
          {t("admin.apply")}
        </button>
      </Form>
      <PostForm>
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm" data-testid="admin-table">
            <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:text-slate-400 dark:border-slate-600">
              <tr>
                {bulk.length ? <th className="px-2 py-2" /> : null}
                <th className="px-2 py-2">
                  <Link to={query({ sort: "id", dir: params.sort === "id" && params.dir === "asc" ? "desc" : "asc", after: null })}>#</Link>
                </th>
                {columns.map((c) => (
                  <th key={c.name} className="px-2 py-2">
                    {c.sortable ? (
                      <Link to={query({ sort: c.name, dir: params.sort === c.name && params.dir === "asc" ? "desc" : "asc", after: null })} data-testid={`sort-${c.name}`}>
                        {t(c.label)}
                        {params.sort === c.name ? (params.dir === "asc" ? " ▲" : " ▼") : ""}
                      </Link>
                    ) : (
                      t(c.label)
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-b border-slate-200 dark:border-slate-700" data-testid="admin-row">
                  {bulk.length ? (
                    <td className="px-2 py-1">
                      <input type="checkbox" name="ids" value={row.id} aria-label={row.id} />
                    </td>
                  ) : null}
                  <td className="px-2 py-1">
                    <Link to={`/admin/${key}/${encodeURIComponent(row.id)}`} className="text-sky-700 dark:text-sky-400">
                      {row.id}
                    </Link>
                  </td>
                  {row.cells.map((value, i) => (
                    <td key={columns[i].name} className="px-2 py-1">
                      {i === 0 ? <Link to={`/admin/${key}/${encodeURIComponent(row.id)}`}>{formatCell(value, t)}</Link> : formatCell(value, t)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <EmptyState testId="admin-empty">{t("admin.empty")}</EmptyState> : null}
        </div>
        {bulk.length ? (
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <label htmlFor="admin-bulk" className="text-sm">
              {t("admin.bulk.label")}
            </label>
            <select id="admin-bulk" name="bulk" className="input w-auto min-w-0 max-w-full" defaultValue="" required>
              <option value="" disabled>
                {t("admin.bulk.choose")}
              </option>
              {bulk.map((b) => (
                <option key={b.name} value={b.name}>
                  {t(b.label)}
                </option>
              ))}
            </select>
            <button type="submit" className="btn-secondary" data-testid="admin-bulk-go">
              {t("admin.bulk.go")}
            </button>
          </div>
        ) : null}
      </PostForm>
      <div className="flex gap-3 text-sm">
        {params.after ? <Link to={query({ after: null })}>{t("admin.firstPage")}</Link> : null}
        {next ? (
          <Link to={query({ after: next })} data-testid="admin-next">
            {t("admin.nextPage")}
          </Link>
        ) : null}
      </div>
    </div>
  );
}
