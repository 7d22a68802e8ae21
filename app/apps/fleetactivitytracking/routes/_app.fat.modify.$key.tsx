import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime } from "~/components/eve-time";
import { redirectWithFlash } from "~/web/flash.server";
import { notFound } from "~/web/params.server";
import { actorFor, appContext, formId, readForm, readText, requirePermission } from "../../plugin-web.server";
import { pageTitle } from "~/i18n/meta";
import { PostForm, Table } from "../../plugin-ui";
import { deleteLink } from "../admin.server";
import { expiresAt, isOpen, linkByHash, linkFats, removeFat, updateLink, validateLink } from "../fat.server";
import { LinkForm } from "../link-form";
import { FAT_MANAGE } from "../permissions";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "fleetactivitytracking.editLink");

async function linkOf(key: string | undefined) {
  return (await linkByHash(appContext().db, key)) ?? notFound();
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, FAT_MANAGE);
  const link = await linkOf(params.key);
  const { db, settings } = appContext();
  return json({
    link: { fleet: link.fleet, hash: link.hash, created: link.fatdatetime.toISOString(), expires: expiresAt(link).toISOString(), open: isOpen(link), creator: link.creator_name },
    url: `${settings.SITE_URL.replace(/\/+$/, "")}/fat/link/${link.hash}`,
    values: { fleet: link.fleet, duration: String(link.duration) },
    fats: await linkFats(db, link.id),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, FAT_MANAGE);
  const link = await linkOf(params.key);
  const { db } = appContext();
  const form = await readForm(request);
  const intent = readText(form, "intent");
  const actor = actorFor(user, context);
  const flash = (key: string, to = `/fat/modify/${link.hash}`) => redirectWithFlash(to, { level: "success", key, params: { fleet: link.fleet } });
  if (intent === "delete") {
    await deleteLink(db, link, actor);
    return flash("fleetactivitytracking.linkDeleted", "/fat");
  }
  if (intent === "remove") {
    if (!(await removeFat(db, link.id, formId(form.get("fat")), actor))) notFound();
    return flash("fleetactivitytracking.fatRemoved");
  }
  if (intent !== "save") throw json({ reason: "badInput", field: "intent" }, { status: 400 });
  const values = { fleet: readText(form, "fleet", { max: 1000 }), duration: readText(form, "duration", { max: 20 }) };
  const { input, errors } = validateLink(values);
  if (!input) return json({ values, errors }, { status: 400 });
  await updateLink(db, link, input, actor);
  return flash("fleetactivitytracking.linkSaved");
}

export default function ModifyLink() {
  const { t } = useTranslation();
  const { link, url, values, fats } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("fleetactivitytracking.editLinkOf", { fleet: link.fleet })}</h1>
      <dl className="card grid grid-cols-[auto,1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-medium">{t("fleetactivitytracking.link")}</dt>
        <dd>
          <code className="break-all" data-testid="fat-link-full">
            {url}
          </code>
        </dd>
        <dt className="font-medium">{t("fleetactivitytracking.creator")}</dt>
        <dd>{link.creator}</dd>
        <dt className="font-medium">{t("fleetactivitytracking.created")}</dt>
        <dd>
          <EveTime at={link.created} />
        </dd>
        <dt className="font-medium">{t("fleetactivitytracking.expires")}</dt>
        <dd data-testid="fat-link-state">
          <EveTime at={link.expires} /> {link.open ? t("fleetactivitytracking.open") : t("fleetactivitytracking.expired")}
        </dd>
      </dl>
      <LinkForm values={data?.values ?? values} errors={data?.errors ?? {}} submitLabel={t("fleetactivitytracking.save")} />
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("fleetactivitytracking.registered", { count: fats.length })}</h2>
        <Table
          testId="fat-registered"
          rows={fats}
          rowKey={(f) => f.id}
          rowTestId={() => "fat-registered-row"}
          empty={t("fleetactivitytracking.noFats")}
          columns={[
            { id: "character", header: t("fleetactivitytracking.character"), cell: (f) => f.character_name },
            { id: "corporation", header: t("fleetactivitytracking.corporation"), cell: (f) => f.corporation_name },
            { id: "system", header: t("fleetactivitytracking.system"), cell: (f) => f.system },
            { id: "station", header: t("fleetactivitytracking.station"), cell: (f) => f.station },
            { id: "ship", header: t("fleetactivitytracking.ship"), cell: (f) => f.shiptype },
            {
              id: "remove",
              header: t("fleetactivitytracking.actions"),
              cell: (f) => (
                <PostForm>
                  <input type="hidden" name="fat" value={f.id} />
                  <button type="submit" name="intent" value="remove" className="btn-secondary" data-testid="fat-remove" aria-label={t("fleetactivitytracking.removeFatOf", { character: f.character_name })}>
                    {t("fleetactivitytracking.remove")}
                  </button>
                </PostForm>
              ),
            },
          ]}
        />
      </section>
      <PostForm className="card space-y-2">
        <p className="text-sm">{t("fleetactivitytracking.deleteHelp")}</p>
        <button type="submit" name="intent" value="delete" className="btn-secondary" data-testid="fat-link-delete">
          {t("fleetactivitytracking.deleteLink")}
        </button>
      </PostForm>
    </div>
  );
}
