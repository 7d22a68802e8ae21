/** Logins the e2e specs share (admin by password, the demo member through the fake EVE SSO). */
import { expect, type Page } from "@playwright/test";
import { ADMIN } from "./state";

// Demo worlds: Carys O'Daire (tests/fakes/eve/demo.ts) links the Discord user carys.odaire
// (tests/fakes/discord/demo.ts). Runs with JavaScript on and off (two projects).
export const MEMBER = { id: 90000006, email: "carys@example.com", discord: "carys.odaire" };

export async function passwordLogin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function ssoLogin(page: Page) {
  await page.goto("/login");
  await page.getByTestId("sso-login").click();
  const pick = async () => {
    await page.getByTestId(`character-${MEMBER.id}`).check();
    await page.getByTestId("authorize").click();
  };
  await pick();
  await expect(page).toHaveURL(/\/(dashboard|account\/register)$/);
  if (page.url().endsWith("/account/register")) {
    await page.getByLabel("Email").fill(MEMBER.email);
    await page.getByRole("button", { name: "Register" }).click();
    await page.goto("/account/outbox");
    await page.getByTestId("outbox-email").filter({ hasText: MEMBER.email }).first().getByTestId("outbox-link").click();
    await page.getByTestId("sso-login").click();
    await pick();
  }
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function logout(page: Page) {
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
}

