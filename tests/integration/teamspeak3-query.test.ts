/**
 * The ServerQuery client against the fake TeamSpeak 3 server over real TCP: the wire format
 * (banner, `\n\r`, escaping, error lines), login and `use`, flood pacing and the flood ban,
 * reconnecting after the server drops the connection, keep-alive.
 */
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QueryClient, type QueryClientOptions } from "~/connectors/teamspeak3/query-client.server";
import { Ts3Error, Ts3UnavailableError, troubleOf } from "~/connectors/teamspeak3/errors";
import { escapeValue, unescapeValue } from "~/connectors/teamspeak3/protocol";
import { startFakeTs3, type FakeTs3 } from "../fakes/teamspeak3/index";

const LOGIN = { username: "serveradmin", password: "query secret|with/odd\\chars" };

describe("TeamSpeak 3 ServerQuery client against the fake server", () => {
  let fake: FakeTs3;
  const clients: QueryClient[] = [];
  const client = (overrides: Partial<QueryClientOptions> = {}) => {
    const c = new QueryClient({ host: "127.0.0.1", port: fake.port, username: LOGIN.username, password: LOGIN.password, sid: 1, floodCommands: 0, floodWindowMs: 1000, timeoutMs: 2000, keepAliveMs: 0, ...overrides });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    fake = await startFakeTs3({ login: LOGIN, floodCommands: 0, banSeconds: 1 });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    fake.setFlood(0);
    fake.unban();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("speaks the raw protocol: banner, \\n\\r endings, 2568 before login, escaped values", async () => {
    const raw = net.connect({ host: "127.0.0.1", port: fake.port });
    let text = "";
    raw.setEncoding("utf8");
    raw.on("data", (d: string) => (text += d));
    await new Promise((r) => raw.once("connect", r));
    raw.write("servergrouplist\n");
    await expect.poll(() => text.includes("error id=2568")).toBe(true);
    raw.destroy();
    expect(text.startsWith("TS3\n\rWelcome to the TeamSpeak 3 ServerQuery interface")).toBe(true);
    expect(text).toContain("error id=2568 msg=insufficient\\sclient\\spermissions failed_permid=4\n\r");
    expect(escapeValue("a b|c/d\\e\n")).toBe("a\\sb\\pc\\/d\\\\e\\n");
    expect(unescapeValue("a\\\\s")).toBe("a\\s");
  });

  it("logs in, selects the virtual server and round-trips names with spaces, pipes and slashes", async () => {
    const c = client();
    const name = "Fleet | Ops/Cap \\s";
    const [created] = await c.send("servergroupadd", { name });
    const groups = await c.send("servergrouplist");
    expect(groups.find((g) => g.sgid === created.sgid)?.name).toBe(name);
    expect(fake.world.groups.get(Number(created.sgid))?.name).toBe(name);
    expect(c.stats.byCommand).toMatchObject({ login: 1, use: 1, servergroupadd: 1, servergrouplist: 1 });
  });

  it("turns error lines into Ts3Error: 520 bad login, 1024 bad virtual server, 1281 as an empty list", async () => {
    const bad = client({ password: "wrong" });
    const error = await bad.send("servergrouplist").catch((e) => e);
    expect(error).toBeInstanceOf(Ts3Error);
    expect(error.id).toBe(520);
    expect(troubleOf(error)).toBe("login");
    const wrongSid = await client({ sid: 7 }).send("servergrouplist").catch((e) => e);
    expect([wrongSid.id, troubleOf(wrongSid)]).toEqual([1024, "virtualServer"]);
    expect(await client().list("customsearch", { ident: "sso_uid", pattern: "nobody" })).toEqual([]);
  });

  it("paces commands under the flood limit: no ban, and the window is honoured", async () => {
    fake.setFlood(5, 400);
    const c = client({ floodCommands: 5, floodWindowMs: 400 });
    const started = Date.now();
    for (let i = 0; i < 12; i++) await c.send("version");
    // 14 commands (login, use, 12 × version) at 5 per 400 ms need at least two full waits.
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);
    expect(c.stats.floodBans).toBe(0);
    expect(c.stats.floodWaits).toBeGreaterThan(0);
  });

  it("a flood ban (3331) stops every call until it ends, without reconnecting; then calls resume", async () => {
    fake.setFlood(5, 5000);
    const c = client();
    const errors: unknown[] = [];
    for (let i = 0; i < 6; i++) await c.send("version").catch((e) => errors.push(e));
    expect(errors).toHaveLength(3);
    expect((errors[0] as Ts3Error).id).toBe(3331);
    expect(errors[1]).toBeInstanceOf(Ts3UnavailableError);
    expect((errors[1] as Ts3UnavailableError).reason).toBe("flood_ban");
    expect(troubleOf(errors[0])).toBe("floodBan");
    expect(c.stats.connects).toBe(1);
    expect(c.flooded).not.toBeNull();
    // The fake's ban is one second; a new connection before then is refused with 3329.
    const other = await client().send("version").catch((e) => e);
    expect(other.id).toBe(3329);
    fake.setFlood(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await c.send("version")).toHaveLength(1);
    expect(c.stats.connects).toBe(2);
  });

  it("reconnects (login and use again) after the server drops the connection, even mid-command", async () => {
    const c = client();
    await c.send("version");
    fake.dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    expect((await c.send("whoami"))[0].virtualserver_id).toBe("1");
    expect(c.stats.connects).toBe(2);
    expect(c.stats.byCommand.login).toBe(2);
    expect(c.stats.byCommand.use).toBe(2);
    // Dropped while a command waits for its answer: retried once on a new connection.
    const pending = c.send("servergrouplist");
    fake.dropConnections();
    expect((await pending).length).toBeGreaterThan(3);
  });

  it("an unreachable server is Ts3UnavailableError(unreachable)", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const error = await client({ port }).send("version").catch((e) => e);
    expect(error).toBeInstanceOf(Ts3UnavailableError);
    expect(troubleOf(error)).toBe("unreachable");
  });

  it("keeps an idle connection alive with version", async () => {
    const c = client({ keepAliveMs: 80 });
    await c.send("whoami");
    const before = fake.commands.version ?? 0;
    await new Promise((r) => setTimeout(r, 300));
    expect((fake.commands.version ?? 0) - before).toBeGreaterThanOrEqual(2);
    expect(c.stats.connects).toBe(1);
  });
});
