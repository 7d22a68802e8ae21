import { expect, type Page, test } from "@playwright/test";
import { hasMariadbClient, loadAaFixture, mysqlAdmin } from "../support/aa-fixture";
import { passwordLogin } from "./session";

// The AA 4.1 fixture in a scratch database on the MariaDB server of TEST_MYSQL_URL is the source.
const serverUrl = process.env.TEST_MYSQL_URL ?? "";
const usable = Boolean(serverUrl) && hasMariadbClient();
test.skip(!usable, "needs TEST_MYSQL_URL and the mariadb client to load the Alliance Auth fixture");

let sourceUrl = "";
let sourceName = "";

test.beforeAll(async ({}, testInfo) => {
  if (!usable) return;
  test.setTimeout(120_000);
  sourceName = `aa_e2e_import_${testInfo.project.name.replace(/\W/g, "_")}_${process.pid}`;
  sourceUrl = await loadAaFixture(serverUrl, sourceName);
});
test.afterAll(async () => {
  if (usable && sourceName) await mysqlAdmin(serverUrl, `drop database if exists ${sourceName}`);
});

/** Starts a run from the form and follows its progress page until it ends. */
async function runImport(page: Page, dryRun: boolean) {
  await page.goto("/admin/import");
  await page.getByLabel(/Source database URL/).fill(sourceUrl);
  await page.getByLabel(/Dry run/).setChecked(dryRun);
  await page.getByTestId("import-start").click();
  await expect(page).toHaveURL(/\/admin\/import\/\d+$/);
  await expect(page.getByTestId("import-run")).toHaveAttribute("data-status", "done", { timeout: 150_000 });
  const bar = page.getByTestId("import-progress");
  expect(Number(await bar.getAttribute("value"))).toBeGreaterThan(1000);
  expect(await bar.getAttribute("value")).toBe(await bar.getAttribute("max"));
}

test("an admin runs a dry run, then the import, and watches its progress", async ({ page }) => {
  test.setTimeout(360_000);
  await passwordLogin(page);
  await page.goto("/admin");
  await page.getByTestId("admin-import-link").click();
  await expect(page).toHaveURL(/\/admin\/import$/);

  // A URL that is not one: the field says so, nothing starts.
  await page.getByLabel(/Source database URL/).fill("https://example.invalid/aa");
  await page.getByTestId("import-start").click();
  await expect(page.getByRole("alert")).toContainText("mysql://user:password@host/database");

  await runImport(page, true);
  await expect(page.getByTestId("import-report")).toContainText("dry run, nothing written");
  await expect(page.getByTestId("import-report")).toContainText("auth_user: 120");

  await runImport(page, false);
  await expect(page.getByTestId("import-report")).toContainText("discord_discorduser: 56 / 0 / 56");
  await page.goto("/admin/import");
  await expect(page.getByTestId("import-runs")).toContainText("dry run");
});
