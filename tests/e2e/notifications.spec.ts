import { expect, type Page, test } from "@playwright/test";
import { passwordLogin } from "./session";

// The superuser may or may not have notifications (a failed background job creates some), so the
// tests first clear them through the UI and then check the empty states.

async function clearAll(page: Page) {
  await page.getByTestId("mark-all-read").click();
  await expect(page.getByTestId("toast-success")).toHaveText(/^Notifications marked as read: \d+\.$/);
  await expect(page.getByTestId("tab-unread")).toHaveText("Unread (0)");
  await page.getByTestId("delete-all-read").click();
  await expect(page.getByTestId("toast-success")).toHaveText(/^Read notifications deleted: \d+\.$/);
  await expect(page.getByTestId("tab-read")).toHaveText("Read (0)");
}

test("notifications page with JavaScript: bell, tabs, mark all read, delete all read, count refresh", async ({ page }) => {
  test.setTimeout(60_000);
  await page.clock.install();
  await passwordLogin(page);
  const bell = page.getByTestId("notification-bell");
  await expect(bell).toBeVisible();
  await expect(bell).toHaveAttribute("data-count", /^\d+$/);

  await page.getByTestId("sidebar").getByRole("link", { name: "Notifications" }).click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByRole("heading", { name: "Notifications" })).toBeVisible();
  await expect(page.getByTestId("tab-unread")).toHaveAttribute("aria-current", "page");
  await clearAll(page);
  await expect(bell).toHaveAttribute("data-count", "0");
  await expect(page.getByTestId("notification-count")).toHaveCount(0);

  await page.getByTestId("tab-read").click();
  await expect(page).toHaveURL(/\/notifications\?tab=read$/);
  await expect(page.getByTestId("tab-read")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("notifications-empty")).toHaveText("You have no read notifications.");
  await page.getByTestId("tab-unread").click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByTestId("notifications-empty")).toHaveText("You have no unread notifications.");

  // The bell polls /notifications/count every NOTIFICATIONS_REFRESH_TIME seconds (default 30).
  const refresh = Number(await bell.getAttribute("data-refresh"));
  expect(refresh).toBeGreaterThan(0);
  const tick = async (expected: () => Promise<void>) =>
    expect(async () => {
      await page.clock.fastForward(refresh * 1000 + 1000);
      await expected();
    }).toPass({ timeout: 20_000 });
  await page.route("**/notifications/count", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ unread_count: 7 }) }));
  await tick(() => expect(page.getByTestId("notification-count")).toHaveText("7", { timeout: 2000 }));
  await page.unroute("**/notifications/count");
  const answers: unknown[] = [];
  page.on("response", async (response) => {
    if (new URL(response.url()).pathname === "/notifications/count") answers.push({ status: response.status(), body: await response.json() });
  });
  await tick(() => expect(bell).toHaveAttribute("data-count", "0", { timeout: 2000 }));
  await expect.poll(() => answers).toContainEqual({ status: 200, body: { unread_count: 0 } });

  // The bell links to the list.
  await page.getByTestId("tab-read").click();
  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("notifications page: tabs and both bulk forms work as plain HTML", async ({ page }) => {
    await passwordLogin(page);
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("data-count", /^\d+$/);
    await page.getByTestId("notification-bell").click();
    await expect(page).toHaveURL(/\/notifications$/);
    await clearAll(page);
    await expect(page.getByTestId("notification-bell")).toHaveAttribute("data-count", "0");
    await expect(page.getByTestId("notifications-empty")).toHaveText("You have no unread notifications.");
    await page.getByTestId("tab-read").click();
    await expect(page).toHaveURL(/\/notifications\?tab=read$/);
    await expect(page.getByTestId("notifications-empty")).toHaveText("You have no read notifications.");
    // The bulk forms keep the tab.
    await page.getByTestId("mark-all-read").click();
    await expect(page).toHaveURL(/\/notifications\?tab=read$/);
    await expect(page.getByTestId("toast-success")).toHaveText("Notifications marked as read: 0.");

    // Someone else's (or a missing) notification is not found.
    await page.goto("/notifications/999999999");
    await expect(page.getByTestId("error-404")).toBeVisible();
    const count = await page.request.get("/notifications/count");
    expect(count.status()).toBe(200);
    expect(await count.json()).toEqual({ unread_count: 0 });
  });
});
