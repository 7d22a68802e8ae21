import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Icon } from "~/components/icon";
import { pageTitle } from "~/i18n/meta";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CharacterSummary } from "~/components/eve";
import { PostForm } from "~/components/forms";
import { actorFor, requireUser } from "~/web/guards.server";
import { accountCharacters, removeCharacter } from "~/modules/eve/account.server";
import { startSso } from "~/modules/eve/sso-flow.server";
import { badRequest, formId, MAX_EVE_ID, notFound } from "~/web/params.server";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "characters.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return json({ characters: await accountCharacters(getRuntime().db, user.id) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { db, settings } = getRuntime();
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "add") return startSso(db, settings, request, { purpose: "add_character", next: "/account/characters", userId: user.id });
  if (intent === "main") return startSso(db, settings, request, { purpose: "change_main", next: "/account/characters", userId: user.id });
  if (intent === "remove") {
    const characterId = formId(form.get("character"), MAX_EVE_ID);
    const outcome = await removeCharacter(db, user.id, characterId, actorFor(user, context));
    if (outcome === "not-owned") notFound();
    const flash = outcome === "removed" ? { level: "success" as const, key: "characters.removed" } : { level: "danger" as const, key: "characters.cannotRemoveMain" };
    return redirectWithFlash("/account/characters", flash);
  }
  badRequest();
}

export default function Characters() {
  const { t } = useTranslation();
  const { characters } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("characters.title")}</h1>
        <div className="flex gap-2">
          <PostForm reloadDocument>
            <button type="submit" name="intent" value="add" className="btn-primary" data-testid="add-character">
              <Icon name="plus" />
              {t("characters.add")}
            </button>
          </PostForm>
          <PostForm reloadDocument>
            <button type="submit" name="intent" value="main" className="btn-secondary" data-testid="change-main">
              {t("characters.changeMain")}
            </button>
          </PostForm>
        </div>
      </div>
      <ul className="grid gap-4 md:grid-cols-2" data-testid="character-list">
        {characters.map((c) => (
          <li key={c.character_id} className="card flex items-start justify-between gap-3" data-testid={`character-${c.character_id}`}>
            <CharacterSummary character={c} />
            <div className="flex flex-col items-end gap-2">
              {c.isMain ? (
                <span className="rounded bg-sky-100 px-2 py-1 text-xs font-semibold text-sky-800 dark:bg-sky-900 dark:text-sky-100" data-testid="main-badge">
                  {t("characters.main")}
                </span>
              ) : (
                <PostForm>
                  <input type="hidden" name="character" value={c.character_id} />
                  <button type="submit" name="intent" value="remove" className="btn-secondary py-1 text-xs" data-testid={`remove-${c.character_id}`}>
                    {t("characters.remove")}
                  </button>
                </PostForm>
              )}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
