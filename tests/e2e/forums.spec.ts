import { expect, test } from "@playwright/test";
import { logout, memberLogin, passwordLogin, choosePermissions } from "./session";

// phpBB3 on a real MariaDB database built from phpBB's schema (tests/e2e/global-setup.ts creates it
// when TEST_MYSQL_URL is set). Runs with JavaScript on and off (two projects). Carys registers on her
// first login if no earlier project has registered her.
const MEMBER = { id: 90000006, email: "carys@example.com" };
const NAME = "carys_o_daire"; // Carys O'Daire through phpBB's name rules

test("a member activates phpBB3 from /services, sees the credentials once, resets and sets the password, and deactivates", async ({ page }) => {
  test.skip(!process.env.TEST_MYSQL_URL, "no MariaDB for the forum database: set TEST_MYSQL_URL");
  test.setTimeout(120_000);
  await passwordLogin(page);
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  await choosePermissions(page, ["phpbb3.access_phpbb3"]);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await logout(page);

  await memberLogin(page, MEMBER);
  await page.goto("/services");
  const row = page.getByTestId("service-row-phpbb3");
  if ((await row.getAttribute("data-status")) !== "none") {
    await page.getByTestId("service-phpbb3-deactivate").click();
    await expect(page.getByTestId("toast-success")).toHaveText("Your phpBB3 account was deactivated.", { timeout: 20_000 });
  }
  // The credentials are shown once, on the services page after activation.
  await page.getByTestId("service-phpbb3-activate").click();
  await expect(page.getByTestId("service-credentials-phpbb3-username")).toHaveText(NAME, { timeout: 20_000 });
  const first = (await page.getByTestId("service-credentials-phpbb3-password").textContent()) ?? "";
  expect(first).toMatch(/^[A-Za-z0-9]{16}$/);
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId("service-username-phpbb3")).toContainText(NAME);
  await expect(page.getByTestId("service-groups-phpbb3")).toContainText("REGISTERED");
  await expect(page.getByTestId("service-groups-phpbb3")).toContainText("Guest");
  await page.reload();
  await expect(page.getByTestId("service-credentials-phpbb3")).toHaveCount(0);

  // A new random password, shown once.
  await page.getByTestId("service-phpbb3-reset_password").click();
  await expect(page.getByTestId("service-credentials-phpbb3-password")).toHaveText(/^[A-Za-z0-9]{16}$/, { timeout: 20_000 });
  expect(await page.getByTestId("service-credentials-phpbb3-password").textContent()).not.toBe(first);

  // The member's own password: too short is refused beside the field, then accepted.
  await page.goto("/services/phpbb3/set_password");
  await page.getByLabel("New password").fill("short");
  await page.getByTestId("service-password-submit").click();
  await expect(page.locator("#field-password-error")).toBeVisible();
  await page.getByLabel("New password").fill("a long forum password");
  await page.getByTestId("service-password-submit").click();
  await expect(page.getByTestId("toast-success")).toHaveText("Your phpBB3 password was changed.", { timeout: 20_000 });

  await page.goto("/services");
  await page.getByTestId("service-phpbb3-deactivate").click();
  await expect(page.getByTestId("toast-success")).toHaveText("Your phpBB3 account was deactivated.", { timeout: 20_000 });
  await expect(row).toHaveAttribute("data-status", "none");
});
