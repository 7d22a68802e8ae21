import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import { createSession } from "~/modules/auth/sessions.server";
import { createSuperuser } from "~/modules/auth/users.server";
import { sessionCookie } from "~/web/cookies.server";
import { dialects, createTestRuntime, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";
import { Browser, startTestServer } from "../support/http";

const PASSWORD = "a long enough password";

/** The CSS the browser gets: the built Tailwind stylesheet. */
function builtCss() {
  const dir = path.resolve("public/build/_assets");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".css"))
    .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
    .join("\n");
}

async function loggedIn(rt: TestRuntime, origin: string, username: string) {
  const user = await rt.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
  const browser = new Browser(origin);
  const token = await createSession(rt.db, rt.settings, user, {});
  browser.cookies.set("aa_session", (await sessionCookie(rt.settings).serialize(token)).split(";")[0].split("=").slice(1).join("="));
  return browser;
}

describe.each(dialects)("dashboard on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    await createSuperuser(rt.db, { username: "boss", password: PASSWORD }, systemActor("test"));
    await makeUser(rt.db, { username: "plain", password: PASSWORD });
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
  });

  it.skipIf(skip)("the job chart's bars use colour classes present in the built CSS", async () => {
    const html = await (await (await loggedIn(rt, server.origin, "boss")).get("/dashboard")).text();
    const css = builtCss();
    for (const key of ["succeeded", "retried", "failed", "queued"]) {
      const match = html.match(new RegExp(`class="([^"]+)" data-testid="job-bar-${key}"`));
      expect(match, key).not.toBeNull();
      for (const cls of match![1].split(/\s+/)) {
        expect(css, `${cls} is not in the built CSS`).toContain(`.${cls}{`);
      }
    }
  });

  it.skipIf(skip)("a superuser without a main is shown in the Guest state, with its roles", async () => {
    const html = await (await (await loggedIn(rt, server.origin, "boss")).get("/dashboard")).text();
    expect(html).toContain('data-testid="dashboard-state">Guest<');
    expect(html).toContain('data-testid="dashboard-roles">Superuser, Staff<');
  });

  it.skipIf(skip)("a guest is not shown with the Member role", async () => {
    const html = await (await (await loggedIn(rt, server.origin, "plain")).get("/dashboard")).text();
    expect(html).toContain('data-testid="dashboard-state">Guest<');
    expect(html).toContain('data-testid="dashboard-roles">none<');
  });

  it.skipIf(skip)("the page title is translated into the reader's language", async () => {
    const browser = await loggedIn(rt, server.origin, "plain");
    const es = await (await browser.get("/dashboard", { "accept-language": "es" })).text();
    expect(es).toContain("<title>Panel · Alliance Auth</title>");
    const en = await (await browser.get("/dashboard", { "accept-language": "en" })).text();
    expect(en).toContain("<title>Dashboard · Alliance Auth</title>");
  });
});
