import { expect, type Page, test } from "@playwright/test";
import { logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): Brannoc Ydris is Bob's main, Carys O'Daire is Carol's.
// sso.spec.ts does not use them, so this file registers them itself (once per server).
const LEADER = { id: 90000004, name: "Brannoc Ydris", email: "brannoc@example.com" };
const MEMBER = { id: 90000006, name: "Carys O'Daire", email: "carys@example.com" };

/** Logs in through the demo EVE SSO (registering the first time); returns the username. */
async function ssoLogin(page: Page, who: typeof LEADER) {
  await memberLogin(page, who);
  return (await page.getByTestId("dashboard-username").textContent())!;
}

async function groupFlow(page: Page, groupName: string) {
  // Five logins through the demo SSO: longer than the default 30 s.
  test.setTimeout(120_000);
  // Both players have accounts (the leader must exist before the group names them).
  const leaderUsername = await ssoLogin(page, LEADER);
  await logout(page);
  const memberUsername = await ssoLogin(page, MEMBER);
  await logout(page);

  // There is no admin site yet: a superuser creates the group on the management page.
  await passwordLogin(page);
  await page.getByTestId("sidebar").getByRole("link", { name: "Group Management" }).click();
  await expect(page).toHaveURL(/\/group\/management$/);
  await page.getByTestId("create-group").getByText("Create a group").click();
  await page.getByLabel("Name", { exact: true }).fill(groupName);
  await page.getByLabel("Description (optional)").fill("Fleet commanders of the alliance.");
  await page.getByTestId("flag-internal").uncheck();
  await page.getByTestId("flag-hidden").uncheck();
  await page.getByTestId("flag-public").check();
  await page.getByLabel("Leaders (usernames, separated by commas)").fill(leaderUsername);
  await page.getByTestId("create-group-submit").click();
  await expect(page.getByTestId("toast-success")).toHaveText(`Created group ${groupName}.`);
  await logout(page);

  // The member requests the group.
  await ssoLogin(page, MEMBER);
  await page.getByTestId("sidebar").getByRole("link", { name: "Groups", exact: true }).click();
  await expect(page).toHaveURL(/\/groups$/);
  await page.getByRole("button", { name: `Request: ${groupName}` }).click();
  await expect(page.getByTestId("toast-success")).toHaveText(`Applied to group ${groupName}.`);
  await expect(page.getByRole("row", { name: new RegExp(groupName) }).getByText("Join pending")).toBeVisible();
  await logout(page);

  // The leader sees the badge and approves.
  await ssoLogin(page, LEADER);
  const management = page.getByTestId("sidebar").getByRole("link", { name: /Group Management/ });
  await expect(management.getByTestId("badge-group-management")).toHaveText("1");
  await management.click();
  const row = page.getByTestId("join-requests").getByRole("row", { name: new RegExp(MEMBER.name) });
  await expect(row).toContainText(groupName);
  await row.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("toast-success")).toHaveText(`Accepted application from ${MEMBER.name} to ${groupName}.`);
  await expect(page.getByTestId("join-requests")).toContainText("No group add requests.");
  await expect(page.getByTestId("badge-group-management")).toHaveCount(0);

  // Membership and the group's audit log: requested by the member, accepted by the leader.
  await page.getByRole("link", { name: "Group membership" }).click();
  const groupRow = page.getByTestId("managed-groups").getByRole("row", { name: new RegExp(groupName) });
  await expect(groupRow.locator('[data-testid^="member-count-"]')).toHaveText("1");
  await groupRow.getByRole("link", { name: "Members" }).click();
  const memberRow = page.getByTestId("group-members").getByRole("row", { name: new RegExp(MEMBER.name) });
  await expect(memberRow).toBeVisible();
  await page.getByTestId("audit-log-link").click();
  await expect(page).toHaveURL(/\/group\/management\/membership\/\d+\/audit-log$/);
  const entry = page.getByTestId("group-audit-log").locator("tbody tr").first();
  await expect(entry.locator("td").nth(1)).toHaveText(memberUsername);
  await expect(entry.locator("td").nth(2)).toHaveText(MEMBER.name);
  await expect(entry.locator("td").nth(3)).toHaveText("Join");
  await expect(entry.locator("td").nth(4)).toHaveText("Accept");
  await expect(entry.locator("td").nth(5)).toHaveText(leaderUsername);
  await logout(page);

  // The member sees the group on the dashboard.
  await ssoLogin(page, MEMBER);
  await expect(page.getByRole("region", { name: "Your groups" })).toContainText(groupName);
  await logout(page);
}

test("a member requests a group, its leader approves it, the member sees it on the dashboard", async ({ page }) => {
  await groupFlow(page, "Fleet Commanders");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same flow works as plain HTML forms", async ({ page }) => {
    await groupFlow(page, "Scouts");
  });
});
