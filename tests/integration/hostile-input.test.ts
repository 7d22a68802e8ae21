/**
 * Hostile input to every action (found from app/routes, so a new action is covered without editing
 * this file), as a superuser so the guards let it through to the parsing: NUL bytes, over-long
 * strings, huge and negative numbers, arrays for scalars, and non-form bodies. No answer may be a 5xx,
 * and no table may gain or lose a row.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminResources } from "~/modules/admin/resources/index.server";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { attachFakeEve } from "../support/eve";
import { makeGroup, makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { dataUrl, listRoutes, type RouteInfo } from "../support/routes";
import { type SignedIn, signedIn } from "../support/sessions";
import { allApps } from "~/apps/registry.server";

type Pairs = [string, string][];

/** Signing out ends the test's own session. */
// Both end the tester's own session (the sweep would go on logged out).
const SKIP = new Set(["routes/logout", "routes/logout-everywhere"]);

/** Writes these actions make by design for any well-formed request: a failed login is recorded (throttling), an SSO start stores its state. */
const WRITES_BY_DESIGN: Record<string, string[]> = {
  "routes/login": ["login_failures", "audit_log"],
  "routes/sso.login": ["sso_states"],
  "routes/_app.account.characters": ["sso_states"],
  // Corp stats: "sso" starts the SSO round trip for a token with the membership scope.
  "apps/corputils/routes/_app.corpstats.add": ["sso_states"],
  // Ending a user's sessions takes no field: any well-formed request does it, audited.
  "routes/admin.users.$id.sessions": ["sessions", "audit_log"],
};

const ADMIN_FIELDS = [...new Set(adminResources().flatMap((r) => [...(r.fields ?? []).map((f) => f.name), ...(r.filters ?? []).map((f) => f.name)]))];

const VALUES: Record<string, string[]> = {
  "NUL bytes": ["a\u0000b"],
  "over-long strings": ["x".repeat(100_000)],
  "huge numbers": ["1e308"],
  "huge integers": ["99999999999999999999999"],
  "negative numbers": ["-1"],
  "arrays for scalars": ["1", "2"],
};

describe.each(dialects)("hostile input on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let fake: Awaited<ReturnType<typeof attachFakeEve>>;
  let root: SignedIn;
  let sampleSets: Record<string, string>[] = [];

  beforeAll(async () => {
    if (skip) return;
    rt = await createTestRuntime(dialect);
    // Opt-in apps on, so that their routes are swept like every other.
    rt.settings.APPS_ENABLED = allApps().map((a) => a.id).join(",");
    fake = await attachFakeEve(rt);
    server = await startTestServer(rt);
    root = await signedIn(rt, server.origin, await makeUser(rt.db, { is_staff: true, is_superuser: true }));
    const group = await makeGroup(rt.db);
    const target = await makeUser(rt.db);
    const state = (await rt.db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow()).id;
    const base = { groupId: String(group.id), permission: "auth.view_user", jobKey: "no-such-job", key: "no-such-key", token: "no-such-token", file: "en.0000000000.js", service: "discord", action: "activate", kind: "corporation", runId: "999999", year: "2026", month: "1" };
    sampleSets = [
      { ...base, resource: "users", id: String(target.id) },
      { ...base, resource: "groups", id: String(group.id) },
      { ...base, resource: "states", id: String(state) },
    ];
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    await rt?.stop();
  });

  let countQuery: { query: ReturnType<typeof sql>; names: string[] } | null = null;
  /** Rows per table (every table the connection sees, the queue's too), in one query. */
  async function rowCounts(): Promise<Record<string, number>> {
    if (!countQuery) {
      const tables = (await rt.db.introspection.getTables()).filter((t) => !t.isView && !t.name.startsWith("kysely_"));
      const names = tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name));
      // A refusal writes its authz.denied audit row by design; any other audit row is a write.
      const counts = names.map((name) => (name.endsWith("audit_log") ? sql`(select count(*) from ${sql.table(name)} where action <> ${"authz.denied"})` : sql`(select count(*) from ${sql.table(name)})`));
      countQuery = { names, query: sql`select ${sql.join(counts.map((count, i) => sql`${count} as ${sql.id(`t${i}`)}`))}` };
    }
    const row = (await countQuery.query.execute(rt.db)).rows[0] as Record<string, unknown>;
    return Object.fromEntries(countQuery.names.map((name, i) => [name, Number(row[`t${i}`])]));
  }

  function actions(): { route: RouteInfo; samples: string }[] {
    const seen = new Set<string>();
    const out: { route: RouteInfo; samples: string }[] = [];
    for (const samples of sampleSets) {
      for (const route of listRoutes(samples)) {
        if (!route.hasAction || SKIP.has(route.id) || seen.has(route.url + route.id)) continue;
        seen.add(route.url + route.id);
        out.push({ route, samples: samples.resource });
      }
    }
    return out;
  }

  const post = (url: string, body: string, contentType: string) =>
    fetch(server.origin + url, { method: "POST", headers: { cookie: root.browser.cookieHeader(), origin: server.origin, "content-type": contentType }, body, redirect: "manual" });

  it.skipIf(skip)("no action answers hostile form values with a 5xx or writes a row", async () => {
    const problems: string[] = [];
    let requests = 0;
    for (const { route } of actions()) {
      const fields = route.id.startsWith("routes/admin.") ? [...new Set([...route.fields, ...ADMIN_FIELDS])] : route.fields;
      for (const intent of route.intents.length ? route.intents : [""]) {
        for (const [what, values] of Object.entries(VALUES)) {
          const pairs: Pairs = [["csrf", root.csrf]];
          if (intent) pairs.push(["intent", intent]);
          for (const field of fields.filter((f) => f !== "intent")) {
            if (route.id.startsWith("routes/admin.")) pairs.push(["_fields", field]);
            for (const value of values) pairs.push([field, value]);
          }
          if (route.id.endsWith("delete")) pairs.push(["confirm", "yes"]);
          const before = await rowCounts();
          const response = await post(dataUrl(route), new URLSearchParams(pairs).toString(), "application/x-www-form-urlencoded");
          requests++;
          const after = await rowCounts();
          const allowed = what === "NUL bytes" ? [] : (WRITES_BY_DESIGN[route.id] ?? []);
          const changed = Object.keys(after).filter((t) => after[t] !== before[t] && !allowed.includes(t.split(".").pop()!));
          if (response.status >= 500 || changed.length) problems.push(`${route.url} (${route.id}) intent=${intent} ${what}: ${response.status} ${changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(", ")}`);
        }
      }
    }
    expect(requests).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  }, 600_000);

  it.skipIf(skip)("no action answers a non-form body with a 5xx or writes a row", async () => {
    const problems: string[] = [];
    const bodies: [string, string, string][] = [
      ["JSON", JSON.stringify({ csrf: "x", intent: "delete", ids: [1, 2] }), "application/json"],
      ["text", "intent=delete", "text/plain"],
      ["broken urlencoding", `csrf=${encodeURIComponent("x")}&name=%ZZ%00`, "application/x-www-form-urlencoded"],
      ["binary", "\u0000\u0001\u0002\uffff", "application/octet-stream"],
    ];
    for (const { route } of actions()) {
      for (const [what, body, type] of bodies) {
        const before = await rowCounts();
        const response = await post(dataUrl(route), body, type);
        const after = await rowCounts();
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (response.status >= 500 || response.status < 400 || changed.length) problems.push(`${route.url} (${route.id}) ${what}: ${response.status} ${changed.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  }, 600_000);
});
