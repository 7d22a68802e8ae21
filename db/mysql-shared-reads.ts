/**
 * MySQL/MariaDB connections for the auth database: a plain read outside a transaction goes to one of
 * two shared connections, where it is sent without waiting for the answers before it (pipelined);
 * every other statement (writes, transactions and the reads inside them) takes a connection of its
 * own from the pool, as before (decision 0060; the PostgreSQL counterpart is db/shared-reads.ts,
 * decision 0051).
 *
 * MySQL's protocol answers a connection's commands one after another, in the order they arrived, and
 * a server reads the next command whenever it is ready for it: a client may send several before the
 * first answer. mysql2 sends each command only when the one before it has been answered. On a shared
 * connection a prepared read is therefore sent at once (its packet written with the sequence id a new
 * command starts with) and marked as sent, so that mysql2 only reads its answer when its turn comes.
 * The rules that keep the answers in order:
 * - only an execute of a statement this connection has already prepared is sent early, and only when
 *   every command queued before it was sent early too (a command mysql2 has not sent yet would
 *   otherwise be answered after one queued behind it);
 * - the writes of one event-loop turn leave in one socket write (the socket is corked for the turn).
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { Writable } from "node:stream";
import { PLAIN_READ } from "./dialect";
import { corkForTurn, type SharedSlot, SharedSlots, startRead } from "./shared-slots";

/** Reads that leave state on a session (locks, user variables, locking reads): never shared. */
const SESSION_STATE = /\b(get_lock|release_lock|set\s+@|into\s+@|for\s+update|lock\s+in\s+share\s+mode)/i;

type Callback = (error: unknown, result?: unknown, fields?: unknown) => void;

/** The parts of mysql2's connection this module uses (its internals are pinned with the package). */
export interface RawConnection {
  query(sql: string, values: unknown, callback?: Callback): unknown;
  execute(sql: string, values: unknown, callback: Callback): unknown;
  addCommand(command: unknown): unknown;
  write(buffer: Buffer): void;
  end(callback?: (error?: unknown) => void): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  release?(): void;
  connect?(callback: (error: unknown) => void): void;
  stream: Partial<Writable>;
  config: { clientFlags: number; charsetNumber: number; timezone: string; compress?: boolean };
  serverCapabilityFlags?: number;
  _isMariaDB?: boolean;
  _command: unknown;
  _commands: { length: number };
  _statements: { get(key: string): PreparedStatement | undefined };
  _bumpSequenceId(n: number): void;
}
interface PreparedStatement {
  id: number;
  parameters: unknown[];
  execute(values: unknown[], callback: Callback): ExecuteCommand;
}
interface ExecuteCommand {
  statement: PreparedStatement;
  parameters: unknown[];
  _executeOptions: { attributes?: unknown };
  start: (packet: unknown, connection: RawConnection) => unknown;
  resultsetHeader: unknown;
  [SENT]?: boolean;
}
interface MysqlPool {
  getConnection(callback: (error: unknown, connection: RawConnection) => void): void;
  end(callback?: (error?: unknown) => void): void;
}

const SENT = Symbol("sent early");

/** mysql2's own classes, from the copy the pool was made with (mysql2 is loaded on first use). */
function mysql2Internals() {
  const require = createRequire(import.meta.url);
  // Its package exports only its entry points: its files are reached by their paths (same module instances).
  const lib = path.join(path.dirname(require.resolve("mysql2/package.json")), "lib");
  const Execute = require(path.join(lib, "commands", "execute.js")) as { prototype: ExecuteCommand & { start: ExecuteCommand["start"] } };
  const Packets = require(path.join(lib, "packets", "index.js")) as { Execute: new (...args: unknown[]) => { toPacket(seq: number): { writeHeader(seq: number): void; buffer: Buffer; length(): number } } };
  return { Execute, Packets };
}
type Internals = ReturnType<typeof mysql2Internals>;

/**
 * Makes `connection` send prepared reads at once (see the module's comment), and hold the writes of
 * one event-loop turn for one socket write.
 */
export function pipelineExecutes(connection: RawConnection, internals: Internals = mysql2Internals()) {
  const { Execute, Packets } = internals;
  const add = connection.addCommand.bind(connection);
  /** Whether the last command queued behind the running one was sent early. */
  let lastQueuedSent = false;
  connection.addCommand = (command: unknown) => {
    corkForTurn(connection.stream);
    if (!connection._command) {
      lastQueuedSent = false;
      return add(command);
    }
    const execute = command as ExecuteCommand;
    // (A compressed connection wraps its packets: it sends every command in its turn.)
    const early = !connection.config.compress && command instanceof (Execute as unknown as new () => unknown) && execute.statement !== undefined && (connection._commands.length === 0 || lastQueuedSent);
    if (early) sendEarly(execute);
    lastQueuedSent = execute[SENT] === true;
    return add(command);
  };

  /** Writes the execute's packet now and makes its start, when its turn comes, send nothing. */
  function sendEarly(execute: ExecuteCommand) {
    let packet;
    try {
      packet = new Packets.Execute(
        execute.statement.id,
        execute.parameters,
        connection.config.charsetNumber,
        connection.config.timezone,
        execute._executeOptions.attributes,
        connection.config.clientFlags & (connection.serverCapabilityFlags ?? 0),
        connection._isMariaDB,
        execute.statement.parameters,
      ).toPacket(1);
    } catch {
      return; // sent in its turn, where mysql2 reports what is wrong with it
    }
    // A packet of 16 MB or more goes out in pieces: such a read is sent in its turn.
    if (packet.length() >= 16_777_215) return;
    // A command's first packet has sequence id 0; its answer continues from 1.
    packet.writeHeader(0);
    connection.write(packet.buffer);
    execute[SENT] = true;
    // Its turn: what mysql2's start does (options, timeout, the sequence id), but the packet is
    // already on its way.
    const start = Execute.prototype.start;
    execute.start = function (this: ExecuteCommand, incoming, conn) {
      const write = conn.write;
      conn.write = () => {};
      try {
        start.call(this, incoming, conn);
      } finally {
        conn.write = write;
      }
      return Execute.prototype.resultsetHeader;
    };
  }
}

