/**
 * A ServerQuery client over raw TCP (node:net). One connection, one command in flight at a time
 * (replies carry no tag), logged in and bound to the virtual server before the first command, kept
 * alive while idle, re-opened after the server drops it. Commands are paced below the server's
 * flood limit (TEAMSPEAK3_QUERY_FLOOD_COMMANDS per TEAMSPEAK3_QUERY_FLOOD_SECONDS); a flood warning
 * (524) waits and retries, a flood ban (3331/3329) stops all calls until the ban ends.
 */
import net from "node:net";
import { encodeCommand, type Item, LINE_END, type Params, parseErrorLine, parseItems } from "./protocol";
import { retrySeconds, Ts3Error, Ts3UnavailableError } from "./errors";

export interface QueryClientOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Virtual server id; `use` is skipped when 0 or less (as the original does). */
  sid: number;
  /** Commands allowed per window (0: the server allow-lists us, no pacing). */
  floodCommands: number;
  floodWindowMs: number;
  timeoutMs: number;
  /** An idle connection sends `version` this often (servers drop idle query clients after 5 minutes). */
  keepAliveMs: number;
  /** Flood warnings (524) retried before giving up. */
  floodRetries?: number;
}

export interface QueryStats {
  commands: number;
  connects: number;
  floodWaits: number;
  floodBans: number;
  byCommand: Record<string, number>;
}

