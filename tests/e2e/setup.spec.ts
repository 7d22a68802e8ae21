import { expect, test } from "@playwright/test";
import { ADMIN, serverState } from "./state";

test("first-run setup creates the superuser from the printed one-time URL (no JavaScript)", async ({ page }, testInfo) => {
  const { setupPath } = serverState(testInfo);
  await page.goto(setupPath);
  await expect(page.getByRole("heading", { name: "Create the first superuser" })).toBeVisible();

  // Bad input: field-level messages, nothing created.
  await page.getByLabel("Username").fill("bad name!");
  await page.getByLabel("Password (at least 12 characters)").fill("short");
  await page.getByLabel("Repeat the password").fill("different");
  await page.getByRole("button", { name: "Create superuser" }).click();
  await expect(page.getByText("The username may contain only letters")).toBeVisible();
  await expect(page.getByText("The password must have at least 12 characters.")).toBeVisible();
  await expect(page.getByText("The two passwords do not match.")).toBeVisible();

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Email (optional)").fill(ADMIN.email);
  await page.getByLabel("Password (at least 12 characters)").fill(ADMIN.password);
  await page.getByLabel("Repeat the password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create superuser" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("dashboard-username")).toHaveText(ADMIN.username);
  await expect(page.getByTestId("toast-success")).toContainText(ADMIN.username);

  // The link works once.
  await page.goto(setupPath);
  await expect(page.getByTestId("error-404")).toBeVisible();
});
