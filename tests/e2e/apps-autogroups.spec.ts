import { expect, test } from "@playwright/test";
import { choosePicked, logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): Carys O'Daire (memberLogin registers the account the first time).
const PILOT = { id: 90000006, email: "carys@example.com" };

test("auto groups: a config for every state creates the members' corporation groups; switching the kind off deletes them; the config is deleted", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(150_000);
  // A member with a main in a demo corporation.
  await memberLogin(page, PILOT);
  await logout(page);
  const prefix = `Auto${javaScriptEnabled ? "Js" : "NoJs"}${Date.now().toString(36)} `;
  await passwordLogin(page);

  await page.goto("/admin/autogroups/new");
  // The demo pilot is a Guest (the demo world has no alliance state).
  await choosePicked(page, "States", ["Guest"]);
  await page.getByTestId("field-corp_groups").check();
  await page.getByLabel("Corporation group prefix").fill(prefix);
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/autogroups\/\d+$/);
  const configUrl = new URL(page.url()).pathname;

  // The groups exist, named prefix + corporation name.
  await page.goto(`/admin/groups?q=${encodeURIComponent(prefix.trim())}`);
  await expect(page.getByTestId("admin-row").first()).toContainText(prefix.trim());

  // Corporation groups switched off: deleted.
  await page.goto(configUrl);
  await page.getByTestId("field-corp_groups").uncheck();
  await page.getByTestId("admin-save").click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await page.goto(`/admin/groups?q=${encodeURIComponent(prefix.trim())}`);
  await expect(page.getByTestId("admin-row")).toHaveCount(0);

  await page.goto(`${configUrl}/delete`);
  await page.getByTestId("admin-delete-confirm").click();
  await expect(page).toHaveURL(/\/admin\/autogroups$/);
  await expect(page.getByTestId("toast-success")).toBeVisible();
});