interface Pending {
  line: string;
  command: string;
  data: Item[];
  resolve: (items: Item[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class QueryClient {
  private socket: net.Socket | null = null;
  private connecting: Promise<void> | null = null;
  private buffer = "";
  private banner: string[] = [];
  private bannerWaiter: (() => void) | null = null;
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  /** When recent commands were answered (the server counted each before it answered: a safe lower bound). */
  private sent: { at: number }[] = [];
  private keepAlive: NodeJS.Timeout | null = null;
  private bannedUntil = 0;
  private closed = false;
  readonly stats: QueryStats = { commands: 0, connects: 0, floodWaits: 0, floodBans: 0, byCommand: {} };

  constructor(private readonly options: QueryClientOptions) {}

  /** Runs one command (queued behind any other); the data items of the reply. */
  send(command: string, params: Params = {}, flags: string[] = []): Promise<Item[]> {
    const run = this.chain.then(() => this.sendNow(command, params, flags));
    this.chain = run.catch(() => {});
    return run;
  }

  /** Like send, but an empty result (1281) is an empty list. */
  async list(command: string, params: Params = {}, flags: string[] = []): Promise<Item[]> {
    try {
      return await this.send(command, params, flags);
    } catch (error) {
      if (error instanceof Ts3Error && error.emptyResult) return [];
      throw error;
    }
  }

  close() {
    this.closed = true;
    this.stopKeepAlive();
    if (this.socket) {
      this.socket.end("quit\n");
      this.socket.destroy();
      this.socket = null;
    }
  }

  get flooded(): Date | null {
    return this.bannedUntil > Date.now() ? new Date(this.bannedUntil) : null;
  }

  private async sendNow(command: string, params: Params, flags: string[]): Promise<Item[]> {
    const line = encodeCommand(command, params, flags);
    const retries = this.options.floodRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      this.checkBan(command);
      try {
        await this.ensureSession();
        return await this.exchange(line, command);
      } catch (error) {
        if (error instanceof Ts3Error && error.id === 524 && attempt < retries) {
          this.stats.floodWaits++;
          await sleep(retrySeconds(error.extra, 1) * 1000);
          continue;
        }
        if (error instanceof Ts3Error && (error.id === 3331 || error.id === 3329)) {
          this.stats.floodBans++;
          this.bannedUntil = Date.now() + retrySeconds(error.extra, 600) * 1000;
          this.drop();
          throw error;
        }
        // The server dropped us (restart, idle timeout, network): open a new session and try once more.
        if (error instanceof Ts3UnavailableError && error.reason === "connection_lost" && attempt === 0) continue;
        throw error;
      }
    }
  }

  private checkBan(command: string) {
    if (this.bannedUntil > Date.now()) throw new Ts3UnavailableError("flood_ban", `TeamSpeak 3 ${command}: not sent, the query client is flood-banned until ${new Date(this.bannedUntil).toISOString()}`, new Date(this.bannedUntil));
  }

  /** Waits until one more command stays within the flood limit; the slot's time is set when answered. */
  private async pace(): Promise<{ at: number }> {
    const slot = { at: Number.POSITIVE_INFINITY };
    const { floodCommands, floodWindowMs } = this.options;
    if (floodCommands <= 0) return slot;
    for (;;) {
      const now = Date.now();
      this.sent = this.sent.filter((s) => s.at > now - floodWindowMs);
      if (this.sent.length < floodCommands) break;
      this.stats.floodWaits++;
      const oldest = Math.min(...this.sent.map((s) => s.at));
      await sleep(Number.isFinite(oldest) ? oldest + floodWindowMs - now + 5 : 5);
    }
    this.sent.push(slot);
    return slot;
  }

  private async ensureSession() {
    if (this.socket) return;
    if (this.closed) throw new Ts3UnavailableError("connection_lost", "TeamSpeak 3: the query client was closed");
    if (!this.connecting) {
      this.connecting = this.openSession().finally(() => {
        this.connecting = null;
      });
    }
    await this.connecting;
  }

  private async openSession() {
    const { host, port, timeoutMs, username, password, sid } = this.options;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Ts3UnavailableError("timeout", `TeamSpeak 3: no connection to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once("error", (error) => {
        clearTimeout(timer);
        reject(new Ts3UnavailableError("unreachable", `TeamSpeak 3: cannot reach ${host}:${port} (${(error as NodeJS.ErrnoException).code ?? error.message})`));
      });
    });
    this.stats.connects++;
    this.buffer = "";
    this.banner = [];
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.setNoDelay(true);
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", () => {});
    socket.on("close", () => this.onClose(socket));
    try {
      await this.waitBanner();
      await this.exchange(encodeCommand("login", { client_login_name: username, client_login_password: password }), "login");
      if (sid > 0) await this.exchange(encodeCommand("use", { sid }), "use");
    } catch (error) {
      this.drop();
      throw error;
    }
    this.touchKeepAlive();
  }

  /** The two banner lines (`TS3`, then the welcome text); a banned address gets an error line instead. */
  private waitBanner() {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.bannerWaiter = null;
        reject(new Ts3UnavailableError("timeout", "TeamSpeak 3: no ServerQuery banner (is this the query port?)"));
      }, this.options.timeoutMs);
      this.bannerWaiter = () => {
        const error = this.banner.map(parseErrorLine).find(Boolean);
        if (error) {
          clearTimeout(timer);
          this.bannerWaiter = null;
          reject(new Ts3Error(error.id, error.msg, "connect", error.extra));
        } else if (this.banner.length >= 2) {
          clearTimeout(timer);
          this.bannerWaiter = null;
          if (this.banner[0].trim() !== "TS3") reject(new Ts3UnavailableError("unreachable", "TeamSpeak 3: the server did not greet with TS3 (is this the query port?)"));
          else resolve();
        }
      };
      this.bannerWaiter();
    });
  }

  private async exchange(line: string, command: string): Promise<Item[]> {
    const slot = await this.pace();
    const socket = this.socket;
    if (!socket) {
      slot.at = Date.now();
      throw new Ts3UnavailableError("connection_lost", `TeamSpeak 3 ${command}: connection lost`);
    }
    this.stats.commands++;
    this.stats.byCommand[command] = (this.stats.byCommand[command] ?? 0) + 1;
    this.touchKeepAlive();
    socket.ref();
    try {
      return await new Promise<Item[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending = null;
          this.drop();
          reject(new Ts3UnavailableError("timeout", `TeamSpeak 3 ${command}: no answer within ${this.options.timeoutMs} ms`));
        }, this.options.timeoutMs);
        this.pending = { line, command, data: [], resolve, reject, timer };
        socket.write(`${line}\n`);
      });
    } finally {
      slot.at = Date.now();
      this.socket?.unref();
    }
  }

  private onData(chunk: string) {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf(LINE_END)) >= 0) {
      const line = this.buffer.slice(0, end).replace(/^[\r\n]+/, "");
      this.buffer = this.buffer.slice(end + LINE_END.length);
      this.onLine(line);
    }
  }

  private onLine(line: string) {
    if (this.bannerWaiter) {
      this.banner.push(line);
      this.bannerWaiter();
      return;
    }
    if (!line || line.startsWith("notify")) return;
    const pending = this.pending;
    if (!pending) return;
    const error = parseErrorLine(line);
    if (!error) {
      pending.data.push(...parseItems(line));
      return;
    }
    clearTimeout(pending.timer);
    this.pending = null;
    if (error.id === 0) pending.resolve(pending.data);
    else pending.reject(new Ts3Error(error.id, error.msg, pending.command, error.extra));
  }

  private onClose(socket: net.Socket) {
    if (this.socket !== socket) return;
    this.socket = null;
    this.stopKeepAlive();
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new Ts3UnavailableError("connection_lost", `TeamSpeak 3 ${pending.command}: the server closed the connection`));
    }
  }

  private drop() {
    const socket = this.socket;
    if (socket) {
      this.onClose(socket);
      socket.destroy();
    }
  }

  private touchKeepAlive() {
    this.stopKeepAlive();
    if (this.options.keepAliveMs <= 0 || this.closed) return;
    this.keepAlive = setTimeout(() => {
      if (this.socket && !this.pending) void this.send("version").catch(() => {});
    }, this.options.keepAliveMs);
    this.keepAlive.unref();
  }

  private stopKeepAlive() {
    if (this.keepAlive) clearTimeout(this.keepAlive);
    this.keepAlive = null;
  }
}
