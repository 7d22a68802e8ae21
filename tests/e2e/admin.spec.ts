import { expect, type Page, test } from "@playwright/test";
import { choosePermissions } from "./session";
import { ADMIN } from "./state";

// Password login is for superusers; members (and staff) log in with EVE SSO (demo mode, see sso.spec.ts).
const ARIA = { id: 90000001, username: "Aria_Solenne" };

async function ssoLogin(page: Page, characterId: number) {
  await page.goto("/login");
  await page.getByTestId("sso-login").click();
  await expect(page.getByTestId(`character-${characterId}`)).toBeVisible();
  await page.getByTestId(`character-${characterId}`).check();
  await page.getByTestId("authorize").click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function login(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("admin site: a superuser creates a state and a group, edits a user and sees the history; a view-only staff user cannot edit", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const suffix = `${testInfo.project.metadata.server as string}${Date.now().toString(36)}`;
  const viewer = { username: `viewer_${suffix}`, password: "a long viewer password 123" };
  await login(page, ADMIN.username, ADMIN.password);

  // A state, with the dry run first.
  await page.goto("/admin/states/new");
  await page.getByLabel("Name", { exact: true }).fill(`State ${suffix}`);
  await page.getByLabel("Priority", { exact: true }).fill(String(400 + Math.floor(Math.random() * 500)));
  await page.getByTestId("admin-preview-button").click();
  await expect(page.getByTestId("admin-preview")).toContainText("would gain this state");
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/states\/\d+$/);
  await expect(page.getByTestId("admin-title")).toHaveText(`State ${suffix}`);

  // A group.
  await page.goto("/admin/groups/new");
  await page.getByLabel("Name", { exact: true }).fill(`Group ${suffix}`);
  await page.getByLabel("Description", { exact: true }).fill("Made in the admin site");
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/groups\/\d+$/);
  await expect(page.getByTestId("admin-title")).toHaveText(`Group ${suffix}`);

  // A new user, with a password (the add form).
  await page.goto("/admin/users/new");
  await page.getByLabel("Username").fill(viewer.username);
  await page.getByLabel("Password").fill(viewer.password);
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/users\/\d+$/);

  // Edit a member (from the SSO spec): staff, with only auth.view_user.
  await page.goto(`/admin/users?q=${ARIA.username}`);
  await page.getByTestId("admin-row").first().getByRole("link", { name: ARIA.username }).click();
  await expect(page).toHaveURL(/\/admin\/users\/\d+$/);
  const userUrl = page.url();
  await page.getByLabel("Email", { exact: true }).fill(`${suffix}@example.com`);
  await page.getByTestId("field-is_staff").check();
  await choosePermissions(page, ["auth.view_user"]);
  await page.getByTestId("admin-save").click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await expect(page.getByTestId("field-is_staff")).toBeChecked();

  // The history tab shows who changed what, before → after.
  await page.getByTestId("admin-tab-history").click();
  await expect(page).toHaveURL(/\/history$/);
  await expect(page.getByTestId("admin-history-row").first()).toContainText("user.change");
  await expect(page.getByTestId("admin-history")).toContainText(`${suffix}@example.com`);

  // The list finds them.
  await page.goto(`/admin/users?q=${encodeURIComponent(viewer.username)}`);
  await expect(page.getByTestId("admin-row")).toHaveCount(1);
  await page.getByTestId("logout").click();
  // The CSRF token is bound to the session: wait for the logout to land before the next form.
  await expect(page).toHaveURL(/\/login$/);

  // The view-only staff user lists users but cannot edit them (the server refuses a crafted POST).
  await ssoLogin(page, ARIA.id);
  await page.goto("/admin");
  await expect(page.getByTestId("admin-nav").getByRole("link", { name: "Users" })).toBeVisible();
  await expect(page.getByTestId("admin-nav").getByRole("link", { name: "Groups" })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page.getByTestId("admin-row").first()).toBeVisible();
  await page.goto(userUrl);
  await expect(page.getByTestId("field-username")).toBeDisabled();
  await expect(page.getByTestId("admin-save")).toHaveCount(0);
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  const crafted = await page.request.post(userUrl, { form: { csrf, _fields: "username", username: "hijacked" }, maxRedirects: 0 });
  expect(crafted.status()).toBe(403);
  expect((await page.request.get("/admin/groups")).status()).toBe(403);
});
