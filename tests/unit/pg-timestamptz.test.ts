/** timestamptz text as PostgreSQL sends it, parsed by our fast path and by pg's own parser alike. */
import { createRequire } from "node:module";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { parseTimestamptz } from "../../db/index.server";

describe("timestamptz parsing", () => {
  it("gives the same instant as pg's parser for what a session sends", () => {
    // pg's own parser for timestamptz (pg-types uses postgres-date), which ours falls back to.
    const postgresDate = createRequire(import.meta.url)("postgres-date") as (value: string) => Date | number | null;
    const values = [
      "2026-12-01 09:53:26.298+00",
      "2026-12-01 09:53:26.298123+00",
      "2026-12-01 09:53:26.1+00",
      "2026-12-01 09:53:26+00",
      "1970-01-01 00:00:00+00",
      "0050-03-01 12:00:00+00",
      "9999-12-31 23:59:59.999999+00",
      "2026-12-01 10:53:26.298+01",
      "2026-12-01 04:23:26.298-05:30",
      "2026-12-01 09:53:26+00 BC",
      "0044-03-15 12:00:00+00 BC",
      "infinity",
      "-infinity",
    ];
    for (const value of values) {
      const ours = parseTimestamptz(value);
      const theirs = postgresDate(value);
      expect(ours instanceof Date ? ours.getTime() : ours, value).toBe(theirs instanceof Date ? theirs.getTime() : theirs);
    }
  });

  it("reads what a UTC session sends as that instant, whatever the machine's time zone", () => {
    expect((parseTimestamptz("2026-12-01 09:53:26.298+00") as Date).getTime()).toBe(Date.UTC(2026, 11, 1, 9, 53, 26, 298));
    expect((parseTimestamptz("2026-12-01 09:53:26.298123+00") as Date).getTime()).toBe(Date.UTC(2026, 11, 1, 9, 53, 26, 298));
    expect((parseTimestamptz("2026-12-01 09:53:26+00") as Date).getTime()).toBe(Date.UTC(2026, 11, 1, 9, 53, 26));
    expect((parseTimestamptz("2026-12-01 10:53:26+01") as Date).getTime()).toBe(Date.UTC(2026, 11, 1, 9, 53, 26));
  });

  it("is the parser pg uses for timestamptz", () => {
    expect(pg.types.getTypeParser(1184)).toBe(parseTimestamptz);
  });
});
