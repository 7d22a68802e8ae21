import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { groupBy } from "~/modules/group-by";

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

describe("groupBy", () => {
  it("groups by key, keeping order, with an optional value mapper", () => {
    const rows = [
      { g: 1, u: 10 },
      { g: 2, u: 20 },
      { g: 1, u: 11 },
    ];
    expect([...groupBy(rows, (r) => r.g, (r) => r.u)]).toEqual([
      [1, [10, 11]],
      [2, [20]],
    ]);
    expect(groupBy(rows, (r) => r.g).get(2)).toEqual([{ g: 2, u: 20 }]);
    expect(groupBy([], (x: number) => x).size).toBe(0);
  });

  it("is linear: 200k items under one key (copying the list per item would be 2e10 element copies)", () => {
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    let keyCalls = 0;
    const grouped = groupBy(items, () => {
      keyCalls++;
      return "all";
    });
    expect(keyCalls).toBe(200_000);
    expect(grouped.get("all")).toHaveLength(200_000);
    expect(grouped.get("all")![199_999]).toBe(199_999);
  });

  it("no code under app/ or jobs/ groups by copying the list per item", () => {
    const quadratic = /\.set\([^;]*\[\s*\.\.\.\s*\(?\s*\w+\.get\(/;
    const offenders = [...sourceFiles("app"), ...sourceFiles("jobs")].filter((f) => quadratic.test(fs.readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
