/** The app registry over HTTP: a switched-off app is a 404 before its code runs; a switched-on one plugs into menu and dashboard. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import { createSuperuser } from "~/modules/auth/users.server";
import { createTestRuntime, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { signedIn } from "../support/sessions";

const PASSWORD = "a long enough password";

async function loggedIn(rt: TestRuntime, origin: string, username: string) {
  const user = await rt.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
  return (await signedIn(rt, origin, user)).browser;
}

// The registry's behaviour does not depend on the database dialect: PostgreSQL only.
describe("apps switched on and off (APPS_ENABLED / APPS_DISABLED)", () => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    rt = await createTestRuntime("postgres");
    await createSuperuser(rt.db, { username: "boss", password: PASSWORD }, systemActor("test"));
    await makeUser(rt.db, { username: "plain", password: PASSWORD });
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  it("an opt-in app is off by default: its pages are 404 (data requests too) and it is in no menu or dashboard", async () => {
    rt.settings.APPS_ENABLED = "";
    const boss = await loggedIn(rt, server.origin, "boss");
    expect((await boss.get("/example")).status).toBe(404);
    expect((await boss.get("/example?_data=apps%2Fexample%2Froutes%2F_app.example._index")).status).toBe(404);
    expect((await boss.post("/example", { csrf: await boss.csrfFrom("/dashboard") })).status).toBe(404);
    const dashboard = await (await boss.get("/dashboard")).text();
    expect(dashboard).not.toContain('href="/example"');
    expect(dashboard).not.toContain("widget-example-greeting");
  });

  it("switched on, it answers in the member layout with its menu entry and widget, and checks its permission", async () => {
    rt.settings.APPS_ENABLED = "example";
    const boss = await loggedIn(rt, server.origin, "boss");
    const page = await boss.get("/example");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="sidebar"');
    expect(html).toMatch(/data-testid="example-greeting"[^>]*>Hello boss, you have registered 0 characters\./);
    expect(html).toContain('href="/example"');
    expect(await (await boss.get("/dashboard")).text()).toContain("widget-example-greeting");

    const plain = await loggedIn(rt, server.origin, "plain");
    expect((await plain.get("/example")).status).toBe(403);
    const plainDashboard = await (await plain.get("/dashboard")).text();
    expect(plainDashboard).not.toContain('href="/example"');
    expect(plainDashboard).not.toContain("widget-example-greeting");
  });

  it("APPS_DISABLED wins over APPS_ENABLED", async () => {
    rt.settings.APPS_ENABLED = "example";
    rt.settings.APPS_DISABLED = "example";
    const boss = await loggedIn(rt, server.origin, "boss");
    expect((await boss.get("/example")).status).toBe(404);
    rt.settings.APPS_DISABLED = "";
  });
});
