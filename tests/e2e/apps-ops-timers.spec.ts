/**
 * Structure timers and fleet operations, as a superuser clicks through them (with and without
 * JavaScript, by project): add a timer and an operation, find them with their EVE time, and, with
 * JavaScript, the same EVE time shown in two viewers' local time zones with a live countdown.
 */
import { expect, type Page, test } from "@playwright/test";
import { ADMIN } from "./state";

async function login(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

const suffix = () => Date.now().toString(36);

test("a manager adds a structure timer; it is listed with its EVE time and countdown", async ({ page, javaScriptEnabled }) => {
  const details = `Fortizar armor ${suffix()}`;
  await login(page);
  await page.goto("/timers");
  await page.getByTestId("timer-add").click();
  await expect(page).toHaveURL(/\/timers\/add$/);
  // A wrong value comes back beside its field, with what was typed kept.
  await page.getByLabel("Details").fill(details);
  await page.getByLabel("System").fill("1DQ1-A");
  await page.getByLabel("Hours remaining").fill("30");
  await page.getByTestId("timer-submit").click();
  await expect(page.locator("#field-hours_left-error")).toContainText("Enter a whole number in range");
  await expect(page.getByLabel("Details")).toHaveValue(details);
  await page.getByLabel("Hours remaining").fill("");
  await page.getByLabel("Structure type").selectOption("Fortizar");
  await page.getByLabel("Timer type").selectOption("ARMOR");
  await page.getByLabel("Objective").selectOption("Hostile");
  await page.getByLabel("EVE time (UTC)").fill("2099-03-04T05:06");
  await page.getByLabel("Important", { exact: true }).check();
  await page.getByTestId("timer-submit").click();
  await expect(page).toHaveURL(/\/timers$/);
  const row = page.getByTestId("timers-current").locator("tr", { hasText: details });
  await expect(row).toContainText("2099-03-04 05:06 EVE");
  await expect(row).toContainText("Armor");
  await expect(row.getByTestId("timer-important")).toBeVisible();
  await expect(row.locator('[data-testid^="timer-countdown-"]')).toContainText(/^in \d+d \d\d:\d\d:\d\d$/);
  if (javaScriptEnabled) {
    // The countdown runs in the browser.
    const first = await row.locator('[data-testid^="timer-countdown-"]').textContent();
    await expect(row.locator('[data-testid^="timer-countdown-"]')).not.toHaveText(first!, { timeout: 3000 });
  } else {
    await expect(row.locator('[data-testid^="timer-local-"]')).toHaveText("—");
  }
});

test("a manager schedules a fleet operation; it is listed as upcoming in EVE time", async ({ page }) => {
  const name = `Home defence ${suffix()}`;
  await login(page);
  await page.goto("/optimer");
  await page.getByTestId("op-add").click();
  await page.getByLabel("Operation name").fill(name);
  await page.getByLabel("Doctrine").fill("Ferox");
  await page.getByLabel("Fleet commander").fill("Brannoc");
  await page.getByLabel("System").fill("Jita");
  await page.getByLabel("Location").fill("4-4");
  await page.getByLabel("Start (EVE time, UTC)").fill("2099-01-02T19:30");
  await page.getByLabel("Duration").fill("2h");
  await page.getByTestId("op-submit").click();
  await expect(page).toHaveURL(/\/optimer$/);
  const row = page.getByTestId("ops-upcoming").locator("tr", { hasText: name });
  await expect(row).toContainText("2099-01-02 19:30 EVE");
  await expect(row).toContainText("Jita (4-4)");
});

test.describe("local time follows the viewer's time zone; EVE time does not", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "local time needs JavaScript");
  for (const [zone, local, timerLocal] of [
    ["Asia/Tokyo", /01\/03\/2099, 04:30/, /03\/04\/2099, 02:06 PM/],
    ["America/New_York", /01\/02\/2099, 02:30/, /03\/04\/2099, 12:06 AM/],
  ] as const) {
    test.describe(zone, () => {
      test.use({ timezoneId: zone, locale: "en-US" });
      test(`an operation at 19:30 EVE shows in ${zone}`, async ({ page }) => {
        await login(page);
        await page.goto("/optimer");
        const row = page.getByTestId("ops-upcoming").locator("tr", { hasText: "2099-01-02 19:30 EVE" }).first();
        await expect(row).toContainText("2099-01-02 19:30 EVE");
        await expect(row.locator('[data-testid^="op-local-"]')).toHaveText(local);
      });
      test(`a structure timer entered in EVE time from ${zone} keeps its EVE time and shows in local time`, async ({ page }) => {
        const details = `Zone ${zone} ${suffix()}`;
        await login(page);
        await page.goto("/timers/add");
        await page.getByLabel("Details").fill(details);
        await page.getByLabel("System").fill("Jita");
        await page.getByLabel("Structure type").selectOption("Fortizar");
        await page.getByLabel("Timer type").selectOption("HULL");
        await page.getByLabel("Objective").selectOption("Friendly");
        await page.getByLabel("EVE time (UTC)").fill("2099-03-04T05:06");
        await page.getByTestId("timer-submit").click();
        await expect(page).toHaveURL(/\/timers$/);
        const row = page.getByTestId("timers-current").locator("tr", { hasText: details });
        await expect(row).toContainText("2099-03-04 05:06 EVE");
        await expect(row.locator('[data-testid^="timer-local-"]')).toHaveText(timerLocal);
      });
    });
  }
});
