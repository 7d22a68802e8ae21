import { describe, expect, it } from "vitest";
import { formId, formIds, MAX_EVE_ID, MAX_ROW_ID, parseId, parsePage, pathId } from "~/web/params.server";

function statusOf(run: () => unknown): number {
  try {
    run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
  throw new Error("did not throw");
}

describe("id parsing", () => {
  it("accepts plain digits within the column's range", () => {
    expect(parseId("1")).toBe(1);
    expect(parseId("42")).toBe(42);
    expect(parseId(String(MAX_ROW_ID))).toBe(MAX_ROW_ID);
    expect(parseId("2147483648", MAX_EVE_ID)).toBe(2_147_483_648);
    expect(parseId(String(MAX_EVE_ID), MAX_EVE_ID)).toBe(MAX_EVE_ID);
  });

  it("refuses everything else", () => {
    for (const raw of ["", " 1", "1 ", "+1", "-1", "0", "01", "1e3", "0x10", "0b1", "1.0", "1.5", "１", "1\u0000", "Infinity", "NaN", "2147483648", "9".repeat(17)]) {
      expect(parseId(raw), JSON.stringify(raw)).toBeNull();
    }
    expect(parseId(String(MAX_EVE_ID + 1), MAX_EVE_ID)).toBeNull();
    expect(parseId(undefined)).toBeNull();
    expect(parseId(null)).toBeNull();
    expect(parseId(12)).toBeNull();
    expect(parseId(new File(["1"], "1"))).toBeNull();
  });

  it("is a 404 in a path and a 400 in a form", () => {
    expect(pathId("7")).toBe(7);
    expect(statusOf(() => pathId("1e3"))).toBe(404);
    expect(statusOf(() => pathId(undefined))).toBe(404);
    expect(formId("7")).toBe(7);
    expect(statusOf(() => formId("0x10"))).toBe(400);
    expect(statusOf(() => formId(null))).toBe(400);
  });

  it("reads a repeated form field, all or nothing", () => {
    const form = new FormData();
    expect(formIds(form, "states")).toEqual([]);
    form.append("states", "3");
    form.append("states", "5");
    expect(formIds(form, "states")).toEqual([3, 5]);
    form.append("states", " 6");
    expect(statusOf(() => formIds(form, "states"))).toBe(400);
  });

  it("reads a page number leniently: 1 unless valid, capped", () => {
    expect(parsePage(null)).toBe(1);
    expect(parsePage("0")).toBe(1);
    expect(parsePage("abc")).toBe(1);
    expect(parsePage("3")).toBe(3);
    expect(parsePage("999999", 100)).toBe(100);
  });
});
