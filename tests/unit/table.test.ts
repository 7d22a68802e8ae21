import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { type Column, Pager, sortRows, Table } from "~/components/table";

interface Row {
  id: number;
  name: string;
  members: number;
  corp: string | null;
}

const rows: Row[] = [
  { id: 1, name: "beta", members: 10, corp: null },
  { id: 2, name: "Alpha", members: 2, corp: "Zeta" },
  { id: 3, name: "gamma", members: 100, corp: "Eta" },
];

const columns: Column<Row>[] = [
  { id: "name", header: "Name", cell: (r) => r.name, sortValue: (r) => r.name },
  { id: "members", header: "Members", numeric: true, cell: (r) => r.members, sortValue: (r) => r.members, cellTestId: (r) => `members-${r.id}` },
  { id: "corp", header: "Corp", cell: (r) => r.corp ?? "", sortValue: (r) => r.corp },
  { id: "actions", header: "Actions", cell: () => "x" },
];

function render(url: string, element: ReactElement) {
  return renderToStaticMarkup(createElement(StaticRouter, { location: url }, element));
}

const ids = (list: readonly Row[]) => list.map((r) => r.id);

describe("Table", () => {
  it("sorts text case-insensitively, numbers numerically, blanks last in both directions", () => {
    expect(ids(sortRows(rows, columns[0], "asc", "en"))).toEqual([2, 1, 3]);
    expect(ids(sortRows(rows, columns[0], "desc", "en"))).toEqual([3, 1, 2]);
    expect(ids(sortRows(rows, columns[1], "asc", "en"))).toEqual([2, 1, 3]);
    expect(ids(sortRows(rows, columns[2], "asc", "en"))).toEqual([3, 2, 1]);
    expect(ids(sortRows(rows, columns[2], "desc", "en"))).toEqual([2, 3, 1]);
    expect(ids(sortRows(rows, columns[3], "asc", "en"))).toEqual([1, 2, 3]);
    expect(ids(sortRows(rows, undefined, "asc", "en"))).toEqual([1, 2, 3]);
  });

  it("renders the order and the sort links the URL asks for, keeping other parameters", () => {
    const html = render("/list?q=x&sort=members&dir=desc&page=3", createElement(Table<Row>, { testId: "t", columns, rows, rowKey: (r) => r.id, empty: "Nothing" }));
    expect(html.indexOf("gamma")).toBeLessThan(html.indexOf("beta"));
    expect(html.indexOf("beta")).toBeLessThan(html.indexOf("Alpha"));
    expect(html).toContain('aria-sort="descending"');
    // The active column flips direction; another column starts ascending; both go back to page 1.
    expect(html).toContain('href="/list?q=x&amp;sort=members&amp;dir=asc"');
    expect(html).toContain('href="/list?q=x&amp;sort=name&amp;dir=asc"');
    expect(html).not.toContain("sort-actions");
    expect(html).toContain('data-testid="members-3"');
  });

  it("a server-sorted column links its header but keeps the rows in the order given", () => {
    const serverSorted: Column<Row>[] = [{ id: "name", header: "Name", cell: (r) => r.name, serverSort: true }];
    const html = render("/list?sort=name&dir=desc&page=2", createElement(Table<Row>, { testId: "t", columns: serverSorted, rows, rowKey: (r) => r.id, empty: "Nothing" }));
    expect(html.indexOf("beta")).toBeLessThan(html.indexOf("Alpha"));
    expect(html.indexOf("Alpha")).toBeLessThan(html.indexOf("gamma"));
    expect(html).toContain('aria-sort="descending"');
    expect(html).toContain('href="/list?sort=name&amp;dir=asc"');
  });

  it("shows the empty state across every column", () => {
    const html = render("/list", createElement(Table<Row>, { testId: "t", columns, rows: [], rowKey: (r) => r.id, empty: "Nothing here" }));
    // The one empty state of every list (app/components/empty-state.tsx): an icon and the sentence.
    expect(html).toMatch(/<td colSpan="4" data-testid="t-empty"><div class="sticky left-0[^"]*"><div class="[^"]*text-center[^"]*"><svg [^>]*data-icon="inbox"[^>]*>.*<\/svg><div>Nothing here<\/div><\/div><\/div><\/td>/);
  });

  it("pages with previous and next links that keep the query, only when there is another page", () => {
    expect(render("/list?tab=read", createElement(Pager, { page: 1, hasMore: false }))).toBe("");
    const middle = render("/list?tab=read&page=2", createElement(Pager, { page: 2, hasMore: true, total: 450, pageSize: 200 }));
    expect(middle).toContain('href="/list?tab=read"');
    expect(middle).toContain('href="/list?tab=read&amp;page=3"');
    expect(middle).toContain("table.pager.range");
    const last = render("/list?page=3", createElement(Pager, { page: 3, hasMore: false, labels: { previous: "Newer", next: "Older" } }));
    expect(last).toContain('href="/list?page=2"');
    expect(last).toContain(">Newer<");
    expect(last).not.toContain("Older");
  });
});
