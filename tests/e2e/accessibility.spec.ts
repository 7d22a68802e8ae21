/**
 * axe-core on the main pages, in the light and the dark theme: no serious or critical violation
 * (issue 12, item 15). The first-run superuser sees every page (apps included) without registering a
 * demo pilot, so this needs only the first-run setup.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { passwordLogin } from "./session";

const PAGES = [
  "/dashboard",
  "/account/characters",
  "/account/tokens",
  "/groups",
  "/services",
  "/notifications",
  "/audit",
  "/admin",
  "/admin/users",
  "/admin/groups",
  "/admin/groups/new",
  "/admin/states",
  "/timers",
  "/srp",
];

async function violations(page: Page, path: string) {
  const started = Date.now();
  await page.goto(path, { waitUntil: "domcontentloaded" });
  await expect(page.locator("main")).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  if (process.env.AXE_TIMINGS) console.log(path, Date.now() - started, "ms");
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${path}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 2).join("")}`).join("\n")}`);
}

test("the main pages have no serious or critical axe violations, in the light and the dark theme", async ({ page }) => {
  test.setTimeout(90_000);
  await passwordLogin(page);
  const found: string[] = [];
  for (const theme of ["light", "dark"] as const) {
    await page.goto("/dashboard");
    if ((await page.locator("html.dark").count()) !== (theme === "dark" ? 1 : 0)) await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
    for (const path of PAGES) found.push(...(await violations(page, path)).map((v) => `[${theme}] ${v}`));
  }
  expect(found, found.join("\n")).toEqual([]);
});
