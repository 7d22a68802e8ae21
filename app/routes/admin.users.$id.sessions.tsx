import { type ActionFunctionArgs, json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminTabs } from "~/components/admin/admin-form";
import { PostForm } from "~/components/forms";
import { countUserSessions, endSessionsOfUser } from "~/modules/auth/session-revocation.server";
import { notFound, parseId, requireAdmin } from "~/web/admin-engine.server";
import { forbidden } from "~/web/guards.server";
import { redirectWithFlash } from "~/web/flash.server";

/** auth.change_user on the users resource; staff never act on a superuser. */
async function requireTarget(request: Request, context: LoaderFunctionArgs["context"], rawId: string | undefined) {
  const { user, resource, ctx } = await requireAdmin(request, context, "users", "change");
  const id = Number(parseId(resource, rawId));
  const target = await ctx.db.selectFrom("users").select(["id", "username", "is_superuser"]).where("id", "=", id).executeTakeFirst();
  if (!target) notFound();
  if (target.is_superuser && !user.is_superuser) await forbidden(user, context, request, "is_superuser", { target: target.id });
  return { target, ctx };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { target, ctx } = await requireTarget(request, context, params.id);
  return json({ id: target.id, username: target.username, sessions: await countUserSessions(ctx.db, target.id) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { target, ctx } = await requireTarget(request, context, params.id);
  const ended = await endSessionsOfUser(ctx.db, target, ctx.actor, "ended by an administrator");
  return redirectWithFlash(`/admin/users/${target.id}/sessions`, { level: "success", key: "flash.sessionsEnded", params: { count: ended, name: target.username } });
}

export default function AdminUserSessions() {
  const { id, username, sessions } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("admin.sessions.title", { name: username })}</h1>
      <AdminTabs base={`/admin/users/${id}`} active="sessions" canDelete={false} />
      <div className="card space-y-3">
        <p data-testid="admin-sessions-count">{t("admin.sessions.active", { count: sessions })}</p>
        <PostForm>
          <button type="submit" className="btn-primary" disabled={sessions === 0} data-testid="admin-end-sessions">
            {t("admin.sessions.endAll")}
          </button>
        </PostForm>
      </div>
    </div>
  );
}
