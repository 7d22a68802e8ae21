/**
 * Ship replacement, with and without JavaScript (by project): a manager creates an SRP fleet, a demo
 * pilot files a loss by its killmail link (the demo's fake zKillboard and fake ESI know it), the
 * manager sets a payout and approves it, the totals render on the server, and the pilot sees the
 * decision and its notification.
 */
import { expect, test } from "@playwright/test";
import { grantStatePermissions, logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): Cyno Alt, a Guest, lost a Hurricane and a Rifter (DEMO.kills);
// Aria Solenne's Rifter is someone else's loss. Each project files its own kill (a kill is filed once).
const PILOT = { id: 90000008, email: "cyno@example.com", name: "Cyno Alt" };
const KILLS = {
  js: { link: "https://zkillboard.com/kill/120000001/", killId: 120000001, ship: "Hurricane", loss: "48,250,000 ISK", payout: "40m", paid: "40,000,000 ISK" },
  nojs: { link: "https://esi.evetech.net/latest/killmails/120000002/7e240de74fb1ed08fa08d38063f6a6a91462a815/", killId: 120000002, ship: "Rifter", loss: "1,375,000 ISK", payout: "1,375,000", paid: "1,375,000 ISK" },
};
const OTHERS_KILL = "https://zkillboard.com/kill/120000003/";

// The browser is far from UTC: the fleet time is typed and shown in EVE time all the same.
test.use({ timezoneId: "Pacific/Auckland" });

test("SRP: a manager creates a fleet, a member files a loss, the manager pays and approves it, the member is told", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(150_000);
  const kill = javaScriptEnabled ? KILLS.js : KILLS.nojs;
  const fleetName = `SRP ${javaScriptEnabled ? "js" : "nojs"} ${Date.now().toString(36)}`;

  // The manager (the first-run superuser) lets Guests file SRP requests and creates a fleet: bad input first.
  await passwordLogin(page);
  await grantStatePermissions(page, "Guest", ["srp.access_srp"]);
  await page.goto("/srp");
  await page.getByTestId("srp-add-fleet").click();
  await expect(page).toHaveURL(/\/srp\/add$/);
  await page.getByLabel("Fleet name").fill(fleetName);
  await page.getByLabel("Fleet time (EVE time, UTC)").fill("2026-01-10T19:00");
  await page.getByTestId("srp-fleet-submit").click();
  await expect(page.locator("#field-doctrine-error")).toHaveText("This field is required.");
  await expect(page.getByLabel("Fleet name")).toHaveValue(fleetName);
  await page.getByLabel("Doctrine").fill("Hurricane fleet");
  await page.getByTestId("srp-fleet-submit").click();
  await expect(page).toHaveURL(/\/srp$/);
  await expect(page.getByTestId("toast-success")).toContainText("SRP fleet created");
  const fleetRow = page.getByTestId("srp-fleets").getByRole("row").filter({ hasText: fleetName });
  await expect(fleetRow).toContainText("2026-01-10 19:00 EVE");
  // …and, once JavaScript runs, in the viewer's time: Auckland is UTC+13 in January.
  await expect(fleetRow.locator('[data-testid^="srp-fleet-local-"]')).toHaveText(javaScriptEnabled ? /01\/11\/2026.*08:00.*GMT\+13/ : "—");
  const requestPath = await fleetRow.getByRole("link", { name: /^[\w-]{16}$/ }).getAttribute("href");
  const fleetPath = await fleetRow.getByRole("link", { name: fleetName }).getAttribute("href");
  expect(requestPath).toMatch(/^\/srp\/request\/[\w-]{16}$/);
  await logout(page);

  // The member files: someone else's loss is refused beside the field, with the link kept; their own is filed.
  await memberLogin(page, PILOT);
  await page.goto(requestPath!);
  await expect(page.getByRole("heading", { name: `File an SRP request for ${fleetName}` })).toBeVisible();
  await page.getByLabel("Killboard link").fill(OTHERS_KILL);
  await page.getByLabel("Additional information").fill("Bubbled on the gate");
  await page.getByTestId("srp-request-submit").click();
  await expect(page.locator("#field-killboard_link-error")).toHaveText("The victim of this kill is not one of your characters.");
  await expect(page.getByLabel("Killboard link")).toHaveValue(OTHERS_KILL);
  await expect(page.getByLabel("Additional information")).toHaveValue("Bubbled on the gate");
  await page.getByLabel("Killboard link").fill(kill.link);
  await page.getByTestId("srp-request-submit").click();
  await expect(page).toHaveURL(/\/srp$/);
  await expect(page.getByTestId("toast-success")).toHaveText("Your SRP request was filed.");
  const mine = page.getByTestId("srp-mine").getByRole("row").filter({ hasText: fleetName });
  await expect(mine).toContainText(kill.ship);
  await expect(mine).toContainText("Pending");
  await logout(page);

  // The manager: the loss value from zKillboard, a payout (a wrong amount first), the approval, the totals.
  await passwordLogin(page);
  await page.goto(fleetPath!);
  const request = page.getByTestId(`srp-request-${kill.killId}`);
  await expect(request).toContainText(PILOT.name);
  await expect(request).toContainText(kill.loss);
  await expect(page.getByTestId("srp-total-requested")).toHaveText(kill.loss);
  await expect(page.getByTestId("srp-total-approved")).toHaveText("0 ISK");
  await page.getByTestId(`srp-amount-${kill.killId}`).fill("lots");
  await page.getByTestId(`srp-save-payout-${kill.killId}`).click();
  await expect(page.getByTestId(`srp-amount-error-${kill.killId}`)).toContainText("Enter an amount in ISK");
  await expect(page.getByTestId(`srp-amount-${kill.killId}`)).toHaveValue("lots");
  await page.getByTestId(`srp-amount-${kill.killId}`).fill(kill.payout);
  await page.getByTestId(`srp-save-payout-${kill.killId}`).click();
  await expect(page.getByTestId("toast-success")).toHaveText("Payout saved.");
  await expect(page.getByTestId(`srp-payout-${kill.killId}`)).toHaveText(kill.paid);
  await page.getByRole("checkbox", { name: `Select the request of ${PILOT.name}` }).check();
  await page.getByTestId("srp-approve").click();
  await expect(page.getByTestId("toast-success")).toHaveText("The selected requests were approved.");
  await expect(request).toContainText("Approved");
  await expect(page.getByTestId("srp-total-approved")).toHaveText(kill.paid);
  await page.goto("/srp");
  await expect(page.getByTestId("srp-fleets").getByRole("row").filter({ hasText: fleetName })).toContainText(kill.paid);
  await logout(page);

  // The member sees the decision and the notification.
  await memberLogin(page, PILOT);
  await page.goto("/srp");
  const decided = page.getByTestId("srp-mine").getByRole("row").filter({ hasText: fleetName });
  await expect(decided).toContainText("Approved");
  await expect(decided).toContainText(kill.paid);
  await page.goto("/notifications");
  await page.getByTestId("notification-list").getByRole("link", { name: "SRP request approved" }).first().click();
  await expect(page.getByTestId("notification-message")).toHaveText(`Your SRP request for the ${kill.ship} lost by ${PILOT.name} was approved: ${kill.paid}.`);
});
