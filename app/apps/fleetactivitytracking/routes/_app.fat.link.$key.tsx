import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime, LocalTime } from "~/components/eve-time";
import { redirectWithFlash } from "~/web/flash.server";
import { notFound } from "~/web/params.server";
import { actorFor, appContext, formId, readForm, readText, requestEsiToken, requireUser } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { characterPortraitUrl, EveImage, PostForm } from "../../plugin-ui";
import { clickLink, clickTokens, expiresAt, FatError, isOpen, linkByHash } from "../fat.server";
import { FAT_SCOPES } from "../permissions";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.clickTitle");

async function linkOf(key: string | undefined) {
  return (await linkByHash(appContext().db, key)) ?? notFound();
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const link = await linkOf(params.key);
  const ctx = appContext();
  const recorded = await ctx.db.selectFrom("fleetactivitytracking_fats as f").innerJoin("eve_characters as c", "c.id", "f.character_id").select("c.character_id").where("f.fatlink_id", "=", link.id).where("f.user_id", "=", user.id).execute();
  const done = new Set(recorded.map((r) => Number(r.character_id)));
  const tokens = await clickTokens(ctx, user.id);
  return json({
    link: { fleet: link.fleet, open: isOpen(link), expires: expiresAt(link).toISOString() },
    characters: tokens.map((tk) => ({ token: tk.id, character_id: tk.character_id, name: tk.character_name, recorded: done.has(Number(tk.character_id)) })),
    scopes: FAT_SCOPES,
  });
}

const STATUS: Record<string, number> = { "fleetactivitytracking.errors.already": 409, "fleetactivitytracking.errors.esi": 503, "fleetactivitytracking.errors.expired": 410 };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const link = await linkOf(params.key);
  const form = await readForm(request);
  const intent = readText(form, "intent");
  if (intent === "token") return requestEsiToken(request, user.id, FAT_SCOPES, `/fat/link/${link.hash}`);
  if (intent !== "click") throw json({ reason: "badInput", field: "intent" }, { status: 400 });
  const tokenId = formId(form.get("token"));
  try {
    const fat = await clickLink(appContext(), link, user.id, tokenId, actorFor(user, context));
    return redirectWithFlash("/fat", { level: "success", key: "fleetactivitytracking.recordedFlash", params: { character: fat.character, fleet: link.fleet } });
  } catch (error) {
    if (!(error instanceof FatError)) throw error;
    return json({ error: { key: error.key, params: error.params } }, { status: STATUS[error.key] ?? 400 });
  }
}

export default function ClickLink() {
  const { t } = useTranslation();
  const { link, characters, scopes } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.clickHeading", { fleet: link.fleet })}</h1>
      {data?.error ? (
        <p role="alert" className="card border-l-4 border-red-600 text-sm" data-testid="fat-click-error">
          {String(t(data.error.key, data.error.params))}
        </p>
      ) : null}
      {!link.open ? (
        <p className="card text-sm" data-testid="fat-link-expired">
          {t("fleetactivitytracking.errors.expired")}
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {t("fleetactivitytracking.clickHelp")} <EveTime at={link.expires} /> (<LocalTime at={link.expires} testId="fat-link-local" />)
          </p>
          <section className="card space-y-3">
            <h2 className="text-lg font-semibold">{t("fleetactivitytracking.chooseCharacter")}</h2>
            {characters.length ? (
              <ul className="space-y-2">
                {characters.map((c) => (
                  <li key={c.token} className="flex items-center gap-3">
                    <EveImage src={characterPortraitUrl(c.character_id, 32)} size={32} className="rounded" />
                    <span className="min-w-0 flex-1">{c.name}</span>
                    {c.recorded ? (
                      <span className="text-sm text-emerald-700 dark:text-emerald-400" data-testid="fat-recorded">
                        {t("fleetactivitytracking.alreadyShort")}
                      </span>
                    ) : null}
                    <PostForm>
                      <input type="hidden" name="token" value={c.token} />
                      <button type="submit" name="intent" value="click" className="btn-primary" disabled={busy} data-testid={`fat-click-${c.character_id}`}>
                        {t("fleetactivitytracking.recordWith", { character: c.name })}
                      </button>
                    </PostForm>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm">{t("fleetactivitytracking.noTokens")}</p>
            )}
            <PostForm className="space-y-1">
              <button type="submit" name="intent" value="token" className="btn-secondary" data-testid="fat-add-token">
                {t("fleetactivitytracking.addToken")}
              </button>
              <p className="text-xs text-slate-600 dark:text-slate-300">
                {t("fleetactivitytracking.scopesHelp")} <span className="font-mono">{scopes.join(" ")}</span>
              </p>
            </PostForm>
          </section>
        </>
      )}
    </div>
  );
}
