/**
 * PAGE_CONCURRENCY: an HTTP process renders at most that many requests at once; the others wait their
 * turn and are all answered. Seen from the database: with the sessions table locked, every rendering
 * page waits on the lock in its first statement, so the waiting statements are the pages in progress.
 * (The dialect does not matter here: PostgreSQL only, whose pg_stat_activity shows the waits. Each read
 * on a pooled connection of its own, so each waiting page shows: shared pipelined connections would
 * queue several pages' reads behind one waiting statement.)
 * A request whose client left while it waited its turn is not run: its socket is gone when the turn
 * comes, so no loader or action of it runs.
 */
import http from "node:http";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestRuntime, dialectFreeTestsElsewhere, type TestRuntime } from "../support/db";
import { makeUser } from "../support/factories";
import { startTestServer } from "../support/http";
import { signedIn } from "../support/sessions";

const REQUESTS = 5;

async function waitingOnLock(admin: pg.Client, database: string) {
  const { rows } = await admin.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and query like '%\"sessions\"%'", [database]);
  return Number(rows[0]!.n);
}

/** Polls until the count has stayed the same for a while (every request that can start has started). */
async function settledWaiting(admin: pg.Client, database: string) {
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const now = await waitingOnLock(admin, database);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (now > 0 && Date.now() - stableSince > 400) return now;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return last;
}

describe.skipIf(dialectFreeTestsElsewhere)("page concurrency on PostgreSQL", () => {
  const dialect = "postgres";
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  /** A server with PAGE_CONCURRENCY `limit`, a signed-in member, and two more connections: one to lock tables, one to watch. */
  async function site(limit: string) {
    const rt: TestRuntime = await createTestRuntime(dialect, { settings: { PAGE_CONCURRENCY: limit }, sharedReads: false });
    stops.push(() => rt.stop());
    const server = await startTestServer(rt);
    stops.push(() => server.close());
    const user = await makeUser(rt.db);
    const { browser, csrf } = await signedIn(rt, server.origin, user);
    const database = new URL(rt.url).pathname.slice(1);
    const locker = new pg.Client({ connectionString: rt.url });
    const admin = new pg.Client({ connectionString: rt.url });
    await locker.connect();
    await admin.connect();
    stops.push(() => locker.end(), () => admin.end());
    return { rt, server, user, browser, csrf, database, locker, admin };
  }

  async function blockedPages(limit: string) {
    const { server, browser, database, locker, admin } = await site(limit);
    await locker.query("begin");
    await locker.query("lock table sessions in access exclusive mode");
    const pages = Array.from({ length: REQUESTS }, () => fetch(`${server.origin}/dashboard`, { headers: { cookie: browser.cookieHeader() }, redirect: "manual" }));
    const waiting = await settledWaiting(admin, database);
    // Not behind the gate: the health check answers (its database check too) while the pages wait.
    const health = (await (await fetch(`${server.origin}/healthz`)).json()) as { database: { ok: boolean } };
    await locker.query("commit");
    const statuses = (await Promise.all(pages)).map((response) => response.status);
    return { waiting, databaseOk: health.database.ok, statuses };
  }

  /** Sends a whole POST on a socket of its own, without waiting for the answer; `leave` closes the socket. */
  function postAndMaybeLeave(origin: string, path: string, headers: Record<string, string>, body: string) {
    const request = http.request(`${origin}${path}`, { method: "POST", agent: false, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } });
    const answered = new Promise<number | null>((resolve) => {
      request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? null);
      });
      request.on("error", () => resolve(null));
    });
    request.end(body);
    return { answered, leave: () => request.destroy() };
  }

  it("does not run a request whose client left while it waited its turn", async () => {
    const { rt, server, user, browser, csrf, database, locker, admin } = await site("1");
    const themeOf = async () => (await rt.db.selectFrom("users").select("theme").where("id", "=", user.id).executeTakeFirstOrThrow()).theme;
    const headers = { cookie: browser.cookieHeader(), origin: server.origin, "content-type": "application/x-www-form-urlencoded" };
    const page = () => fetch(`${server.origin}/dashboard`, { headers: { cookie: browser.cookieHeader() }, redirect: "manual" });

    /** One page holds the only place (waiting on the locked sessions table); a theme change waits behind it. */
    async function themeChangeBehindABlockedPage(theme: string, leave: boolean) {
      await locker.query("begin");
      await locker.query("lock table sessions in access exclusive mode");
      const first = page();
      expect(await settledWaiting(admin, database)).toBe(1);
      const change = postAndMaybeLeave(server.origin, "/settings/theme", headers, new URLSearchParams({ csrf, theme, returnTo: "/dashboard" }).toString());
      // Time for the server to read the request and queue it (nothing of it runs before its turn).
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (leave) change.leave();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await locker.query("commit");
      expect((await first).status).toBe(200);
      // Queued after the change: once it is answered, the change's turn has come and gone.
      expect((await page()).status).toBe(200);
      return change.answered;
    }

    // The client stays: the change runs in its turn (so the check below can fail).
    expect(await themeChangeBehindABlockedPage("dark", false)).toBe(302);
    expect(await themeOf()).toBe("dark");

    // The client leaves while the change waits: it never runs.
    expect(await themeChangeBehindABlockedPage("amarr", true)).toBe(null);
    expect(await themeOf()).toBe("dark");
  });

  it("renders at most PAGE_CONCURRENCY requests at once; the others wait their turn and all are answered", async () => {
    const limited = await blockedPages("2");
    expect(limited.waiting).toBe(2);
    expect(limited.databaseOk).toBe(true);
    expect(limited.statuses).toEqual(Array(REQUESTS).fill(200));

    // Without the limit every request is in progress at once (the check above can fail).
    const unlimited = await blockedPages("0");
    expect(unlimited.waiting).toBe(REQUESTS);
    expect(unlimited.statuses).toEqual(Array(REQUESTS).fill(200));
  });
});
