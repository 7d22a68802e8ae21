/** Logging in as the first superuser (password) and as the demo member Carys O'Daire (fake EVE SSO). */
import { expect, type Page } from "@playwright/test";
import { ADMIN } from "./state";

// Demo worlds: Carys O'Daire (tests/fakes/eve/demo.ts) links the Discord user carys.odaire (tests/fakes/discord/demo.ts).
export const MEMBER = { id: 90000006, email: "carys@example.com", discord: "carys.odaire" };

export async function passwordLogin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 20_000 });
}

export async function ssoLogin(page: Page) {
  await page.goto("/login");
  await page.getByTestId("sso-login").click();
  const pick = async () => {
    await page.getByTestId(`character-${MEMBER.id}`).check();
    await page.getByTestId("authorize").click();
  };
  await pick();
  await expect(page).toHaveURL(/\/(dashboard|account\/register)$/, { timeout: 20_000 });
  if (page.url().endsWith("/account/register")) {
    await page.getByLabel("Email").fill(MEMBER.email);
    await page.getByRole("button", { name: "Register" }).click();
    await page.goto("/account/outbox");
    await page.getByTestId("outbox-email").filter({ hasText: MEMBER.email }).first().getByTestId("outbox-link").click();
    await page.getByTestId("sso-login").click();
    await pick();
  }
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 20_000 });
}

export async function logout(page: Page) {
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/, { timeout: 20_000 });
}

/** As the admin: lets every Guest use the services with these permission codenames (e.g. `discord\.access_discord`). */
export async function grantGuest(page: Page, permissions: RegExp[]) {
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  const select = page.locator('select[name="permissionIds"]');
  const current = await select.evaluate((el: HTMLSelectElement) => [...el.selectedOptions].map((o) => o.value));
  const wanted = [];
  for (const perm of permissions) wanted.push((await select.locator("option", { hasText: perm }).getAttribute("value"))!);
  await select.selectOption([...new Set([...current, ...wanted])]);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible({ timeout: 20_000 });
}
