/** The HR pages' shared pieces: an application's status, and the reviewers' list of applications. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime } from "~/components/eve-time";
import { Table } from "../plugin-ui";
import { statusOf } from "./permissions";

export interface ListedApplication {
  id: number;
  approved: boolean | null;
  created_at: string;
  corporation_name: string;
  username: string;
  main_character_name: string | null;
  reviewer_character_name: string | null;
  reviewer_username: string | null;
}

/** Who reviews it: their main character then, else their username (the original's `reviewer_str`). */
export function reviewerName(app: Pick<ListedApplication, "reviewer_character_name" | "reviewer_username">) {
  return app.reviewer_character_name ?? app.reviewer_username ?? null;
}

const TONES = { pending: "bg-amber-100 text-amber-900", approved: "bg-emerald-100 text-emerald-900", rejected: "bg-red-100 text-red-900" } as const;

export function StatusBadge({ app, showReviewer = false }: { app: Pick<ListedApplication, "id" | "approved" | "reviewer_character_name" | "reviewer_username">; showReviewer?: boolean }) {
  const { t } = useTranslation();
  const status = statusOf(app.approved);
  const reviewer = reviewerName(app);
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${TONES[status]}`} data-testid={`hr-status-${app.id}`}>
      {status === "pending" && showReviewer && reviewer ? t("hrapplications.reviewerIs", { reviewer }) : t(`hrapplications.status.${status}`)}
    </span>
  );
}

/** Applications as reviewers see them, each linking to its review page. */
export function ApplicationsTable({ rows, testId, empty }: { rows: ListedApplication[]; testId: string; empty: string }) {
  const { t } = useTranslation();
  return (
    <Table
      testId={testId}
      rows={rows}
      rowKey={(a) => a.id}
      rowTestId={(a) => `hr-app-${a.id}`}
      empty={empty}
      columns={[
        { id: "date", header: t("hrapplications.field.date"), cell: (a) => <EveTime at={a.created_at} /> },
        { id: "username", header: t("hrapplications.field.username"), cell: (a) => a.username },
        {
          id: "main",
          header: t("hrapplications.field.mainCharacter"),
          cell: (a) => (
            <Link to={`/hr/view/${a.id}`} className="text-sky-700 hover:underline dark:text-sky-400" data-testid={`hr-view-${a.id}`}>
              {a.main_character_name ?? a.username}
            </Link>
          ),
        },
        { id: "corporation", header: t("hrapplications.field.corporation"), cell: (a) => a.corporation_name },
        { id: "status", header: t("hrapplications.field.status"), cell: (a) => <StatusBadge app={a} showReviewer /> },
      ]}
    />
  );
}

/** The answers of an application, in the form's order, each under its question. */
export function Answers({ responses }: { responses: { id: number; title: string; answer: string }[] }) {
  return (
    <div className="space-y-3" data-testid="hr-answers">
      {responses.map((r) => (
        <section key={r.id} className="card">
          <h3 className="font-semibold">{r.title}</h3>
          <p className="whitespace-pre-line text-sm">{r.answer}</p>
        </section>
      ))}
    </div>
  );
}

/** The reviewers' search (by character, corporation, alliance or user name); a GET form, so it works without JavaScript. */
export function SearchBox({ value = "" }: { value?: string }) {
  const { t } = useTranslation();
  return (
    <form method="get" action="/hr/search" className="flex items-end gap-2" role="search">
      <div>
        <label htmlFor="hr-search" className="label">
          {t("hrapplications.searchLabel")}
        </label>
        <input id="hr-search" name="q" defaultValue={value} maxLength={254} className="input" data-testid="hr-search" />
      </div>
      <button type="submit" className="btn-secondary" data-testid="hr-search-submit">
        {t("hrapplications.search")}
      </button>
    </form>
  );
}
