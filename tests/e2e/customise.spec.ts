import { expect, test } from "@playwright/test";
import { choosePermissions, logout, memberLogin, passwordLogin } from "./session";

// Demo world (tests/fakes/eve/demo.ts): Carys O'Daire, a Guest (memberLogin registers her the first time).
const MEMBER = { id: 90000006, email: "carys@example.com" };
// A 1×1 PNG.
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c50000000049454e44ae426082", "hex");
const GOLD = "rgb(201, 162, 39)";

test("an admin customises menu, branding, theme and CSS and posts an announcement; a member sees it all and dismisses the announcement", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(150_000);
  const tag = `${javaScriptEnabled ? "Js" : "NoJs"}${Date.now().toString(36)}`;
  const folder = `Ops ${tag}`;
  const wiki = `Wiki ${tag}`;
  const news = `News ${tag}`;
  // Carys exists before the admin's changes (a first login registers her).
  await memberLogin(page, MEMBER);
  await logout(page);
  await passwordLogin(page);

  // Guests may see the structure timers (the timerboard app's menu entry).
  await page.goto("/admin/states");
  await page.getByRole("link", { name: "Guest", exact: true }).click();
  await choosePermissions(page, ["auth.timer_view"]);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast-success")).toBeVisible();

  // A new folder, the app's entry moved into it, and a link beside it.
  await page.goto("/admin/menu/new");
  await page.getByTestId("field-label").fill(folder);
  await page.getByTestId("field-icon").selectOption({ label: "Rocket" });
  await page.getByTestId("field-order").fill("5");
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/menu\/\d+$/);

  await page.goto("/admin/menu?q=timerboard");
  await page.getByTestId("admin-row").getByRole("link", { name: "Structure timers", exact: true }).click();
  await page.getByTestId("field-parent").selectOption({ label: folder });
  await page.getByTestId("field-order").fill("1");
  await page.getByTestId("admin-save").click();
  await expect(page.getByTestId("toast-success")).toBeVisible();

  await page.goto("/admin/menu/new");
  await page.getByTestId("field-label").fill(wiki);
  await page.getByTestId("field-url").fill(`https://wiki.example.org/${tag}`);
  await page.getByTestId("field-icon").selectOption({ label: "Book" });
  await page.getByTestId("field-parent").selectOption({ label: folder });
  await page.getByTestId("field-order").fill("2");
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/menu\/\d+$/);

  // Branding: a logo, the Amarr theme as the site's default, custom CSS (a hostile one first: refused).
  await page.goto("/admin/branding");
  await page.getByTestId("branding-logo-file").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: PNG });
  await page.getByTestId("branding-logo-upload").click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
  await expect(page.getByTestId("branding-logo-current")).toBeVisible();
  await page.getByLabel("Default theme").selectOption("amarr");
  await page.getByLabel("Custom CSS").fill("header { color: red } </style><script>alert(1)</script>");
  await page.getByTestId("branding-save").click();
  await expect(page.locator("#field-customCss-error")).toHaveText(/cannot contain “<”/);
  await page.getByLabel("Custom CSS").fill(`header { outline: 3px solid ${GOLD} }`);
  await page.getByTestId("branding-save").click();
  await expect(page.getByTestId("toast-success")).toBeVisible();

  // An announcement for everyone.
  await page.goto("/admin/announcements/new");
  await page.getByTestId("field-title").fill(news);
  await page.getByTestId("field-message").fill("Customised.");
  await page.getByTestId("field-level").selectOption({ label: "info" });
  await page.getByTestId("field-startsAt").fill("2026-01-01 00:00");
  await page.getByTestId("admin-save").click();
  await expect(page).toHaveURL(/\/admin\/announcements\/\d+$/);
  await logout(page);

  // The member sees all of it.
  await memberLogin(page, MEMBER);
  const sidebar = page.getByTestId("sidebar");
  const ops = sidebar.getByTestId("menu-folder").filter({ hasText: folder });
  await expect(ops).toBeVisible();
  await expect(ops.getByRole("link", { name: "Structure timers" })).toBeVisible();
  await expect(ops.getByRole("link", { name: wiki })).toHaveAttribute("href", `https://wiki.example.org/${tag}`);
  await expect(ops.locator('[data-icon="book"]')).toHaveCount(1);
  await expect(page.getByTestId("site-logo")).toBeVisible();
  await expect(page.locator("html")).toHaveClass("theme-amarr");
  await expect(page.locator("header")).toHaveCSS("outline-color", GOLD);

  // Their own theme, then the site's again.
  await page.getByTestId("theme-select").selectOption("contrast");
  if (!javaScriptEnabled) await page.getByTestId("theme-submit").click();
  await expect(page.locator("html")).toHaveClass("dark theme-contrast");
  // The current page's entry: black on yellow (not yellow on yellow).
  await expect(sidebar.getByRole("link", { name: "Dashboard", exact: true })).toHaveCSS("color", "rgb(0, 0, 0)");
  await expect(sidebar.getByRole("link", { name: "Dashboard", exact: true })).toHaveCSS("background-color", "rgb(255, 230, 0)");
  await page.getByTestId("theme-select").selectOption("default");
  if (!javaScriptEnabled) await page.getByTestId("theme-submit").click();
  await expect(page.locator("html")).toHaveClass("theme-amarr");

  // The announcement, dismissed for good.
  await page.goto("/dashboard");
  const card = page.getByTestId("announcement").filter({ hasText: news });
  await expect(card).toBeVisible();
  await card.getByTestId("announcement-dismiss").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("announcement").filter({ hasText: news })).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("announcement").filter({ hasText: news })).toHaveCount(0);
  await logout(page);

  // Back to the plain look for the specs that follow (the menu changes stay).
  await passwordLogin(page);
  await page.goto("/admin/branding");
  await page.getByLabel("Default theme").selectOption("light");
  await page.getByLabel("Custom CSS").fill("");
  await page.getByTestId("branding-save").click();
  await expect(page.getByTestId("toast-success")).toBeVisible();
});
