import { expect, type Page, test } from "@playwright/test";
import { logout, memberLogin, passwordLogin, choosePermissions } from "./session";

// Demo mode runs the fake TeamSpeak 3 ServerQuery server (tests/fakes/teamspeak3) with a simulated
// client that redeems each privilege key a moment after it is made. Runs with JavaScript on and off.
const MEMBER = { id: 90000006, email: "carys@example.com" };

/** The admin lets Guests use TeamSpeak 3, refreshes the server groups and maps the Guest state to "Blue". */
async function prepare(page: Page) {
  await passwordLogin(page);
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  await choosePermissions(page, ["teamspeak3.access_teamspeak3"]);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();

  await page.goto("/admin/services/teamspeak3");
  await expect(page.getByTestId("service-status")).toBeVisible();
  await page.getByTestId("service-action-run_ts3_group_update").click();
  await expect(page).toHaveURL(/\/admin\/services\/teamspeak3\?queued=run_ts3_group_update$/);
  // The worker mirrors the server groups; then the Guest state is mapped to "Blue" (once per server).
  await expect
    .poll(
      async () => {
        await page.goto("/admin/teamspeak3-state-groups");
        if ((await page.getByRole("cell", { name: "Blue", exact: true }).count()) > 0) return "mapped";
        await page.goto("/admin/teamspeak3-state-groups/new");
        const options = await page.locator('select[name="sgid"] option').allTextContents();
        return options.some((o) => o.startsWith("Blue")) ? "ready" : "waiting";
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .not.toBe("waiting");
  if ((await page.getByRole("cell", { name: "Blue", exact: true }).count()) === 0 && page.url().endsWith("/new")) {
    await page.locator('select[name="state_id"]').selectOption({ label: "Guest" });
    const blue = await page.locator('select[name="sgid"] option', { hasText: /^Blue/ }).getAttribute("value");
    await page.locator('select[name="sgid"]').selectOption(blue!);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("toast-success")).toBeVisible();
  }
  await logout(page);
}

test("a member activates TeamSpeak 3 with a privilege key, joins, resets the key and deactivates", async ({ page }) => {
  test.setTimeout(120_000);
  await prepare(page);
  await memberLogin(page, MEMBER);
  await page.goto("/services");
  const row = page.getByTestId("service-row-teamspeak3");
  if ((await row.getAttribute("data-status")) !== "none") {
    await page.getByTestId("service-teamspeak3-deactivate").click();
    await expect(page.getByTestId("toast-success")).toHaveText("Your TeamSpeak 3 account was deactivated.");
  }

  // Activate: the privilege key and the ts3server:// link that redeems it.
  await page.getByTestId("service-teamspeak3-activate").click();
  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByTestId("toast-success")).toContainText("privilege key is ready");
  await expect(row).toHaveAttribute("data-status", "active");
  const key = (await page.getByTestId("service-key-teamspeak3").textContent())!.trim();
  expect(key).toMatch(/^\S{20,}$/);
  const link = await page.getByTestId("service-join-teamspeak3").getAttribute("href");
  expect(link?.startsWith(`ts3server://ts.demo.invalid?token=${encodeURIComponent(key)}&nickname=`)).toBe(true);

  // The demo's simulated client redeems the key; "I have joined" then finds the identity and sets the groups.
  await expect
    .poll(
      async () => {
        await page.goto("/services");
        if ((await page.getByTestId("service-teamspeak3-verify").count()) === 0) return true;
        await page.getByTestId("service-teamspeak3-verify").click();
        await expect(page.getByTestId(/toast-(success|warning)/)).toBeVisible();
        return (await page.getByTestId("toast-success").count()) > 0;
      },
      { timeout: 20_000, intervals: [1000] },
    )
    .toBe(true);
  // The groups are applied by the worker's sync job: reload until they show.
  await expect
    .poll(
      async () => {
        await page.goto("/services");
        const groups = page.getByTestId("service-groups-teamspeak3");
        return (await page.getByTestId("service-pending-teamspeak3").count()) === 0 && (await groups.count()) > 0 ? await groups.textContent() : "";
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toContain("Blue");

  // Reset: the identity is deleted and a new key is issued.
  await page.getByTestId("service-teamspeak3-reset").click();
  await expect(page).toHaveURL(/\/services$/);
  const newKey = (await page.getByTestId("service-key-teamspeak3").textContent())!.trim();
  expect(newKey).not.toBe(key);

  // Deactivate: the account is gone and can be activated again.
  await page.getByTestId("service-teamspeak3-deactivate").click();
  await expect(page.getByTestId("toast-success")).toHaveText("Your TeamSpeak 3 account was deactivated.");
  await expect(row).toHaveAttribute("data-status", "none");
  await expect(page.getByTestId("service-teamspeak3-activate")).toBeVisible();
  await logout(page);

  // The admin sees the drift report of a sync-all and a healthy connection.
  await passwordLogin(page);
  await page.goto("/admin/services/teamspeak3");
  await page.getByTestId("service-sync-all").click();
  await expect(page).toHaveURL(/\/admin\/jobs\//);
  await expect(page.getByTestId("admin-job")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await page.goto("/admin/services/teamspeak3");
  await expect(page.getByTestId("service-drift")).toContainText("unlinkedHolders");
  await expect(page.getByTestId("service-status")).toHaveAttribute("data-status", "ok");
});
