/**
 * The Jabber broadcast end to end on Debian's prosody (the Openfire Broadcast plugin's fan-out played by
 * tests/fixtures/prosody/mod_broadcast_groups.lua over the fake Openfire's groups): a member online with
 * a real XMPP client receives the message with the original's footer, a non-member does not; the page's
 * permission, its choices, bad input and a bot that cannot log in. Skipped without prosody or the CI's
 * TEST_* variables (newcomer path).
 */
import { client, xml, type XmppClient } from "@xmpp/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorById } from "~/connectors/registry.server";
import { systemActor } from "~/modules/audit/audit.server";
import { activatePasswordAccount } from "~/modules/services/passwords.server";
import { startFakeOpenfire, type FakeOpenfire } from "../fakes/openfire/index";
import { createTestRuntime, postgresAlways, type TestRuntime } from "../support/db";
import { permissionId } from "../support/factories";
import { startTestServer } from "../support/http";
import { prosodySkipReason, startProsody, type Prosody } from "../support/prosody";
import { browserAs, serviceMember, stateIds } from "../support/service-members";

const C2S_PORT = 3435;
const skipReason = prosodySkipReason();
if (skipReason) console.warn(`[openfire-broadcast] skipped: ${skipReason}`);
const pg = [postgresAlways];

describe.skipIf(Boolean(skipReason)).each(pg)("Jabber broadcast through prosody on $dialect", ({ dialect, skip }) => {
  let rt: TestRuntime;
  let openfire: FakeOpenfire;
  let prosody: Prosody;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const online: XmppClient[] = [];
  const inbox = new Map<string, string[]>();

  /** Logs in like a member's chat client and collects the messages it receives. */
  async function connect(username: string, password: string) {
    const c = client({ service: `xmpp://127.0.0.1:${C2S_PORT}`, domain: "localhost", username, password });
    c.reconnect.stop();
    c.on("error", () => {});
    inbox.set(username, []);
    c.on("stanza", (s) => {
      if (s.is("message") && s.getChildText("body")) inbox.get(username)!.push(s.getChildText("body")!);
    });
    await c.start();
    await c.send(xml("presence"));
    online.push(c);
  }

  beforeAll(async () => {
    if (skip) return;
    openfire = await startFakeOpenfire({ secret: "of-secret", domain: "localhost" });
    prosody = await startProsody({ port: C2S_PORT, allowedSenders: ["broadcast@localhost"] });
    await prosody.register("broadcast", "bot-password");
    rt = await createTestRuntime(dialect, {
      settings: { OPENFIRE_ADDRESS: openfire.url, OPENFIRE_SECRET_KEY: "of-secret", JABBER_URL: "localhost", JABBER_SERVER: "127.0.0.1", JABBER_PORT: String(C2S_PORT), BROADCAST_USER: "broadcast@localhost", BROADCAST_USER_PASSWORD: "bot-password" },
    });
    const states = await stateIds(rt.db);
    await rt.db.insertInto("state_permissions").values({ state_id: states.member, permission_id: await permissionId(rt.db, "openfire.access_openfire") }).execute();
    server = await startTestServer(rt);
  }, 60_000);
  afterAll(async () => {
    for (const c of online) await c.stop().catch(() => {});
    await server?.close();
    await rt?.stop();
    await prosody?.stop();
    await openfire?.stop();
  });

  it.skipIf(skip)("a member of the group online receives the broadcast with the footer; a non-member does not", async () => {
    const states = await stateIds(rt.db);
    const openfireConnector = connectorById("openfire")!;
    const member = await serviceMember(rt.db, { stateId: states.member, main: "Aria", groups: ["Fleet Ops"] });
    const outsider = await serviceMember(rt.db, { stateId: states.member, main: "Brannoc", groups: ["Logistics"] });
    const sender = await serviceMember(rt.db, { stateId: states.member, main: "Carys", groups: ["Fleet Ops"] });
    for (const u of [member, outsider]) await activatePasswordAccount(rt.db, rt.settings, openfireConnector, u.id, systemActor("test"));
    // The XMPP server holds what Openfire holds: the accounts and their group memberships.
    for (const u of openfire.users.values()) await prosody.register(u.username, u.password);
    prosody.setGroups(Object.fromEntries([...openfire.groups].map(([g, members]) => [g, [...members]])));
    await connect("aria", openfire.users.get("aria")!.password);
    await connect("brannoc", openfire.users.get("brannoc")!.password);

    await rt.db.insertInto("user_permissions").values({ user_id: sender.id, permission_id: await permissionId(rt.db, "auth.jabber_broadcast") }).execute();
    const b = await browserAs(rt.db, rt.settings, server.origin, sender.id);
    const page = await b.get("/openfire/broadcast");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="Fleet Ops"');
    expect(html).not.toContain('value="Logistics"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1];
    // Not one of the sender's groups, or an empty message: 400 beside the field, nothing sent.
    const wrong = await b.post("/openfire/broadcast", { csrf, group: "Logistics", message: "hi" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("field-group-error");
    expect((await b.post("/openfire/broadcast", { csrf, group: "Fleet Ops", message: "  " })).status).toBe(400);
    const sent = await b.post("/openfire/broadcast", { csrf, group: "Fleet Ops", message: "Form up on the Titan, 20:00" });
    expect(sent.status).toBe(302);
    await expect.poll(() => inbox.get("aria")!.length, { timeout: 5000 }).toBe(1);
    const body = inbox.get("aria")![0];
    expect(body).toMatch(/^Form up on the Titan, 20:00\n##### SENT BY: \[MRLOG\]Carys TO: Fleet Ops WHEN: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d #####\n##### Replies are NOT monitored #####\n$/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(inbox.get("brannoc")).toEqual([]);
    const audit = await rt.db.selectFrom("audit_log").select("action").where("action", "=", "openfire.broadcast").execute();
    expect(audit).toHaveLength(1);
    // The _all permission widens the choice to "all" and every group.
    await rt.db.insertInto("user_permissions").values({ user_id: sender.id, permission_id: await permissionId(rt.db, "auth.jabber_broadcast_all") }).execute();
    const wide = await (await b.get("/openfire/broadcast")).text();
    expect(wide).toContain('value="all"');
    expect(wide).toContain('value="Logistics"');
    // A bot that cannot log in: the page says so, keeps the message, nothing is sent.
    rt.settings.BROADCAST_USER_PASSWORD = "wrong";
    const failed = await b.post("/openfire/broadcast", { csrf, group: "Logistics", message: "lost ping" });
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain("lost ping");
    expect(inbox.get("brannoc")).toEqual([]);
    rt.settings.BROADCAST_USER_PASSWORD = "bot-password";
    // Without auth.jabber_broadcast: 403.
    const plain = await browserAs(rt.db, rt.settings, server.origin, outsider.id);
    expect((await plain.get("/openfire/broadcast")).status).toBe(403);
  }, 60_000);
});
