import { expect, test } from "@playwright/test";
import { grantStatePermissions, logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): with JavaScript Carys O'Daire adds Ashen Vanguard (her scout
// Nyx Tallow is not registered); without, Brannoc Ydris adds Deep Core Extraction (Ore Whisperer).
const PILOTS = {
  js: { id: 90000006, email: "carys@example.com", name: "Carys O'Daire", corp: 98000003, corpName: "Ashen Vanguard", alt: { id: 90000007, name: "Nyx Tallow" } },
  nojs: { id: 90000004, email: "brannoc@example.com", name: "Brannoc Ydris", corp: 98000002, corpName: "Deep Core Extraction", alt: { id: 90000005, name: "Ore Whisperer" } },
};

test("corp stats: a member with the permission adds their corporation's stats with a new token and sees mains, members and unregistered", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(150_000);
  const pilot = javaScriptEnabled ? PILOTS.js : PILOTS.nojs;
  // Guests (the demo pilots' state) may add corp stats and see their corporation's.
  await passwordLogin(page);
  await grantStatePermissions(page, "Guest", ["corputils.add_corpstats", "corputils.view_corp_corpstats"]);
  await logout(page);

  await memberLogin(page, pilot);
  await page.getByTestId("sidebar").getByRole("link", { name: "Corporation stats" }).click();
  await expect(page).toHaveURL(/\/corpstats$/);
  await page.getByTestId("corpstats-add").click();
  await expect(page).toHaveURL(/\/corpstats\/add$/);
  // A token with the membership scope: through EVE SSO (the fake asks for the scope), back here.
  await page.getByTestId("corpstats-sso").click();
  await expect(page.getByTestId("scopes")).toContainText("esi-corporations.read_corporation_membership.v1");
  await page.getByTestId(`character-${pilot.id}`).check();
  await page.getByTestId("authorize").click();
  await expect(page).toHaveURL(/\/corpstats\/add$/);
  await page.getByTestId(`use-token-${pilot.id}`).click();

  await expect(page).toHaveURL(new RegExp(`/corpstats/${pilot.corp}$`));
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await expect(page.getByTestId("corpstats-corp")).toContainText(pilot.corpName);
  // Mains: the pilot, with their characters.
  await expect(page.getByTestId(`main-${pilot.id}`)).toContainText(pilot.name);
  await expect(page.getByTestId("corpstats-tab-members")).toContainText("(2)");
  // Members: both, the scout marked unregistered.
  await page.getByTestId("corpstats-tab-members").click();
  await expect(page.getByTestId(`member-${pilot.id}`)).toContainText(pilot.name);
  await expect(page.getByTestId(`member-${pilot.alt.id}`)).toContainText("Not registered");
  // Sorted by name, descending.
  await page.getByTestId("sort-name").click();
  await expect(page).toHaveURL(/dir=asc/);
  await page.getByTestId("sort-name").click();
  await expect(page).toHaveURL(/dir=desc/);
  await expect(page.getByTestId("corpstats-members").locator("tbody tr").first()).toContainText(pilot.alt.name < pilot.name ? pilot.name : pilot.alt.name);
  // Unregistered: the scout only.
  await page.getByTestId("corpstats-tab-unregistered").click();
  await expect(page.getByTestId(`member-${pilot.alt.id}`)).toContainText(pilot.alt.name);
  await expect(page.getByTestId(`member-${pilot.id}`)).toHaveCount(0);

  // Update now.
  await page.getByTestId("corpstats-update").click();
  await expect(page.getByTestId("toast-success")).toContainText("2 members");

  // Search across every corporation the member may see.
  await page.getByTestId("corpstats-search").fill(pilot.alt.name.slice(0, 4));
  await page.getByTestId("corpstats-search").press("Enter");
  await expect(page).toHaveURL(/\/corpstats\/search\?q=/);
  await expect(page.getByTestId(`result-${pilot.alt.id}`)).toContainText(pilot.corpName);
});
