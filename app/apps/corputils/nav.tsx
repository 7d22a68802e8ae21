/** The corp stats bar: every corporation the viewer may see, the add button, the search box; and the list filter form. */
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { corporationLogoUrl, EveImage } from "../plugin-ui";
import { PAGE_SIZES } from "./permissions";

export interface NavCorp {
  corporation_id: number;
  corporation_name: string;
  corporation_ticker: string;
}

export function CorpStatsNav({ available, current, canAdd, search }: { available: NavCorp[]; current: number | null; canAdd: boolean; search: string }) {
  const { t } = useTranslation();
  return (
    <div className="card flex flex-wrap items-center gap-3">
      <nav aria-label={t("corputils.corporations")} className="flex flex-wrap gap-2" data-testid="corpstats-available">
        {available.length === 0 ? <span className="text-sm text-slate-500 dark:text-slate-400">{t("corputils.noneAvailable")}</span> : null}
        {available.map((c) => (
          <Link
            key={c.corporation_id}
            to={`/corpstats/${c.corporation_id}`}
            aria-current={c.corporation_id === current ? "page" : undefined}
            className={`flex items-center gap-1 rounded px-2 py-1 text-sm ${c.corporation_id === current ? "bg-sky-100 font-semibold dark:bg-sky-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
            data-testid={`corpstats-corp-${c.corporation_id}`}
          >
            <EveImage src={corporationLogoUrl(c.corporation_id, 32)} size={20} className="rounded-sm" />
            {c.corporation_name} [{c.corporation_ticker}]
          </Link>
        ))}
      </nav>
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {canAdd ? (
          <Link to="/corpstats/add" className="btn-primary" data-testid="corpstats-add">
            {t("corputils.add")}
          </Link>
        ) : null}
        <Form method="get" action="/corpstats/search" className="flex gap-2" role="search">
          <label className="sr-only" htmlFor="corpstats-search">
            {t("corputils.searchAll")}
          </label>
          <input id="corpstats-search" name="q" type="search" defaultValue={search} placeholder={t("corputils.searchAll")} className="input" maxLength={100} data-testid="corpstats-search" />
          <button type="submit" className="btn-secondary">
            {t("corputils.search")}
          </button>
        </Form>
      </div>
    </div>
  );
}

/** A list's filter: the text to match and how many rows a page shows (a GET form, so it works without JavaScript). */
export function ListFilter({ q, size, keep }: { q: string; size: number; keep: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <Form method="get" className="flex flex-wrap items-end gap-2" data-testid="corpstats-filter">
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label className="text-sm">
        <span className="block text-slate-600 dark:text-slate-300">{t("corputils.filter")}</span>
        <input name="q" type="search" defaultValue={q} className="input" maxLength={100} data-testid="corpstats-filter-q" />
      </label>
      <label className="text-sm">
        <span className="block text-slate-600 dark:text-slate-300">{t("corputils.pageSize")}</span>
        <select name="size" defaultValue={String(size)} className="input">
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn-secondary" data-testid="corpstats-filter-submit">
        {t("corputils.apply")}
      </button>
    </Form>
  );
}
