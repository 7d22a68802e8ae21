/**
 * Issue 12 item 1: every page, rendered in every language, shows that language. A raw key
 * ("groups.list.title") or an English sentence whose translation exists fails the test.
 * PostgreSQL only: the dialect plays no part in what a page says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogues } from "~/i18n/i18n.server";
import { LANGUAGE_CODES } from "~/i18n/languages";
import { createTestRuntime, type TestRuntime } from "../support/db";
import { attachFakeEve } from "../support/eve";
import { makeGroup, makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { listRoutes } from "../support/routes";
import { signedIn } from "../support/sessions";

type Tree = { [key: string]: string | Tree };
function leaves(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

/** The text a reader sees: no scripts, styles or tags. */
function visibleText(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("every page in every language", () => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: Awaited<ReturnType<typeof attachFakeEve>>;
  let urls: string[] = [];

  beforeAll(async () => {
    rt = await createTestRuntime("postgres");
    fake = await attachFakeEve(rt);
    server = await startTestServer(rt);
    const group = await makeGroup(rt.db);
    const state = (await rt.db.selectFrom("states").select("id").executeTakeFirstOrThrow()).id;
    const routes = listRoutes({ groupId: String(group.id), id: String(state), resource: "users", permission: "auth.view_user", jobKey: "no-such-job", key: "no-such-key", token: "no-such-token", file: "en.0000000000.js", service: "discord", action: "activate", kind: "corporation", runId: "999999", year: "2026", month: "1" });
    urls = [...new Set(routes.filter((r) => r.hasLoader && r.file.endsWith(".tsx")).map((r) => r.url))];
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    await rt?.stop();
  });

  it.each(LANGUAGE_CODES)("%s: no raw key and no English fallback on any page", async (code) => {
    const user = await makeUser(rt.db, { is_staff: true, is_superuser: true });
    await rt.db.updateTable("users").set({ language: code }).where("id", "=", user.id).execute();
    const session = await signedIn(rt, server.origin, user);
    const keys = leaves(catalogues.en as Tree).map(([k]) => k.replace(/_(zero|one|two|few|many|other)$/, ""));
    const own = new Map(leaves(catalogues[code] as Tree));
    // English sentences that this language translates differently (long enough not to be a name or a shared word).
    const english = leaves(catalogues.en as Tree).filter(([k, v]) => code !== "en" && v.length >= 16 && !v.includes("{{") && own.has(k) && own.get(k) !== v);
    const problems: string[] = [];
    let pages = 0;
    for (const url of urls) {
      const response = await session.browser.get(url);
      if (!(response.headers.get("content-type") ?? "").includes("text/html")) continue;
      pages++;
      const text = visibleText(await response.text());
      for (const key of keys) if (new RegExp(`(^|[\\s(])${key.replace(/\./g, "\\.")}($|[\\s).:,])`).test(text)) problems.push(`${url}: raw key ${key}`);
      for (const [key, value] of english) if (text.includes(value)) problems.push(`${url}: English "${value}" (${key})`);
    }
    expect(pages).toBeGreaterThan(15);
    expect(problems.join("\n")).toBe("");
  });
});