class SharedConnection implements SharedSlot {
  inFlight = 0;
  lastProgress = 0;
  broken = false;

  constructor(
    readonly connection: RawConnection,
    private readonly finish: (rows: unknown, fields: unknown) => void,
  ) {
    // A dropped connection must not become an uncaught exception; the next read opens a new one.
    connection.on("error", () => (this.broken = true));
    connection.on("end", () => (this.broken = true));
  }

  close() {
    this.connection.end(() => {});
  }

  query(sql: string, values: unknown[], callback: Callback) {
    const answered = startRead(this);
    // The server's errors (a bad statement, a constraint) carry an SQL state; anything else is the
    // connection's own trouble: it is replaced before the next read.
    const done: Callback = (error, result, fields) => {
      answered(Boolean(error) && !(typeof error === "object" && "sqlState" in error!));
      callback(error, result, fields);
    };
    const statement = this.connection._statements.get(`undefined/undefined/undefined${sql}`);
    // A statement this connection prepared before is executed directly (and may be sent early);
    // the first time, mysql2 prepares it (the connection's query reads prepare, see db/index.server.ts).
    if (!statement) return this.connection.query(sql, values, done);
    statement.execute(values, (error, result, fields) => {
      if (!error) this.finish(result, fields);
      done(error, result, fields);
    });
  }
}

/**
 * What Kysely's MysqlDialect takes as its `pool` (getConnection and end), over a mysql2 pool for the
 * statements that are not shared.
 */
export class MysqlSharedReadPool {
  readonly #shared: SharedSlots<SharedConnection>;
  readonly #idle: SessionConnection[] = [];

  constructor(
    readonly pool: MysqlPool,
    open: () => Promise<RawConnection>,
    private readonly shareable: (sql: string, values: unknown) => boolean,
    /** What every read's rows go through (the booleans): mysql2's query path on these connections does it already. */
    finish: (rows: unknown, fields: unknown) => void,
  ) {
    this.#shared = new SharedSlots(async () => new SharedConnection(await open(), finish));
  }

  /** Kysely asks for a connection per statement (or per transaction): a light handle, bound on demand. */
  getConnection(callback: (error: unknown, connection: SessionConnection) => void) {
    callback(null, this.#idle.pop() ?? new SessionConnection(this));
  }

  recycle(handle: SessionConnection) {
    if (this.#idle.length < 64) this.#idle.push(handle);
  }

  /** The shared connection to send a read to now, or null: not a shareable read, none open yet, or all busy. */
  pick(sql: string, values: unknown): SharedConnection | null {
    if (!PLAIN_READ.test(sql) || SESSION_STATE.test(sql) || !this.shareable(sql, values)) return null;
    return this.#shared.pick();
  }

  /** Shared connections open now (the tests wait for them). */
  get sharedOpen() {
    return this.#shared.openCount;
  }

  end(callback?: (error?: unknown) => void) {
    const shared = this.#shared.end();
    let left = shared.length + 1;
    const next = () => {
      if (--left === 0) this.pool.end(callback);
    };
    for (const s of shared) s.connection.end(next);
    next();
  }
}

/** What Kysely holds as a connection: its reads go to a shared connection until a transaction binds it to its own. */
class SessionConnection {
  #own: RawConnection | null = null;

  constructor(private readonly owner: MysqlSharedReadPool) {}

  #bind(then: (own: RawConnection) => void, fail: (error: unknown) => void) {
    if (this.#own) return then(this.#own);
    this.owner.pool.getConnection((error, connection) => {
      if (error) return fail(error);
      this.#own = connection;
      then(connection);
    });
  }

  query(sql: string, values: unknown, callback?: Callback) {
    if (!this.#own && typeof callback === "function" && Array.isArray(values)) {
      const shared = this.owner.pick(sql, values);
      if (shared) return shared.query(sql, values, callback);
    }
    if (typeof callback !== "function") {
      // A streamed query (Kysely's streamQuery) needs its command object back: only on a bound connection.
      if (!this.#own) throw new Error("a streamed MySQL query needs a connection of its own: run it in a transaction");
      return this.#own.query(sql, values);
    }
    this.#bind((own) => own.query(sql, values, callback), (error) => callback(error));
  }

  release() {
    const own = this.#own;
    this.#own = null;
    own?.release?.();
    this.owner.recycle(this);
  }
}
