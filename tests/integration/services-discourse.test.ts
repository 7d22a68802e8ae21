/**
 * Discourse against the fake forum: DiscourseConnect over HTTP (signature, nonce, payload, link and the
 * first sync job; on both dialects, as the link is written with the job in one transaction), group sync
 * through the admin API (groups created, added, removed by username), rate limits (429 + Retry-After),
 * loss of access (logged out and suspended; lifted on the next permitted login), and the reconcile's
 * drift report.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorById } from "~/connectors/registry.server";
import { DiscourseRateLimitedError } from "~/connectors/discourse/api.server";
import { findAccount } from "~/modules/services/accounts.server";
import type { Connector } from "~/modules/services/contract";
import { reconcileService, syncServiceUser } from "~/modules/services/runner.server";
import { startFakeDiscourse, type FakeDiscourse } from "../fakes/discourse/index";
import { createTestRuntime, dialects, type TestRuntime } from "../support/db";
import { permissionId } from "../support/factories";
import { startTestServer, type Browser } from "../support/http";
import { browserAs, groupId, serviceMember, stateIds } from "../support/service-members";

const SECRET = "discourse-connect-secret-0123456789";

describe.each(dialects)("services: Discourse on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let fake: FakeDiscourse;
  let discourse: Connector;
  let states: { member: number; guest: number };
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    if (skip) return;
    fake = await startFakeDiscourse({ apiKey: "d-key", apiUsername: "system", ssoSecret: SECRET, connectUrl: "http://127.0.0.1:9/discourse/sso" });
    rt = await createTestRuntime(dialect, { settings: { DISCOURSE_URL: fake.url, DISCOURSE_API_KEY: "d-key", DISCOURSE_API_USERNAME: "system", DISCOURSE_SSO_SECRET: SECRET } });
    discourse = connectorById("discourse")!;
    states = await stateIds(rt.db);
    await rt.db.insertInto("state_permissions").values({ state_id: states.member, permission_id: await permissionId(rt.db, "discourse.access_discourse") }).execute();
    server = await startTestServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.stop();
    await fake?.stop();
  });
  const ctx = () => ({ db: rt.db, settings: rt.settings });

  /** Plays the forum: a signed request to our endpoint, then the browser follows our answer to the forum. */
  async function connect(b: Browser) {
    const { sso, sig } = fake.startConnect();
    const ours = await b.get(`/discourse/sso?${new URLSearchParams({ sso, sig })}`);
    const location = ours.headers.get("location") ?? "";
    if (ours.status !== 302 || !location.startsWith("http")) return { ours, forum: null };
    return { ours, forum: await fetch(location) };
  }

  it.skipIf(skip)("a signed request links the member, Discourse creates the user from our payload, the first sync is queued", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Aria Solenne", groups: ["Fleet Ops"], email: `aria.${dialect}@example.com` });
    const b = await browserAs(rt.db, rt.settings, server.origin, u.id);
    const { ours, forum } = await connect(b);
    expect(ours.headers.get("location")).toContain(`${fake.url}/session/sso_login?sso=`);
    expect(forum?.status).toBe(200);
    const remote = fake.userByExternal(u.id)!;
    expect(remote.email).toBe(`aria.${dialect}@example.com`);
    expect(remote.username).toBe("Aria_Solenne");
    expect(remote.avatarUrl).toBe(`https://images.evetech.net/characters/${u.characterId}/portrait?size=256`);
    expect((await findAccount(rt.db, "discourse", u.id))?.remoteUsername).toBe("Aria_Solenne");
    // Through the outbox (MySQL, or a separate queue) or straight into graphile-worker (shared PostgreSQL).
    const jobs = await rt.db.selectFrom("job_outbox").select("task").execute();
    const queued = jobs.some((j) => j.task === "discourse.update_groups") || (await rt.queuePool.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'discourse.update_groups'")).rows[0].n > 0;
    expect(queued).toBe(true);
    // The same answer replayed at the forum: the nonce is used (419).
    const again = await fetch(new URL(ours.headers.get("location")!));
    expect(again.status).toBe(419);
  });

  it.skipIf(skip)("a forged signature is a 400, a member without access a 403, without an email a warning; nothing is linked", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Brannoc Vey" });
    const b = await browserAs(rt.db, rt.settings, server.origin, u.id);
    const { sso } = fake.startConnect();
    expect((await b.get(`/discourse/sso?${new URLSearchParams({ sso, sig: "0".repeat(64) })}`)).status).toBe(400);
    expect((await b.get(`/discourse/sso?${new URLSearchParams({ sso })}`)).status).toBe(400);
    const guest = await serviceMember(rt.db, { stateId: states.guest, main: "Guest Pilot" });
    const g = await browserAs(rt.db, rt.settings, server.origin, guest.id);
    expect((await connect(g)).ours.status).toBe(403);
    const noMail = await serviceMember(rt.db, { stateId: states.member, main: "No Mail", email: null });
    const n = await browserAs(rt.db, rt.settings, server.origin, noMail.id);
    expect((await connect(n)).ours.headers.get("location")).toBe("/services");
    for (const id of [u.id, guest.id, noMail.id]) expect(await findAccount(rt.db, "discourse", id)).toBeNull();
    expect(fake.userByExternal(u.id)).toBeUndefined();
  });

  it.skipIf(skip)("group sync creates missing groups, adds and removes by username, keeps automatic groups", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Carys Odaire", groups: [`Alpha ${dialect}`, "X"] });
    await connect(await browserAs(rt.db, rt.settings, server.origin, u.id));
    const remote = fake.userByExternal(u.id)!;
    expect(await syncServiceUser(ctx(), discourse, u.id)).toEqual({ kind: "synced", changed: true });
    expect(fake.groupNamesOf(remote.id)).toEqual(expect.arrayContaining([`Alpha${dialect}`, "GroupX", "Member", "trust_level_0", "everyone"]));
    await rt.db.deleteFrom("user_groups").where("user_id", "=", u.id).execute();
    await rt.db.insertInto("user_groups").values({ user_id: u.id, group_id: await groupId(rt.db, `Bravo ${dialect}`) }).execute();
    fake.clearRequests();
    expect(await syncServiceUser(ctx(), discourse, u.id)).toEqual({ kind: "synced", changed: true });
    expect(fake.groupNamesOf(remote.id).filter((n) => !n.startsWith("trust_level") && n !== "everyone").sort()).toEqual([`Bravo${dialect}`, "Member"].sort());
    expect(fake.callCount("DELETE /groups/{id}/members.json")).toBe(2);
    const removal = fake.requests.find((r) => r.method === "DELETE");
    expect(removal?.body).toBe("usernames=Carys_Odaire");
    expect(await syncServiceUser(ctx(), discourse, u.id)).toEqual({ kind: "synced", changed: false });
  });

  it.skipIf(skip)("an account imported from Alliance Auth keeps the external id Discourse knows (the original's user id) for sync and login", async () => {
    const original = await serviceMember(rt.db, { stateId: states.member, main: "Isolde Varr", email: `isolde.${dialect}@example.com` });
    await connect(await browserAs(rt.db, rt.settings, server.origin, original.id));
    const remote = fake.userByExternal(original.id)!;
    // The imported member has another id here; the account keeps the original's id as its remote id.
    const imported = await serviceMember(rt.db, { stateId: states.member, main: "Isolde Varr II", email: `isolde2.${dialect}@example.com` });
    await rt.db.updateTable("service_accounts").set({ user_id: imported.id }).where("service", "=", "discourse").where("user_id", "=", original.id).execute();
    expect((await findAccount(rt.db, "discourse", imported.id))?.remoteId).toBe(String(original.id));
    expect(await syncServiceUser(ctx(), discourse, imported.id)).toMatchObject({ kind: "synced" });
    const { forum } = await connect(await browserAs(rt.db, rt.settings, server.origin, imported.id));
    expect(forum?.status).toBe(200);
    expect(fake.userByExternal(imported.id)).toBeUndefined();
    expect(fake.userByExternal(original.id)?.id).toBe(remote.id);
  });

  it.skipIf(skip)("a short Retry-After is waited out; a long one fails the job with the error recorded", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Dax Orrin", groups: [`Rate ${dialect}`] });
    await connect(await browserAs(rt.db, rt.settings, server.origin, u.id));
    fake.force429(1, 1);
    const started = Date.now();
    expect((await syncServiceUser(ctx(), discourse, u.id)).kind).toBe("synced");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await rt.db.insertInto("user_groups").values({ user_id: u.id, group_id: await groupId(rt.db, `Later ${dialect}`) }).execute();
    fake.force429(120, 1);
    await expect(syncServiceUser(ctx(), discourse, u.id)).rejects.toBeInstanceOf(DiscourseRateLimitedError);
    expect((await findAccount(rt.db, "discourse", u.id))?.lastError).toMatch(/retry after 120/);
  });

  it.skipIf(skip)("losing access logs out and suspends; the next permitted login lifts the suspension", async () => {
    const u = await serviceMember(rt.db, { stateId: states.member, main: "Elin Sarro" });
    const b = await browserAs(rt.db, rt.settings, server.origin, u.id);
    await connect(b);
    const remote = fake.userByExternal(u.id)!;
    await rt.db.updateTable("users").set({ state_id: states.guest }).where("id", "=", u.id).execute();
    expect(await syncServiceUser(ctx(), discourse, u.id)).toEqual({ kind: "removed", why: "no-access" });
    expect(remote.loggedOutAt).not.toBeNull();
    expect(remote.suspendReason).toBe("Disabled by auth.");
    expect(await findAccount(rt.db, "discourse", u.id)).toBeNull();
    await rt.db.updateTable("users").set({ state_id: states.member }).where("id", "=", u.id).execute();
    const { forum } = await connect(b);
    expect(forum?.status).toBe(200);
    expect(remote.suspendedTill).toBeNull();
    expect(await findAccount(rt.db, "discourse", u.id)).not.toBeNull();
  });

  it.skipIf(skip)("the reconcile fixes drift, unlinks members gone from the forum and reports forum users holding our groups without a link", async () => {
    const [a, b] = [await serviceMember(rt.db, { stateId: states.member, main: "Recon Alpha" }), await serviceMember(rt.db, { stateId: states.member, main: "Recon Beta" })];
    for (const u of [a, b]) {
      await connect(await browserAs(rt.db, rt.settings, server.origin, u.id));
      await syncServiceUser(ctx(), discourse, u.id);
    }
    const member = [...fake.groups.values()].find((g) => g.name === "Member")!;
    const remoteA = fake.userByExternal(a.id)!;
    member.members.delete(remoteA.id);
    fake.users.delete(fake.userByExternal(b.id)!.id);
    const stranger = { ...remoteA, id: 9_999, username: "stranger", email: "stranger@example.com", externalId: null };
    fake.users.set(stranger.id, stranger);
    member.members.add(stranger.id);
    const report = await reconcileService(ctx(), discourse);
    expect(report.lists.changedMembers).toContain("Recon_Alpha: groups");
    expect(report.goneUserIds).toContain(b.id);
    expect(report.lists.unlinkedHolders).toEqual(["stranger"]);
    expect(report.figures.unlinkedHolders).toBe(1);
    expect(fake.groupNamesOf(remoteA.id)).toContain("Member");
    expect(await findAccount(rt.db, "discourse", b.id)).toBeNull();
  });
});
