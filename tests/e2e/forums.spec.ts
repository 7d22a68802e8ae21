import { expect, test, type Page } from "@playwright/test";
import { logout, memberLogin, passwordLogin, choosePermissions } from "./session";

// phpBB3, SMF and IPS4 on real MariaDB databases built from their schemas (tests/e2e/global-setup.ts
// creates them when TEST_MYSQL_URL is set). Runs with JavaScript on and off (two projects). Carys
// registers on her first login if no earlier project has registered her.
const MEMBER = { id: 90000006, email: "carys@example.com" };

interface Forum {
  id: "phpbb3" | "smf" | "ips4";
  title: string;
  /** Carys O'Daire through the forum's name rules. */
  name: string;
  /** Groups the services page shows for the new account (the state's, and phpBB's built-in REGISTERED). */
  groups: string[];
}

async function grant(page: Page, forums: Forum[]) {
  await passwordLogin(page);
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  await choosePermissions(page, forums.map((f) => `${f.id}.access_${f.id}`));
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await logout(page);
}

/** Activate (credentials shown once), reset, set the member's own password, deactivate. */
async function forumFlow(page: Page, forum: Forum) {
  const { id, title, name } = forum;
  await page.goto("/services");
  const row = page.getByTestId(`service-row-${id}`);
  if ((await row.getAttribute("data-status")) !== "none") {
    await page.getByTestId(`service-${id}-deactivate`).click();
    await expect(page.getByTestId("toast-success")).toHaveText(`Your ${title} account was deactivated.`, { timeout: 20_000 });
  }
  // The credentials are shown once, on the services page after activation.
  await page.getByTestId(`service-${id}-activate`).click();
  await expect(page.getByTestId(`service-credentials-${id}-username`)).toHaveText(name, { timeout: 20_000 });
  const first = (await page.getByTestId(`service-credentials-${id}-password`).textContent()) ?? "";
  expect(first).toMatch(/^[A-Za-z0-9]{16}$/);
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId(`service-username-${id}`)).toContainText(name);
  for (const group of forum.groups) await expect(page.getByTestId(`service-groups-${id}`)).toContainText(group);
  await page.reload();
  await expect(page.getByTestId(`service-credentials-${id}`)).toHaveCount(0);

  // A new random password, shown once.
  await page.getByTestId(`service-${id}-reset_password`).click();
  await expect(page.getByTestId(`service-credentials-${id}-password`)).toHaveText(/^[A-Za-z0-9]{16}$/, { timeout: 20_000 });
  expect(await page.getByTestId(`service-credentials-${id}-password`).textContent()).not.toBe(first);

  // The member's own password: too short is refused beside the field, then accepted.
  await page.goto(`/services/${id}/set_password`);
  await page.getByLabel("New password").fill("short");
  await page.getByTestId("service-password-submit").click();
  await expect(page.locator("#field-password-error")).toBeVisible();
  await page.getByLabel("New password").fill("a long forum password");
  await page.getByTestId("service-password-submit").click();
  await expect(page.getByTestId("toast-success")).toHaveText(`Your ${title} password was changed.`, { timeout: 20_000 });

  await page.goto("/services");
  await page.getByTestId(`service-${id}-deactivate`).click();
  await expect(page.getByTestId("toast-success")).toHaveText(`Your ${title} account was deactivated.`, { timeout: 20_000 });
  await expect(row).toHaveAttribute("data-status", "none");
}

test("a member activates phpBB3 from /services, sees the credentials once, resets and sets the password, and deactivates", async ({ page }) => {
  test.skip(!process.env.TEST_MYSQL_URL, "no MariaDB for the forum database: set TEST_MYSQL_URL");
  test.setTimeout(120_000);
  const phpbb3: Forum = { id: "phpbb3", title: "phpBB3", name: "carys_o_daire", groups: ["REGISTERED", "Guest"] };
  await grant(page, [phpbb3]);
  await memberLogin(page, MEMBER);
  await forumFlow(page, phpbb3);
});

test("the same member does the same on SMF and IPS4", async ({ page }) => {
  test.skip(!process.env.TEST_MYSQL_URL, "no MariaDB for the forum databases: set TEST_MYSQL_URL");
  test.setTimeout(120_000);
  const forums: Forum[] = [
    { id: "smf", title: "SMF", name: "carys_o_daire", groups: ["Guest"] },
    // IPS4 keeps the name as it is and syncs only to groups the forum has (none named Guest).
    { id: "ips4", title: "IPS4", name: "Carys O'Daire", groups: [] },
  ];
  await grant(page, forums);
  await memberLogin(page, MEMBER);
  for (const forum of forums) await forumFlow(page, forum);
});
