import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { actorFor, requireUser } from "~/web/guards.server";
import { accountTokens } from "~/modules/eve/account.server";
import { revokeAndDeleteToken } from "~/modules/eve/tokens.server";
import { getRuntime } from "~/modules/runtime.server";
import { flashHeader } from "~/web/flash.server";

export const meta: MetaFunction = () => [{ title: "Tokens" }];

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
  const id = Number(form.get("token"));
  if (form.get("intent") !== "delete" || !Number.isSafeInteger(id)) throw json({ reason: "badRequest" }, { status: 400 });
  // Only the owner may delete a token: someone else's id is simply not found.
  const token = await db.selectFrom("esi_tokens").selectAll().where("id", "=", id).where("user_id", "=", user.id).executeTakeFirst();
  if (!token) throw new Response("Not Found", { status: 404 });
  await revokeAndDeleteToken(db, settings, token, actorFor(user, context));
  return redirect("/account/tokens", { headers: { "Set-Cookie": await flashHeader({ level: "success", key: "tokens.deleted", params: { name: token.character_name } }) } });
}

export default function Tokens() {
  const { t } = useTranslation();
  const { tokens } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("tokens.title")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("tokens.intro")}</p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid="token-table">
          <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:border-slate-600">
            <tr>
              <th className="px-2 py-2">{t("tokens.col.character")}</th>
              <th className="px-2 py-2">{t("tokens.col.scopes")}</th>
              <th className="px-2 py-2">{t("tokens.col.expires")}</th>
              <th className="px-2 py-2">{t("tokens.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-2 py-4 text-slate-500">
                  {t("tokens.empty")}
                </td>
              </tr>
            ) : (
              tokens.map((token) => (
                <tr key={token.id} className="border-b border-slate-200 align-top dark:border-slate-700">
                  <td className="px-2 py-2">{token.character_name}</td>
                  <td className="px-2 py-2 font-mono text-xs">{token.scopes.join(" ") || t("common.none")}</td>
                  <td className="whitespace-nowrap px-2 py-2">
                    {token.expires_at.replace("T", " ").slice(0, 16)} {token.refreshable ? "" : `(${t("tokens.notRefreshable")})`}
                  </td>
                  <td className="px-2 py-2">
                    <PostForm>
                      <input type="hidden" name="token" value={token.id} />
                      <button type="submit" name="intent" value="delete" className="btn-secondary py-1 text-xs">
                        {t("tokens.delete")}
                      </button>
                    </PostForm>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
