/** Signing in and out in end-to-end specs: the admin by password, a demo character by the fake EVE SSO. */
import { expect, type Page } from "@playwright/test";
import { ADMIN } from "./state";

export async function adminLogin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Logs the character in through the fake EVE SSO, registering (email + confirmation) the first time. */
export async function characterLogin(page: Page, member: { id: number; email: string }) {
  const pick = async () => {
    await page.getByTestId(`character-${member.id}`).check();
    await page.getByTestId("authorize").click();
  };
  await page.goto("/login");
  await page.getByTestId("sso-login").click();
  await pick();
  await expect(page).toHaveURL(/\/(dashboard|account\/register)$/);
  if (page.url().endsWith("/account/register")) {
    await page.getByLabel("Email").fill(member.email);
    await page.getByRole("button", { name: "Register" }).click();
    await page.goto("/account/outbox");
    await page.getByTestId("outbox-email").filter({ hasText: member.email }).first().getByTestId("outbox-link").click();
    await page.getByTestId("sso-login").click();
    await pick();
  }
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signOut(page: Page) {
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
}
