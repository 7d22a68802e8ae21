import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { EmptyState } from "~/components/empty-state";
import { pageTitle } from "~/i18n/meta";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listOutbox, usesOutbox } from "~/modules/mail/mailer.server";
import { getRuntime } from "~/modules/runtime.server";
import { outboxReaderCookie, registrationCookie } from "~/web/cookies.server";
import { getCurrentUser } from "~/web/guards.server";
import { DateTime } from "~/components/date-time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "outbox.title");

/**
 * Development and demo mode only: the emails the site would have sent. Each visitor sees only the
 * mail sent for them (their session, or the registration cookies of this browser); superusers all.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, settings } = getRuntime();
  if (!usesOutbox(settings)) throw new Response("Not Found", { status: 404 });
  const user = await getCurrentUser(request, context);
  const cookies = request.headers.get("Cookie");
  const registered = [await registrationCookie(settings).parse(cookies), await outboxReaderCookie(settings).parse(cookies)];
  const userIds = [user?.id, ...registered].filter((id): id is number => typeof id === "number");
  const emails = await listOutbox(db, user?.is_superuser ? { all: true } : { userIds, emails: user?.email ? [user.email] : [] });
  return json({ emails: emails.map((e) => ({ id: e.id, to: e.to_address, subject: e.subject, text: e.text_body, created: e.created_at.toISOString() })) });
}

export default function Outbox() {
  const { t } = useTranslation();
  const { emails } = useLoaderData<typeof loader>();
  const linkify = (text: string) =>
    text.split(/(https?:\/\/\S+)/).map((part, i) =>
      /^https?:\/\//.test(part) ? (
        <a key={i} href={part} className="text-sky-700 underline dark:text-sky-400" data-testid="outbox-link">
          {part}
        </a>
      ) : (
        part
      ),
    );
  return (
    <main className="mx-auto max-w-3xl space-y-4 px-4 py-8">
      <h1 className="text-2xl font-semibold">{t("outbox.title")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("outbox.intro")}</p>
      {emails.length === 0 ? <EmptyState>{t("outbox.empty")}</EmptyState> : null}
      {emails.map((email) => (
        <article key={email.id} className="card" data-testid="outbox-email">
          <p className="text-xs text-slate-500 dark:text-slate-400">
            <DateTime iso={email.created} seconds /> · {t("outbox.to")} {email.to}
          </p>
          <h2 className="mt-1 font-semibold">{email.subject}</h2>
          <pre className="mt-2 whitespace-pre-wrap font-sans text-sm [overflow-wrap:anywhere]">{linkify(email.text)}</pre>
        </article>
      ))}
    </main>
  );
}
