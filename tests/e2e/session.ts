/** Logging in and out as the e2e specs' admin and demo members (shared so every spec does it one way). */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./state";

export async function passwordLogin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** EVE SSO login with a demo character; registers (email, outbox link) the first time. */
export async function memberLogin(page: Page, member: { id: number; email: string }) {
  await page.goto("/login");
  await page.getByTestId("sso-login").click();
  const pick = async () => {
    await page.getByTestId(`character-${member.id}`).check();
    await page.getByTestId("authorize").click();
  };
  await pick();
  await expect(page).toHaveURL(/\/(dashboard|account\/register)$/);
  if (page.url().endsWith("/account/register")) {
    await page.getByLabel("Email").fill(member.email);
    await page.getByRole("button", { name: "Register" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/account/outbox");
    // In the browser that registered, the activation link logs the member in.
    await page.getByTestId("outbox-email").filter({ hasText: member.email }).first().getByTestId("outbox-link").click();
  }
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function logout(page: Page) {
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
}

/**
 * On a form with a picker (a multi-value field: a search box with chips with JavaScript, a checkbox
 * per choice without): makes sure these choices are picked, keeping the others.
 */
export async function choosePicked(page: Page, fieldLabel: string, choices: string[], search: (choice: string) => string = (c) => c) {
  const js = test.info().project.use.javaScriptEnabled !== false;
  for (const choice of choices) {
    if (!js) await page.getByRole("checkbox", { name: choice, exact: true }).check();
    else if ((await page.getByRole("button", { name: `Remove ${choice}` }).count()) === 0) {
      await page.getByRole("combobox", { name: `Search: ${fieldLabel}` }).fill(search(choice));
      await page.getByRole("option", { name: choice, exact: true }).click();
      await expect(page.getByRole("button", { name: `Remove ${choice}` })).toBeVisible();
      // Close the suggestions so they cover nothing below the field.
      await page.getByRole("combobox", { name: `Search: ${fieldLabel}` }).press("Escape");
    }
  }
}

/** The permissions picker of a state, group or admin form (searched by codename). */
export function choosePermissions(page: Page, permissions: string[]) {
  return choosePicked(page, "Permissions", permissions, (perm) => perm.split(".")[1]);
}

/** As a logged-in admin: gives a state (e.g. "Guest", the demo pilots' state) these permissions, keeping its others. */
export async function grantStatePermissions(page: Page, state: string, permissions: string[]) {
  await page.goto("/admin/states");
  await page.getByRole("link", { name: state, exact: true }).click();
  await choosePermissions(page, permissions);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
}
