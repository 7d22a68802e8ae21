import { expect, type Page, test } from "@playwright/test";
import { logout, memberLogin, passwordLogin, choosePermissions } from "./session";

// Demo worlds: Carys O'Daire (tests/fakes/eve/demo.ts) links the Discord user carys.odaire
// (tests/fakes/discord/demo.ts). Runs with JavaScript on and off (two projects).
const MEMBER = { id: 90000006, email: "carys@example.com", discord: "carys.odaire" };

/** Reloads /services until the member's Discord roles satisfy `check` (the sync job is debounced). */
async function expectRoles(page: Page, check: (roles: string) => boolean) {
  await expect
    .poll(
      async () => {
        await page.goto("/services");
        return check((await page.getByTestId("service-groups-discord").textContent().catch(() => "")) ?? "");
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toBe(true);
}

test("a member activates Discord, gets the roles of their groups and loses one by leaving; an admin syncs all", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const groupName = `Discord Fleet ${javaScriptEnabled ? "js" : "nojs"}`;

  // Admin: every Guest may use Discord and join groups (the demo has no alliance state), and an open group.
  await passwordLogin(page);
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  await choosePermissions(page, ["discord.access_discord", "groupmanagement.request_groups"]);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await page.goto("/group/management");
  await page.getByTestId("create-group").getByText("Create a group").click();
  await page.getByLabel("Name", { exact: true }).fill(groupName);
  await page.getByTestId("flag-internal").uncheck();
  await page.getByTestId("flag-hidden").uncheck();
  await page.getByTestId("flag-open").check();
  await page.getByTestId("create-group-submit").click();
  await expect(page.getByTestId("toast-success")).toHaveText(`Created group ${groupName}.`);
  await logout(page);

  // The member joins the group, then links Discord through the fake's authorize page.
  await memberLogin(page, MEMBER);
  await page.goto("/groups");
  await page.getByRole("button", { name: `Join: ${groupName}` }).click({ timeout: 10_000 });
  await expect(page.getByTestId("toast-success")).toHaveText(`Joined group ${groupName}.`);
  await page.getByTestId("sidebar").getByRole("link", { name: "Services" }).click();
  await expect(page).toHaveURL(/\/services$/);
  const row = page.getByTestId("service-row-discord");
  if ((await row.getAttribute("data-status")) !== "none") {
    await page.getByTestId("service-discord-deactivate").click();
    await expect(page.getByTestId("toast-success")).toHaveText("Your Discord account was deactivated.");
  }
  await page.getByTestId("service-discord-activate").click();
  await page.getByRole("button", { name: new RegExp(`@${MEMBER.discord}`) }).click({ timeout: 15_000 });
  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByTestId("toast-success")).toHaveText(`Your Discord account @${MEMBER.discord} is linked.`);
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId("service-username-discord")).toContainText(`@${MEMBER.discord}`);
  await expect(page.getByTestId("service-groups-discord")).toContainText(groupName);
  await expect(page.getByTestId("service-groups-discord")).toContainText("Guest");

  // Leaving the group takes the role away (through the debounced sync job).
  await page.goto("/groups");
  await page.getByRole("button", { name: `Leave: ${groupName}` }).click();
  await expectRoles(page, (roles) => roles.includes("Guest") && !roles.includes(groupName));
  await logout(page);

  // The admin runs "sync all" and watches it finish.
  await passwordLogin(page);
  await page.goto("/admin/services/discord");
  await page.getByTestId("service-sync-all").click();
  await expect(page).toHaveURL(/\/admin\/jobs\//);
  await expect(page.getByTestId("admin-job")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await page.goto("/admin/services/discord");
  await expect(page.getByTestId("service-drift")).toContainText("pageReads");
});
