/**
 * Analytics, as a superuser checks it (with and without JavaScript, by project): off by default
 * (the e2e servers set no ANALYTICS_*), the admin page says so and lists exactly what would be sent.
 */
import { expect, test } from "@playwright/test";
import { passwordLogin } from "./session";

test("analytics: off by default; the admin page says what would be sent and what never is", async ({ page }) => {
  await passwordLogin(page);
  await page.goto("/admin");
  await page.getByTestId("admin-analytics-link").click();
  await expect(page).toHaveURL(/\/admin\/analytics$/);
  await expect(page.getByTestId("analytics-status")).toContainText("Off: this site sends no usage statistics anywhere.");
  await expect(page.getByTestId("analytics-categories").getByRole("listitem")).toHaveCount(3);
  await expect(page.getByText("Never sent: usernames, characters, email or IP addresses")).toBeVisible();
  await expect(page.getByTestId("analytics-preview")).toHaveCount(0);
});
