import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle } from "../../plugin-ui";
import { PostForm } from "~/components/forms";
import { Table } from "~/components/table";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { badInput, readChoice, readForm } from "~/web/input.server";
import { formId } from "~/web/params.server";
import { EsiError, EsiUnavailableError } from "../../plugin-api.server";
import { requestEsiToken } from "../../plugin-web.server";
import { addCorpStats, membershipTokens, visibleCorpStats } from "../corpstats.server";
import { Pilot } from "../cells";
import { ADD_CORPSTATS, MEMBERSHIP_SCOPE } from "../permissions";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "corputils.add");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ADD_CORPSTATS);
  const { db, settings } = getRuntime();
  return json({ tokens: await membershipTokens({ db, settings }, user.id), scope: MEMBERSHIP_SCOPE });
}

/**
 * `sso`: off to EVE SSO for a token with the membership scope (the plugin API's token round trip,
 * back here). `use`: the stats of the token's character's corporation, added and read once.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, ADD_CORPSTATS);
  const form = await readForm(request);
  const { db, settings } = getRuntime();
  const intent = readChoice(form, "intent", ["sso", "use"] as const);
  if (intent === "sso") return requestEsiToken(request, user.id, [MEMBERSHIP_SCOPE], "/corpstats/add");
  if (intent !== "use") return badInput("intent");
  const tokenId = formId(form.get("token"));
  let outcome;
  try {
    outcome = await addCorpStats({ db, settings }, user.id, tokenId, actorFor(user, context));
  } catch (error) {
    if (error instanceof EsiUnavailableError || (error instanceof EsiError && error.transient)) return json({ error: "corputils.errors.unavailable", token: tokenId }, { status: 503 });
    throw error;
  }
  if (!outcome) return badInput("token");
  if (outcome.kind === "exists") return json({ error: "corputils.errors.exists", token: tokenId }, { status: 409 });
  if (outcome.kind === "failed") return json({ error: "corputils.errors.failed", token: tokenId }, { status: 422 });
  const visible = (await visibleCorpStats(db, user)).some((s) => s.corporation_id === outcome.corporationId);
  return redirectWithFlash(visible ? `/corpstats/${outcome.corporationId}` : "/corpstats", { level: "success", key: "corputils.added" });
}

export default function AddCorpStats() {
  const { t } = useTranslation();
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("corputils.add")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("corputils.addHelp")}</p>
      {result?.error ? (
        <p className="field-error" role="alert" data-testid="corpstats-add-error">
          {t(result.error)}
        </p>
      ) : null}
      <Table
        testId="corpstats-tokens"
        rows={tokens}
        rowKey={(token) => token.id}
        rowTestId={(token) => `token-${token.character_id}`}
        empty={t("corputils.noTokens")}
        columns={[
          { id: "character", header: t("corputils.col.character"), cell: (token) => <Pilot id={token.character_id} name={token.character_name} /> },
          { id: "corporation", header: t("corputils.corporation"), cell: (token) => token.corporation_name ?? "" },
          {
            id: "use",
            header: "",
            cell: (token) => (
              <PostForm>
                <input type="hidden" name="token" value={token.id} />
                <button type="submit" name="intent" value="use" className="btn-primary py-1 text-xs" disabled={busy} data-testid={`use-token-${token.character_id}`}>
                  {t("corputils.useToken")}
                </button>
              </PostForm>
            ),
          },
        ]}
      />
      <PostForm>
        <button type="submit" name="intent" value="sso" className="btn-secondary" data-testid="corpstats-sso">
          {t("corputils.newToken")}
        </button>
      </PostForm>
    </div>
  );
}
