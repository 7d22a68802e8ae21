import { type ActionFunctionArgs, json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminTabs, useObjectHeading } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { notFound, objectHeading, requireAdminObject, runGuarded } from "~/web/admin-engine.server";
import { redirectWithFlash } from "~/web/flash.server";

/** Confirmation page: what else goes with the object; Guest (and the like) cannot be deleted. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { resource, ctx, id, current } = await requireAdminObject(request, context, params, "delete");
  if (!resource.remove) notFound();
  return json({
    ...objectHeading(resource, id, current),
    blocked: resource.undeletable?.(current) ?? null,
    related: resource.related ? await resource.related(ctx.db, id) : [],
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, resource, ctx, id, current } = await requireAdminObject(request, context, params, "delete");
  const remove = resource.remove;
  if (!remove) notFound();
  const form = await request.formData();
  const blocked = resource.undeletable?.(current);
  if (blocked) return json({ error: blocked }, { status: 400 });
  if (form.get("confirm") !== "yes") return json({ error: "admin.errors.confirm" }, { status: 400 });
  const result = await runGuarded(request, context, user, () => remove(ctx, id, current));
  if (!result.ok) return json({ error: Object.values(result.errors)[0] ?? "admin.errors.invalid" }, { status: 400 });
  const key = result.value?.pending ? "admin.deletePending" : "admin.deleted";
  return redirectWithFlash(`/admin/${resource.key}`, { level: "success", key, params: { name: resource.title(current) } });
}

export default function AdminDelete() {
  const loaded = useLoaderData<typeof loader>();
  const { blocked, related } = loaded;
  const data = useActionData<typeof action>();
  const { t } = useTranslation();
  const { title, base } = useObjectHeading(loaded);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.deleteTitle", { name: title })}</h1>
      <AdminTabs base={base} active="delete" canDelete />
      {data?.error || blocked ? (
        <p className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" role="alert" data-testid="admin-delete-error">
          {t(data?.error ?? blocked ?? "")}
        </p>
      ) : null}
      {blocked ? null : (
        <PostForm className="card space-y-3">
          <p>{t("admin.deleteConfirm", { name: title })}</p>
          {related.length ? (
            <ul className="list-disc pl-6 text-sm" data-testid="admin-related">
              {related.map((r) => (
                <li key={r.label}>{t(r.label, { count: r.count })}</li>
              ))}
            </ul>
          ) : null}
          <input type="hidden" name="confirm" value="yes" />
          <div className="flex gap-2">
            <button type="submit" className="btn-primary" data-testid="admin-delete-confirm">
              {t("admin.deleteYes")}
            </button>
            <Link to={base} className="btn-secondary">
              {t("admin.cancel")}
            </Link>
          </div>
        </PostForm>
      )}
    </div>
  );
}
