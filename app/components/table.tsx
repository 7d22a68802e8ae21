/**
 * The one table of the member-facing list pages: columns declared once, an empty state, sortable
 * headers (`?sort=<column>&dir=asc|desc`, the same parameters as the admin lists) and paging
 * (`?page=N`). Sorting reorders the rows the page has loaded, so it suits lists the loader returns
 * whole; a paged list sorts on the server instead and marks its columns `serverSort`.
 */
import { EmptyRow } from "./empty-state";
import { Link, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

export interface Column<Row> {
  /** Unique in the table; also the value of `?sort=` for a sortable column. */
  id: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** Extra classes for the body cells ("whitespace-nowrap", "font-mono", …), or per row. */
  className?: string | ((row: Row) => string);
  cellTestId?: (row: Row) => string;
  /** Makes the header a sort link; rows sort by this value (empty values last). */
  sortValue?: (row: Row) => string | number | boolean | null | undefined;
  /** Makes the header a sort link but keeps the rows as given: a paged list the server sorts by `?sort=`. */
  serverSort?: boolean;
}

/** A trailing column with one link per row (an "Edit" link), only for those who may use it. */
export function linkColumn<Row extends { id: number }>(show: boolean, label: string, href: (row: Row) => string, testId: (row: Row) => string): Column<Row>[] {
  if (!show) return [];
  return [
    {
      id: "actions",
      header: "",
      cell: (r) => (
        <Link to={href(r)} className="text-sky-700 hover:underline dark:text-sky-400" data-testid={testId(r)}>
          {label}
        </Link>
      ),
    },
  ];
}

export interface Paging {
  page: number;
  hasMore: boolean;
  /** With both, the pager shows "from–to of total". */
  total?: number;
  pageSize?: number;
}

interface TableProps<Row> {
  testId: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  rowTestId?: (row: Row) => string;
  /** Shown in place of the rows when there are none. */
  empty: ReactNode;
  /** Tighter rows, for small tables inside cards. */
  dense?: boolean;
  paging?: Paging;
}

type Direction = "asc" | "desc";

const blank = (v: unknown) => v === null || v === undefined || v === "";

function compareValues(collator: Intl.Collator, a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** The rows in the order the URL asks for (unchanged when it names no sortable column); blanks last. */
export function sortRows<Row>(rows: readonly Row[], column: Column<Row> | undefined, dir: Direction, locale: string): readonly Row[] {
  const value = column?.sortValue;
  if (!value) return rows;
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
  const sign = dir === "desc" ? -1 : 1;
  return [...rows].sort((a, b) => {
    const [va, vb] = [value(a), value(b)];
    if (blank(va) || blank(vb)) return Number(blank(va)) - Number(blank(vb));
    return sign * compareValues(collator, va, vb);
  });
}

function withParams(params: URLSearchParams, changes: Record<string, string | null>) {
  const next = new URLSearchParams(params);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) next.delete(name);
    else next.set(name, value);
  }
  const query = next.toString();
  return query ? `?${query}` : "?";
}

export function Table<Row>({ testId, columns, rows, rowKey, rowTestId, empty, dense, paging }: TableProps<Row>) {
  const { i18n } = useTranslation();
  const [params] = useSearchParams();
  const sortId = params.get("sort");
  const dir: Direction = params.get("dir") === "desc" ? "desc" : "asc";
  const sortColumn = columns.find((c) => c.id === sortId && (c.sortValue || c.serverSort));
  const shown = sortRows(rows, sortColumn, dir, i18n.language);
  const pad = dense ? "px-2 py-1" : "px-2 py-2";
  const align = (c: Column<Row>) => (c.numeric ? "text-right tabular-nums" : "");
  return (
    <div className="space-y-3">
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid={testId}>
          <thead className="border-b border-slate-300 text-xs uppercase text-slate-500 dark:text-slate-400 dark:border-slate-600">
            <tr>
              {columns.map((c) => {
                const active = sortColumn?.id === c.id;
                return (
                  <th key={c.id} scope="col" className={`${pad} ${c.numeric ? "text-right" : ""}`} aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}>
                    {c.sortValue || c.serverSort ? (
                      <Link to={withParams(params, { sort: c.id, dir: active && dir === "asc" ? "desc" : "asc", page: null })} preventScrollReset className="hover:underline" data-testid={`sort-${c.id}`}>
                        {c.header}
                        {active ? (dir === "asc" ? " ▲" : " ▼") : ""}
                      </Link>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <EmptyRow colSpan={columns.length} testId={`${testId}-empty`}>
                {empty}
              </EmptyRow>
            ) : (
              shown.map((row) => (
                <tr key={rowKey(row)} className="border-b border-slate-200 align-top dark:border-slate-700" data-testid={rowTestId?.(row)}>
                  {columns.map((c) => (
                    <td key={c.id} className={`${pad} ${align(c)} ${typeof c.className === "function" ? c.className(row) : (c.className ?? "")}`} data-testid={c.cellTestId?.(row)}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {paging ? <Pager {...paging} /> : null}
    </div>
  );
}

/** Previous/next links that keep the rest of the query; shown only when there is another page. */
export function Pager({ page, hasMore, total, pageSize, labels }: Paging & { labels?: { previous: string; next: string } }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  if (page <= 1 && !hasMore) return null;
  const range = total !== undefined && pageSize ? { from: (page - 1) * pageSize + 1, to: Math.min(total, page * pageSize), total } : null;
  const link = "text-sky-700 hover:underline dark:text-sky-400";
  return (
    <nav className="flex items-center gap-4 text-sm" aria-label={t("table.pager.label")}>
      {range ? <span className="text-slate-500 dark:text-slate-400">{t("table.pager.range", range)}</span> : null}
      {page > 1 ? (
        <Link to={withParams(params, { page: page === 2 ? null : String(page - 1) })} className={link} data-testid="page-previous">
          {labels?.previous ?? t("table.pager.previous")}
        </Link>
      ) : null}
      {hasMore ? (
        <Link to={withParams(params, { page: String(page + 1) })} className={link} data-testid="page-next">
          {labels?.next ?? t("table.pager.next")}
        </Link>
      ) : null}
    </nav>
  );
}
