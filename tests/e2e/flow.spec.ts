import { expect, test } from "@playwright/test";
import { ADMIN } from "./state";

test("superuser login → dashboard shell → language switch → logout", async ({ page }, testInfo) => {
  const javascript = testInfo.project.use.javaScriptEnabled !== false;
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page.getByTestId("login-error")).toBeVisible();

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("dashboard-username")).toHaveText(ADMIN.username);
  await expect(page.getByTestId("dashboard-system")).toBeVisible();
  const sidebar = page.getByTestId("sidebar");
  await expect(sidebar.getByRole("link", { name: "Dashboard" })).toBeVisible();
  await sidebar.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("audit-table")).toContainText("login.success");
  await expect(page.getByTestId("audit-table")).toContainText("login.failure");

  // Language: with JavaScript the select submits itself; without, the Apply button does.
  await page.getByTestId("language-select").selectOption("de");
  if (!javascript) await page.getByTestId("language-submit").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByTestId("sidebar").getByRole("link", { name: "Audit-Protokoll" })).toBeVisible();
  await expect(page.getByTestId("logout")).toHaveText("Abmelden");

  await page.getByTestId("language-select").selectOption("en");
  if (!javascript) await page.getByTestId("language-submit").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).not.toHaveClass(/dark/);

  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("toast-info")).toHaveText("You have been logged out.");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
});
