import {
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PostForm } from "~/components/forms";
import { requireUser } from "~/web/guards.server";
import { utc } from "~/components/groups";
import { EmptyRow } from "~/components/empty-state";
import {
  rowClass,
  tableClass,
  theadClass,
} from "~/components/service-table";
import { getRuntime } from "~/modules/runtime.server";
import { servicesForUser } from "~/modules/services/page.server";
import { takeCredentials } from "~/modules/services/passwords.server";
import { ServiceCredentials } from "~/components/service-credentials";
import { connectorById } from "~/connectors/registry.server";
import { pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "services.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db, settings } = getRuntime();
  const rows = await servicesForUser(db, settings, user);
  const canLinkDiscord =
    user.is_superuser &&
    Boolean(connectorById("discord")?.isConfigured(settings));
  // A generated password is shown once: read and cleared here, never cached.
  const credentials = await takeCredentials(db, settings, user.id);
  return json(
    { rows, canLinkDiscord, credentials },
    credentials.length
      ? { headers: { "Cache-Control": "no-store" } }
      : undefined
  );
}

export default function Services() {
  const { t } = useTranslation();
  const { rows, canLinkDiscord, credentials } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("services.title")}</h1>
        {canLinkDiscord ? (
          <a
            href="/services/discord/add-bot"
            className="btn-secondary"
            data-testid="discord-add-bot"
          >
            {t("services.linkDiscordServer")}
          </a>
        ) : null}
      </div>
      {credentials.map((c) => (
        <ServiceCredentials key={c.service} {...c} />
      ))}
      <div className="overflow-x-auto">
        <table className={tableClass} data-testid="services-table">
          <thead className={theadClass}>
            <tr>
              <th className="px-2 py-2">{t("services.col.service")}</th>
              <th className="px-2 py-2">{t("services.col.username")}</th>
              <th className="px-2 py-2">{t("services.col.url")}</th>
              <th className="px-2 py-2">{t("services.col.status")}</th>
              <th className="px-2 py-2">{t("services.col.lastSync")}</th>
              <th className="px-2 py-2">{t("services.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <EmptyRow colSpan={6}>{t("services.empty")}</EmptyRow>
            ) : (
              rows.map((row) => (
                <tr
                  key={row.id}
                  className={rowClass}
                  data-testid={`service-row-${row.id}`}
                  data-status={row.status}
                >
                  <td className="px-2 py-2 font-medium">{row.title}</td>
                  <td
                    className="px-2 py-2"
                    data-testid={`service-username-${row.id}`}
                  >
                    {row.username ?? "—"}
                    {row.pending ? (
                      <div className="mt-1 space-y-1 text-xs" data-testid={`service-pending-${row.id}`}>
                        <div>
                          {t("services.privilegeKey")} <code className="break-all" data-testid={`service-key-${row.id}`}>{row.pending.secret}</code>
                        </div>
                        {row.pending.link ? (
                          <a href={row.pending.link} className="btn-primary inline-block" data-testid={`service-join-${row.id}`}>
                            {t("services.joinWithKey")}
                          </a>
                        ) : null}
                        <div className="text-slate-500 dark:text-slate-400">{t("services.keyHelp")}</div>
                      </div>
                    ) : null}
                    {row.remoteGroups ? (
                      <div
                        className="text-xs text-slate-500 dark:text-slate-400"
                        data-testid={`service-groups-${row.id}`}
                      >
                        {t("services.remoteGroups", {
                          groups: row.remoteGroups.join(", ") || "—",
                        })}
                      </div>
                    ) : null}
                    {row.details.map((d) => (
                      <div
                        key={d.key}
                        className="text-xs text-slate-500 dark:text-slate-400"
                        data-testid={`service-detail-${row.id}`}
                      >
                        {t(
                          d.key,
                          d.params.at
                            ? { ...d.params, at: utc(d.params.at) }
                            : d.params
                        )}
                      </div>
                    ))}
                  </td>
                  <td className="px-2 py-2">
                    {row.url ? (
                      <a
                        href={row.url}
                        className="text-sky-700 hover:underline dark:text-sky-400"
                        rel="noreferrer noopener"
                        target="_blank"
                      >
                        {row.url}
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-2 py-2">
                    {t(`services.status.${row.status}`)}
                    {row.removalDueAt ? (
                      <div className="text-xs text-amber-700 dark:text-amber-400">
                        {t("services.removalDue", {
                          at: utc(row.removalDueAt),
                        })}
                      </div>
                    ) : null}
                    {row.lastError ? (
                      <div className="text-xs text-red-700 dark:text-red-400">
                        {t("services.lastError", { error: row.lastError })}
                      </div>
                    ) : null}
                  </td>
                  <td className="px-2 py-2">
                    {row.lastSyncAt ? (
                      <time dateTime={row.lastSyncAt}>
                        {utc(row.lastSyncAt)}
                      </time>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-2 py-2">
                    <div className="flex flex-wrap gap-2">
                      {row.actions.map((action) =>
                        action === "set_password" ? (
                          <a
                            key={action}
                            href={`/services/${row.id}/set_password`}
                            className="btn-secondary"
                            data-testid={`service-${row.id}-${action}`}
                          >
                            {t(`services.action.${action}`)}
                          </a>
                        ) : (
                          <PostForm
                            key={action}
                            action={`/services/${row.id}/${action}`}
                            reloadDocument={
                              action === "activate" ||
                              action === "reset" ||
                              action === "reset_password"
                            }
                          >
                            <button
                              type="submit"
                              className={
                                action === "deactivate"
                                  ? "btn-secondary"
                                  : "btn-primary"
                              }
                              data-testid={`service-${row.id}-${action}`}
                            >
                              {t(`services.action.${action}`)}
                            </button>
                          </PostForm>
                        )
                      )}
                    </div>
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
