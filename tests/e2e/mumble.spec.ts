import { expect, test } from "@playwright/test";
import { logout, memberLogin, passwordLogin, choosePermissions } from "./session";

// Carys O'Daire, the demo member (tests/fakes/eve/demo.ts), as in services.spec.ts.
const MEMBER = { id: 90000006, email: "carys@example.com" };

// Mumble in table mode (MUMBLE_URL set by global-setup; no murmur needed for the site's side).
// Runs with JavaScript on and off (two projects).
test("a member activates Mumble, sees the credentials and the link once, resets and sets the password, deactivates", async ({ page }) => {
  test.setTimeout(120_000);
  await passwordLogin(page);
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  await choosePermissions(page, ["mumble.access_mumble"]);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await logout(page);

  await memberLogin(page, MEMBER);
  await page.goto("/services");
  const row = page.getByTestId("service-row-mumble");
  if ((await row.getAttribute("data-status")) !== "none") {
    await page.getByTestId("service-mumble-deactivate").click();
    await expect(page.getByTestId("toast-success")).toHaveText("Your Mumble account was deactivated.");
  }
  await page.getByTestId("service-mumble-activate").click();
  await expect(page.getByTestId("service-credentials-mumble")).toBeVisible();
  const username = (await page.getByTestId("service-credentials-mumble-username").textContent())!;
  expect(username).toMatch(/^\[[^\]]*\]Carys_O'Daire$/);
  const first = (await page.getByTestId("service-credentials-mumble-password").textContent())!;
  expect(first).toMatch(/^[A-Za-z0-9]{16}$/);
  await expect(page.getByTestId("service-credentials-mumble-url")).toHaveAttribute("href", `mumble://${encodeURIComponent(username)}@voice.example.org:64738`);

  await page.getByTestId("service-credentials-back").click();
  await expect(page).toHaveURL(/\/services$/);
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId("service-username-mumble")).toContainText(username);
  await expect(page.getByTestId("service-detail-mumble")).toContainText("Never connected yet");
  await expect(page.getByTestId("service-groups-mumble")).toContainText("Guest");
  // The password is not shown again.
  await expect(page.getByText(first)).toHaveCount(0);

  await page.getByTestId("service-mumble-reset_password").click();
  const second = (await page.getByTestId("service-credentials-mumble-password").textContent())!;
  expect(second).toMatch(/^[A-Za-z0-9]{16}$/);
  expect(second).not.toBe(first);

  await page.goto("/services");
  await page.getByTestId("service-mumble-set_password").click();
  await page.getByLabel(/New password/).fill("short");
  await page.getByTestId("service-password-submit").click();
  await expect(page.locator("#field-password-error")).toHaveText("The password must be at least 8 characters long.");
  await page.getByLabel(/New password/).fill("a long enough voice password");
  await page.getByTestId("service-password-submit").click();
  await expect(page.getByTestId("toast-success")).toHaveText("Your Mumble password was changed.");

  await page.getByTestId("service-mumble-deactivate").click();
  await expect(page.getByTestId("toast-success")).toHaveText("Your Mumble account was deactivated.");
  await expect(row).toHaveAttribute("data-status", "none");
  await expect(page.getByTestId("service-mumble-activate")).toBeVisible();
});
