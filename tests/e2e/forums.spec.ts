import { expect, test } from "@playwright/test";
import { grantGuest, logout, passwordLogin, ssoLogin } from "./login";

// phpBB3 on a real MariaDB database built from phpBB's schema (tests/e2e/global-setup.ts creates it
// when TEST_MYSQL_URL is set). Runs with JavaScript on and off (two projects).
const NAME = "carys_o_daire"; // Carys O'Daire through phpBB's name rules

test("a member activates phpBB3 from /services, sees the credentials once, resets and sets the password, and deactivates", async ({ page }) => {
  test.skip(!process.env.TEST_MYSQL_URL, "no MariaDB for the forum database: set TEST_MYSQL_URL");
  test.setTimeout(120_000);
  await passwordLogin(page);
  await grantGuest(page, [/^phpbb3\.access_phpbb3$/]);
  await logout(page);

  await ssoLogin(page);
  await page.goto("/services");
  const row = page.getByTestId("service-row-phpbb3");
  if ((await row.getAttribute("data-status")) !== "none") {
    await page.getByTestId("service-phpbb3-deactivate").click();
    await expect(page.getByTestId("toast-success")).toHaveText("Your phpBB3 account was deactivated.", { timeout: 20_000 });
  }
  await page.getByTestId("service-phpbb3-activate").click();
  await expect(page.getByTestId("service-credentials")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("credentials-username")).toHaveText(NAME);
  const first = (await page.getByTestId("credentials-password").textContent()) ?? "";
  expect(first).toMatch(/^[A-Za-z0-9]{16}$/);
  await page.getByRole("link", { name: "Back to services" }).click();
  await expect(page).toHaveURL(/\/services$/, { timeout: 20_000 });
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId("service-username-phpbb3")).toContainText(NAME);
  await expect(page.getByTestId("service-groups-phpbb3")).toContainText("REGISTERED");
  await expect(page.getByTestId("service-groups-phpbb3")).toContainText("Guest");

  // A new random password, shown once.
  await page.getByTestId("service-phpbb3-reset_password").click();
  await expect(page.getByTestId("service-credentials")).toBeVisible({ timeout: 20_000 });
  const second = (await page.getByTestId("credentials-password").textContent()) ?? "";
  expect(second).toMatch(/^[A-Za-z0-9]{16}$/);
  expect(second).not.toBe(first);

  // The member's own password: too short is refused beside the field, then accepted.
  await page.goto("/services");
  await page.getByTestId("service-phpbb3-set_password").click();
  await page.getByLabel("Password").fill("short");
  await page.getByTestId("service-phpbb3-set-password-submit").click();
  await expect(page.locator("#field-password-error")).toHaveText("The password must be 8 to 128 characters long.");
  await page.getByLabel("Password").fill("a long forum password");
  await page.getByTestId("service-phpbb3-set-password-submit").click();
  await expect(page).toHaveURL(/\/services$/, { timeout: 20_000 });
  await expect(page.getByTestId("toast-success")).toHaveText("Your phpBB3 password was changed.", { timeout: 20_000 });

  await page.getByTestId("service-phpbb3-deactivate").click();
  await expect(page.getByTestId("toast-success")).toHaveText("Your phpBB3 account was deactivated.", { timeout: 20_000 });
  await expect(row).toHaveAttribute("data-status", "none");
});
