/**
 * HR applications, clicked through with and without JavaScript (by project): an admin builds a form
 * of two questions for a demo pilot's corporation, the pilot applies (a missing answer comes back
 * beside its field), a reviewer takes the application and approves it, and the pilot sees the decision.
 */
import { expect, test } from "@playwright/test";
import { choosePicked, logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): a pilot no other spec uses, one per project (one application per form).
const PILOTS = {
  js: { id: 90000003, email: "hauler@example.com", corporation: "Lone Prospectors" },
  nojs: { id: 90000005, email: "ore.whisperer@example.com", corporation: "Deep Core Extraction" },
};

test("an admin builds a form, a member applies, a reviewer approves, the member sees the decision", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(150_000);
  const pilot = javaScriptEnabled ? PILOTS.js : PILOTS.nojs;
  const tag = `${javaScriptEnabled ? "js" : "nojs"}${Date.now().toString(36)}`;
  // The pilot signs up first, so that their corporation is known to the site.
  await memberLogin(page, pilot);
  await logout(page);

  // The admin: two questions (free text; single choice), then the corporation's form.
  await passwordLogin(page);
  const question = async (title: string, choices: string) => {
    await page.goto("/admin/hr-questions/new");
    await page.getByLabel("Question", { exact: true }).fill(title);
    await page.getByLabel("Choices (one a line; none for a free-text answer)").fill(choices);
    await page.getByTestId("admin-save").click();
    await expect(page).toHaveURL(/\/admin\/hr-questions\/\d+$/);
    return `${title} (#${/(\d+)$/.exec(page.url())![1]})`;
  };
  const why = `Why join us ${tag}?`;
  const whyOption = await question(why, "");
  const ready = `Ready to fly ${tag}?`;
  const readyOption = await question(ready, "Yes\nNo");
  await page.goto("/admin/hr-forms/new");
  await page.getByLabel("Corporation", { exact: true }).selectOption({ label: pilot.corporation });
  await choosePicked(page, "Questions (in the order asked)", [whyOption, readyOption]);
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/hr-forms\/\d+$/);
  await logout(page);

  // The member applies; a missing answer comes back beside its field, with what was typed kept.
  await memberLogin(page, pilot);
  await page.goto("/hr");
  await page.getByTestId("hr-create").click();
  await page.getByRole("link", { name: `Apply to ${pilot.corporation}` }).click();
  await page.getByLabel(why).fill("I mine, haul and never miss an op.");
  await page.getByTestId("hr-submit").click();
  await expect(page.getByRole("alert").filter({ hasText: "This field is required." })).toBeVisible();
  await expect(page.getByLabel(why)).toHaveValue("I mine, haul and never miss an op.");
  await page.getByRole("radio", { name: "Yes" }).check();
  await page.getByTestId("hr-submit").click();
  await expect(page).toHaveURL(/\/hr\/personal\/\d+$/);
  const appId = /(\d+)$/.exec(page.url())![1];
  await expect(page.getByTestId(`hr-status-${appId}`)).toHaveText("Pending");
  await expect(page.getByTestId("hr-answers")).toContainText("I mine, haul and never miss an op.");
  await logout(page);

  // The reviewer takes it and approves it.
  await passwordLogin(page);
  await page.goto("/hr");
  await expect(page.getByTestId("badge-hrapplications")).toBeVisible();
  await page.getByTestId("hr-pending").getByTestId(`hr-view-${appId}`).click();
  await expect(page).toHaveURL(new RegExp(`/hr/view/${appId}$`));
  await expect(page.getByTestId("hr-answers")).toContainText("I mine, haul and never miss an op.");
  await page.getByTestId("hr-progress").click();
  await expect(page.getByTestId("toast-success")).toContainText("You are now reviewing this application.");
  await page.getByTestId("hr-approve").click();
  await expect(page).toHaveURL(/\/hr$/);
  await expect(page.getByTestId("toast-success")).toContainText("The application was approved.");
  await expect(page.getByTestId("hr-reviewed").getByTestId(`hr-status-${appId}`)).toHaveText("Approved");
  await logout(page);

  // The member sees the decision, on the page and in their notifications.
  await memberLogin(page, pilot);
  await page.goto("/hr");
  await expect(page.getByTestId(`hr-status-${appId}`)).toHaveText("Approved");
  await page.goto("/notifications");
  await expect(page.getByText("Application accepted").first()).toBeVisible();
});
