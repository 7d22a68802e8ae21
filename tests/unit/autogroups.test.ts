import { describe, expect, it } from "vitest";
import { groupName, type NamingConfig } from "~/apps/autogroups/naming";

const base: NamingConfig = { corp_group_prefix: "Corp ", corp_name_source: "name", alliance_group_prefix: "Alliance ", alliance_name_source: "name", replace_spaces: false, replace_spaces_with: "" };
const corp = { name: "Test Corp", ticker: "TST" };

describe("auto-group names (behaviour reference §3.8)", () => {
  it("is the prefix plus the full name or the ticker, per kind", () => {
    expect(groupName(base, "corp", corp)).toBe("Corp Test Corp");
    expect(groupName({ ...base, corp_name_source: "ticker" }, "corp", corp)).toBe("Corp TST");
    expect(groupName({ ...base, corp_name_source: "ticker" }, "alliance", { name: "Big Alliance", ticker: "BIG" })).toBe("Alliance Big Alliance");
    expect(groupName({ ...base, alliance_group_prefix: "" }, "alliance", { name: "Big Alliance", ticker: "BIG" })).toBe("Big Alliance");
  });
  it("replaces spaces after trimming the whole name, possibly with nothing", () => {
    expect(groupName({ ...base, replace_spaces: true, replace_spaces_with: "_" }, "corp", corp)).toBe("Corp_Test_Corp");
    expect(groupName({ ...base, replace_spaces: true, replace_spaces_with: "" }, "corp", corp)).toBe("CorpTestCorp");
    expect(groupName({ ...base, corp_group_prefix: " ", replace_spaces: true, replace_spaces_with: "-" }, "corp", { name: "A B ", ticker: "" })).toBe("A-B");
    // Without replace_spaces the name is left as it is.
    expect(groupName({ ...base, corp_group_prefix: " " }, "corp", { name: "A B ", ticker: "" })).toBe(" A B ");
  });
});
