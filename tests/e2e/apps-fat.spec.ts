import { expect, test } from "@playwright/test";
import { logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): Cyno Alt is logged in to EVE, in a Hurricane docked in the
// Meridian trade tower (a player structure); memberLogin registers the account the first time.
const PILOT = { id: 90000008, email: "cyno@example.com", name: "Cyno Alt" };

// The viewer is in Tokyo: the link's expiry is in EVE time, and in local time (UTC+9) once JavaScript runs.
test.use({ timezoneId: "Asia/Tokyo" });

test("fleet activity tracking: an FC creates a link, a member clicks it with a scoped token and is recorded, the statistics draw their charts", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(150_000);
  const fleet = `FAT ${javaScriptEnabled ? "js" : "nojs"} ${Date.now().toString(36)}`;

  // The FC (the first-run superuser) creates a link: bad input first, re-shown with the error beside the field.
  await passwordLogin(page);
  await page.goto("/fat");
  await page.getByTestId("fat-create").click();
  await expect(page).toHaveURL(/\/fat\/create$/);
  await page.getByLabel("Fleet name").fill(fleet);
  await page.getByLabel("Duration (minutes)").fill("0");
  await page.getByTestId("fat-link-submit").click();
  await expect(page.getByText("Enter a whole number of minutes, 1 or more.")).toBeVisible();
  await expect(page.getByLabel("Fleet name")).toHaveValue(fleet);
  await page.getByLabel("Duration (minutes)").fill("30");
  await page.getByTestId("fat-link-submit").click();
  await expect(page).toHaveURL(/\/fat\/modify\/[\w-]+$/);
  await expect(page.getByTestId("toast-success")).toBeVisible();
  const linkPath = new URL((await page.getByTestId("fat-link-full").textContent())!.trim()).pathname;
  expect(linkPath).toMatch(/^\/fat\/link\/[\w-]+$/);
  await logout(page);

  // The member opens the link; the first time, a token with the FAT scopes comes through EVE SSO.
  await memberLogin(page, PILOT);
  await page.goto(linkPath);
  await expect(page.getByRole("heading", { name: `Fleet participation: ${fleet}` })).toBeVisible();
  await expect(page.getByTestId("fat-link-local")).toHaveText(javaScriptEnabled ? /GMT\+9/ : "—");
  const clickButton = page.getByTestId(`fat-click-${PILOT.id}`);
  if ((await clickButton.count()) === 0) {
    await page.getByTestId("fat-add-token").click();
    await expect(page.getByTestId("scopes")).toContainText("esi-location.read_online.v1");
    await page.getByTestId(`character-${PILOT.id}`).check();
    await page.getByTestId("authorize").click();
    await expect(page).toHaveURL(new RegExp(`${linkPath}$`));
    await expect(page.getByTestId("toast-success")).toContainText(PILOT.name);
  }
  await clickButton.click();
  await expect(page).toHaveURL(/\/fat$/);
  await expect(page.getByTestId("toast-success")).toContainText(`${PILOT.name} in ${fleet}`);
  const mine = page.getByTestId("fat-mine").getByRole("row").filter({ hasText: fleet });
  await expect(mine).toContainText("Hurricane");
  await expect(mine).toContainText("Jita");

  // A second click is refused: already recorded.
  await page.goto(linkPath);
  await expect(page.getByTestId("fat-recorded")).toBeVisible();
  await page.getByTestId(`fat-click-${PILOT.id}`).click();
  await expect(page.getByTestId("fat-click-error")).toContainText("already recorded");

  // The member's own statistics: a year chart of twelve bars and the month's ship chart, drawn by the server.
  await page.goto("/fat/user/statistics");
  await expect(page).toHaveURL(/\/fat\/user\/statistics\/\d{4}$/);
  await expect(page.getByTestId("fat-chart-year").locator("[data-bar]")).toHaveCount(12);
  await expect(page.getByTestId("fat-chart-year").getByRole("img")).toBeVisible();
  const now = new Date();
  await page.goto(`/fat/user/statistics/${now.getUTCFullYear()}/${now.getUTCMonth() + 1}`);
  await expect(page.getByTestId("fat-chart-ships")).toContainText("Hurricane");
  await expect(page.getByTestId("fat-next")).toHaveCount(0);
  await logout(page);

  // The FC's statistics by corporation: the member's corporation has a bar; its page lists the member.
  await passwordLogin(page);
  await page.goto("/fat/statistics");
  const chart = page.getByTestId("fat-chart-corporations");
  await expect(chart.getByRole("img")).toBeVisible();
  await expect(chart).toContainText("Lone Prospectors");
  await expect(page.getByTestId("fat-next")).toHaveCount(0);
  await page.getByTestId("fat-corporations").getByRole("link", { name: "Lone Prospectors" }).click();
  await expect(page.getByTestId("fat-chart-pilots")).toContainText(PILOT.name);
});
