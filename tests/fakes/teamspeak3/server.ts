/**
 * A fake TeamSpeak 3 ServerQuery server over TCP for tests, demo mode and benchmarks: the banner,
 * `\n\r` line endings, escaping, login and `use` state per connection, the commands the connector
 * sends (see ops.ts), error ids (0, 520, 1024, 1281, 2561, 2564, 2568, 3329, 3331, 3840) and the flood
 * rule of the ServerQuery manual (at most N commands within a window from one address, else a flood
 * ban). Test hooks: redeem a privilege key as a TeamSpeak client would, drop every connection,
 * revoke the query account's permissions, count commands.
 */
import net from "node:net";
import { EOL, errorLine, formatRows, parseRequest, type Row } from "./codec";
import { runCommand, type Session } from "./ops";
import { FakeTs3Error, MESSAGES, Ts3World } from "./state";

export interface FakeTs3Options {
  port?: number;
  login?: { username: string; password: string };
  /** Commands allowed per window from one address before a flood ban (0: allow-listed). */
  floodCommands?: number;
  floodWindowMs?: number;
  banSeconds?: number;
  /** Demo mode: a privilege key is redeemed by a simulated client this many ms after it is made. */
  autoRedeemMs?: number;
}

export interface FakeTs3 {
  port: number;
  host: string;
  world: Ts3World;
  /** Commands received (after login), by name. */
  commands: Record<string, number>;
  connections(): number;
  /** Every connection is closed by the server (a restart, an idle timeout). */
  dropConnections(): void;
  /** The query account loses (or regains) the rights to change groups and clients (2568). */
  setQueryPermissions(granted: boolean): void;
  setFlood(commands: number, windowMs?: number): void;
  unban(): void;
  redeem(key: string, options?: { nickname?: string; online?: boolean }): number;
  resetCounts(): void;
  stop(): Promise<void>;
}

const BANNER = ["TS3", 'Welcome to the TeamSpeak 3 ServerQuery interface, type "help" for a list of commands and "help <command>" for information on a specific command.'];

export async function startFakeTs3(options: FakeTs3Options = {}): Promise<FakeTs3> {
  const world = new Ts3World();
  const login = options.login ?? { username: "serveradmin", password: "query-secret" };
  const flood = { commands: options.floodCommands ?? 10, windowMs: options.floodWindowMs ?? 3000, banSeconds: options.banSeconds ?? 600 };
  const history = new Map<string, number[]>();
  const bans = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const commands: Record<string, number> = {};
  const perms = { granted: true };

  function banned(address: string) {
    const until = bans.get(address) ?? 0;
    return until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 0;
  }

  /** True when this command is one too many in the window: the address is banned. */
  function flooding(address: string) {
    if (flood.commands <= 0) return false;
    const now = Date.now();
    const recent = (history.get(address) ?? []).filter((t) => t > now - flood.windowMs);
    recent.push(now);
    history.set(address, recent);
    if (recent.length <= flood.commands) return false;
    bans.set(address, now + flood.banSeconds * 1000);
    return true;
  }

  const server = net.createServer((socket) => {
    const address = socket.remoteAddress ?? "?";
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const write = (text: string) => {
      if (!socket.destroyed) socket.write(text + EOL);
    };
    const wait = banned(address);
    if (wait) {
      write(errorLine(3329, MESSAGES[3329], { extra_msg: `you may retry in ${wait} seconds` }));
      socket.end();
      return;
    }
    for (const line of BANNER) write(line);
    const session: Session = { loggedIn: false, sid: 0, login, perms };
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer[end] === "\r" ? 2 : 1));
        if (!line.trim()) continue;
        if (/^quit\s*$/i.test(line)) {
          write(errorLine(0, "ok"));
          socket.end();
          return;
        }
        if (flooding(address)) {
          write(errorLine(3331, MESSAGES[3331], { extra_msg: `you may retry in ${flood.banSeconds} seconds` }));
          socket.end();
          return;
        }
        const request = parseRequest(line);
        if (session.loggedIn) commands[request.command] = (commands[request.command] ?? 0) + 1;
        try {
          const rows: Row[] = runCommand(world, session, request);
          if (rows.length) write(formatRows(rows));
          write(errorLine(0, "ok"));
        } catch (error) {
          if (error instanceof FakeTs3Error) write(errorLine(error.id, error.msg, error.extra));
          else write(errorLine(1, "undefined error"));
        }
        if (options.autoRedeemMs !== undefined && (request.command === "tokenadd" || request.command === "privilegekeyadd")) {
          const newest = [...world.tokens.values()].at(-1);
          if (newest) setTimeout(() => world.tokens.has(newest.token) && world.redeem(newest.token), options.autoRedeemMs).unref();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    host: "127.0.0.1",
    world,
    commands,
    connections: () => sockets.size,
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    setQueryPermissions: (granted) => {
      perms.granted = granted;
    },
    setFlood: (n, windowMs) => {
      flood.commands = n;
      if (windowMs) flood.windowMs = windowMs;
      history.clear();
    },
    unban: () => {
      bans.clear();
      history.clear();
    },
    redeem: (key, opts) => world.redeem(key, opts).cldbid,
    resetCounts: () => {
      for (const k of Object.keys(commands)) delete commands[k];
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
