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
  // Back to the site's default theme: the specs after this one start from it.
  await page.goto("/dashboard");
  await page.getByTestId("theme-select").selectOption("default");
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  await expect(page.getByTestId("theme-select")).toHaveValue("default");
  expect(found, found.join("\n")).toEqual([]);
});

test("on a phone (390 px, no JavaScript) the sidebar and the preferences wait behind their buttons and the page starts on the first screen", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await passwordLogin(page);
  await page.goto("/groups");
  const sidebar = page.getByTestId("sidebar");
  await expect(sidebar).toBeHidden();
  await expect(page.getByTestId("language-select")).toBeHidden();
  const heading = await page.getByRole("heading", { level: 1 }).boundingBox();
  expect(heading!.y + heading!.height).toBeLessThan(844 / 3);
  await page.getByTestId("sidebar-toggle-label").click();
  await expect(sidebar.getByRole("link", { name: "Groups" })).toBeVisible();
  await page.getByTestId("top-bar-toggle-label").click();
  await expect(page.getByTestId("language-select")).toBeVisible();
  await expect(page.getByTestId("logout")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  // Nor does any other page scroll sideways (wide tables scroll inside their own box), in a language
  // with long words too; English last, as the specs after this one expect it.
  for (const language of ["es", "en"]) {
    await page.goto("/dashboard");
    await page.getByTestId("top-bar-toggle-label").click();
    await page.getByTestId("language-select").selectOption(language);
    await page.getByTestId("language-submit").click();
    for (const path of ["/dashboard", "/account/characters", "/services", "/notifications", "/audit", "/admin", "/admin/users", "/timers", "/srp"]) {
      await page.goto(path);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${path} in ${language}`).toBe(0);
    }
  }
  await context.close();
});
