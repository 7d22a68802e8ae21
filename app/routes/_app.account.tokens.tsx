import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/i18n/meta";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { Table } from "~/components/table";
import { actorFor, requireUser } from "~/web/guards.server";
import { accountTokens } from "~/modules/eve/account.server";
import { revokeAndDeleteToken } from "~/modules/eve/tokens.server";
import { badRequest, formId, notFound } from "~/web/params.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { DateTime } from "~/components/date-time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "tokens.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db, settings } = getRuntime();
  const tokens = await accountTokens(db, user.id);
  return json({
    tokens: tokens.map((t) => ({ ...t, created_at: t.created_at.toISOString(), expires_at: new Date(t.refreshed_at.getTime() + settings.ESI_TOKEN_VALID_DURATION * 1000).toISOString() })),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { db, settings } = getRuntime();
  const form = await request.formData();
  if (form.get("intent") !== "delete") badRequest();
  const id = formId(form.get("token"));
  // Only the owner may delete a token: someone else's id is simply not found.
  const token = await db.selectFrom("esi_tokens").selectAll().where("id", "=", id).where("user_id", "=", user.id).executeTakeFirst();
  if (!token) notFound();
  await revokeAndDeleteToken(db, settings, token, actorFor(user, context));
  return redirectWithFlash("/account/tokens", { level: "success", key: "tokens.deleted", params: { name: token.character_name } });
}

export default function Tokens() {
  const { t } = useTranslation();
  const { tokens } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("tokens.title")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("tokens.intro")}</p>
      <Table
        testId="token-table"
        rows={tokens}
        rowKey={(token) => token.id}
        empty={t("tokens.empty")}
        columns={[
          { id: "character", header: t("tokens.col.character"), cell: (token) => token.character_name, sortValue: (token) => token.character_name },
          { id: "scopes", header: t("tokens.col.scopes"), className: "font-mono text-xs", cell: (token) => token.scopes.join(" ") || t("common.none") },
          {
            id: "expires",
            header: t("tokens.col.expires"),
            className: "whitespace-nowrap",
            sortValue: (token) => token.expires_at,
            cell: (token) => (
              <>
                <DateTime iso={token.expires_at} /> {token.refreshable ? null : `(${t("tokens.notRefreshable")})`}
              </>
            ),
          },
          {
            id: "actions",
            header: t("tokens.col.actions"),
            cell: (token) => (
              <PostForm>
                <input type="hidden" name="token" value={token.id} />
                <button type="submit" name="intent" value="delete" className="btn-secondary py-1 text-xs">
                  {t("tokens.delete")}
                </button>
              </PostForm>
            ),
          },
        ]}
      />
    </div>
  );
}
