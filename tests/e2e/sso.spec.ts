import { expect, type Page, test } from "@playwright/test";

// Demo world (tests/fakes/eve/demo.ts): Aria Solenne and Kaito Varn are on Alice's EVE account.
const ARIA = { id: 90000001, name: "Aria Solenne" };
const KAITO = { id: 90000002, name: "Kaito Varn" };

async function pickCharacter(page: Page, characterId: number) {
  await expect(page.getByTestId(`character-${characterId}`)).toBeVisible();
  await page.getByTestId(`character-${characterId}`).check();
  await page.getByTestId("authorize").click();
}

async function ssoLogin(page: Page, characterId: number) {
  await page.goto("/login");
  await expect(page.getByTestId("demo-banner")).toBeVisible();
  await page.getByTestId("sso-login").click();
  await pickCharacter(page, characterId);
}

test("EVE SSO in demo mode: register, add an alt, alt login refused, transferred character moves", async ({ page }) => {
  // A new player logs in and registers with an email.
  await ssoLogin(page, ARIA.id);
  await expect(page).toHaveURL(/\/account\/register$/);
  await page.getByLabel("Email").fill("aria@localhost"); // the browser accepts it, the server does not
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await page.getByLabel("Email").fill("aria@example.com");
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("toast-info")).toContainText("aria@example.com");

  // The activation link from the outbox activates the account and, in the browser that registered, logs in.
  await page.goto("/account/outbox");
  const email = page.getByTestId("outbox-email").filter({ hasText: "aria@example.com" }).first();
  await email.getByTestId("outbox-link").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("toast-success")).toHaveText("Welcome, Aria_Solenne: your account is active.");
  await expect(page.getByTestId("dashboard-username")).toHaveText("Aria_Solenne");
  await expect(page.getByTestId("dashboard-characters")).toContainText(ARIA.name);

  // Add an alt.
  await page.getByTestId("sidebar").getByRole("link", { name: "Characters" }).click();
  await page.getByTestId("add-character").click();
  await pickCharacter(page, KAITO.id);
  await expect(page).toHaveURL(/\/account\/characters$/);
  await expect(page.getByTestId("toast-success")).toHaveText(`Added ${KAITO.name} to your account.`);
  await expect(page.getByTestId(`character-${KAITO.id}`)).toBeVisible();
  await expect(page.getByTestId(`character-${ARIA.id}`).getByTestId("main-badge")).toBeVisible();
  await page.getByTestId("logout").click();
  // The CSRF token is bound to the session: wait for the logout to land before the next form.
  await expect(page).toHaveURL(/\/login$/);

  // Logging in with the alt is refused with the original's message.
  await ssoLogin(page, KAITO.id);
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("toast-danger")).toHaveText("Unable to authenticate as the selected character. Please log in with the main character associated with this account.");

  // Kaito is sold to Bob's account: logging in with him now starts a new account.
  await page.getByTestId("sso-login").click();
  await page.getByTestId("transfer-character").selectOption(String(KAITO.id));
  await page.getByTestId("transfer-to").selectOption("account-bob");
  await page.getByTestId("transfer").click();
  await expect(page.getByTestId("transfer-notice")).toBeVisible();
  await pickCharacter(page, KAITO.id);
  await expect(page).toHaveURL(/\/account\/register$/);
  await expect(page.getByText("Kaito_Varn")).toBeVisible();

  // Aria's account no longer has Kaito.
  await page.goto("/login");
  await page.getByTestId("sso-login").click();
  await pickCharacter(page, ARIA.id);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account/characters");
  await expect(page.getByTestId(`character-${ARIA.id}`)).toBeVisible();
  await expect(page.getByTestId(`character-${KAITO.id}`)).toHaveCount(0);
});
