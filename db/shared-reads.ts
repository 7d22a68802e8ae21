/**
 * PostgreSQL connections for the auth database: a plain read outside a transaction is sent down one
 * of two shared connections in pg's pipeline mode, alongside whatever else is in flight there; every
 * other statement (writes, transactions and the reads inside them) takes a connection of its own
 * from the pool, as before.
 *
 * Why: a page's reads run in parallel (a dashboard sends six at once after its session read). On a
 * connection each, every read costs a socket write, a wake-up of its own server process and a read
 * of its answer; on a shared pipelined connection the reads of many requests reach one server
 * process in few writes and come back in few reads. Measured on two cores (decision 0051): the
 * dashboard 600 → 750 req/s at c=8 and p99 180 → 130 ms at c=64.
 *
 * The rules that keep it safe:
 * - Shared: a statement starting with `select`, on a connection that is not in a transaction (Kysely
 *   acquires a connection per statement outside transactions; `begin` binds it to a pooled
 *   connection of its own until it is released). Each pipelined statement has its own Sync, so one
 *   failing does not affect the others.
 * - Not shared: anything that could leave state on the session (advisory locks, set_config,
 *   temporary tables) — our code issues none outside transactions; the pattern below keeps them on
 *   their own connection should one appear.
 * - No head-of-line blocking beyond a moment: a shared connection that has had statements in flight
 *   with no answer for STALL_MS takes no more; reads then go to the other one, or to the pool.
 */
import { performance } from "node:perf_hooks";
import type { Writable } from "node:stream";
import pg from "pg";
import { PLAIN_READ } from "./dialect";

const SHARED_CONNECTIONS = 2;
/** Statements waiting on one shared connection at most; more go elsewhere. */
const MAX_IN_FLIGHT = 32;
/** A shared connection with statements in flight and no answer for this long is busy with a slow one. */
const STALL_MS = 10;
/** After a shared connection failed to open, the next attempt waits this long (reads use the pool). */
const RETRY_MS = 1_000;

const SESSION_STATE = /\b(pg_advisory|pg_try_advisory|set_config|into\s+temp|lo_import|lo_export)/i;

type NameReads = (client: pg.Client) => void;

class SharedConnection {
  readonly client: pg.Client;
  inFlight = 0;
  /** When a statement was last sent to an idle connection or last answered. */
  lastProgress = 0;
  broken = false;
  #holding = false;

  constructor(config: pg.ClientConfig, nameReads: NameReads) {
    // `pipeline` is pg 8.23's pipeline mode (not in @types/pg yet).
    this.client = new pg.Client({ ...config, pipeline: true } as pg.ClientConfig);
    // A dropped connection must not become an uncaught exception; the next read opens a new one.
    this.client.on("error", () => (this.broken = true));
    this.client.on("end", () => (this.broken = true));
    nameReads(this.client);
  }

  async query(text: string, values: unknown[] | undefined) {
    if (this.inFlight++ === 0) this.lastProgress = performance.now();
    this.#holdWrites();
    try {
      return await this.client.query(text, values);
    } catch (error) {
      // The server's errors (a bad statement, a constraint) carry a severity; anything else is the
      // connection's own trouble: it is replaced before the next read.
      if (!(error && typeof error === "object" && "severity" in error)) this.broken = true;
      throw error;
    } finally {
      this.inFlight--;
      this.lastProgress = performance.now();
    }
  }

  /**
   * The reads sent in one turn of the event loop (a page's loaders start theirs together, and one
   * answer from the server often lets several pages go on) leave in one socket write: the socket is
   * corked until the turn's callbacks and promise jobs have run. pg corks around each statement's
   * messages too; corks nest, so nothing is written before this one is undone.
   */
  #holdWrites() {
    if (this.#holding) return;
    const stream = (this.client as unknown as { connection?: { stream?: Partial<Writable> } }).connection?.stream;
    if (typeof stream?.cork !== "function" || typeof stream.uncork !== "function") return;
    stream.cork();
    this.#holding = true;
    process.nextTick(() => {
      this.#holding = false;
      stream.uncork!();
    });
  }
}

/**
 * What Kysely's PostgresDialect takes as its `pool` (connect and end), over a pg.Pool for the
 * statements that are not shared.
 */
export class SharedReadPool {
  readonly #pool: pg.Pool;
  readonly #config: pg.ClientConfig;
  readonly #nameReads: NameReads;
  readonly #shared: (SharedConnection | null)[] = Array.from({ length: SHARED_CONNECTIONS }, () => null);
  readonly #opening: boolean[] = Array.from({ length: SHARED_CONNECTIONS }, () => false);
  /** After a failed open, not again before this time (performance.now()): no storm while the server is away. */
  readonly #retryAt: number[] = Array.from({ length: SHARED_CONNECTIONS }, () => 0);
  readonly #idle: SessionClient[] = [];
  #ended = false;

  constructor(pool: pg.Pool, config: pg.ClientConfig, nameReads: NameReads) {
    this.#pool = pool;
    this.#config = config;
    this.#nameReads = nameReads;
  }

  /** Kysely asks for a connection per statement (or per transaction): a light handle, bound on demand. */
  async connect(): Promise<SessionClient> {
    return this.#idle.pop() ?? new SessionClient(this);
  }

  /** The pooled connection for statements that are not shared. */
  own(): Promise<pg.PoolClient> {
    return this.#pool.connect();
  }

  release(handle: SessionClient) {
    if (this.#idle.length < 64) this.#idle.push(handle);
  }

  /** The shared connection to send a read to now, or null: none open yet, or all busy. */
  pick(text: string): SharedConnection | null {
    if (this.#ended || !PLAIN_READ.test(text) || SESSION_STATE.test(text)) return null;
    const now = performance.now();
    let best: SharedConnection | null = null;
    for (let i = 0; i < SHARED_CONNECTIONS; i++) {
      const shared = this.#shared[i];
      if (!shared || shared.broken) {
        this.#open(i);
        continue;
      }
      if (shared.inFlight >= MAX_IN_FLIGHT || (shared.inFlight > 0 && now - shared.lastProgress > STALL_MS)) continue;
      if (!best || shared.inFlight < best.inFlight) best = shared;
    }
    return best;
  }

  /** Opens shared connection i in the background; until it is up, reads use the pool. */
  #open(i: number) {
    if (this.#opening[i] || this.#ended || performance.now() < this.#retryAt[i]!) return;
    this.#opening[i] = true;
    // A broken one is closed (what it still has in flight ends with it) and leaves its slot.
    const old = this.#shared[i];
    this.#shared[i] = null;
    if (old) void old.client.end().catch(() => {});
    const shared = new SharedConnection(this.#config, this.#nameReads);
    shared.client.connect().then(
      () => {
        this.#opening[i] = false;
        if (this.#ended) void shared.client.end().catch(() => {});
        else this.#shared[i] = shared;
      },
      () => {
        this.#opening[i] = false;
        this.#retryAt[i] = performance.now() + RETRY_MS;
      },
    );
  }

  /** Shared connections open now (the tests wait for them). */
  get sharedOpen() {
    return this.#shared.filter((s) => s && !s.broken).length;
  }

  async end() {
    this.#ended = true;
    const shared = this.#shared.splice(0, SHARED_CONNECTIONS);
    await Promise.all(shared.map((s) => s?.client.end().catch(() => {})));
    await this.#pool.end();
  }
}

/** What Kysely holds as a connection: its reads go to a shared connection until a transaction binds it to its own. */
class SessionClient {
  #own: pg.PoolClient | null = null;

  constructor(private readonly owner: SharedReadPool) {}

  async query(text: string, values?: unknown[]) {
    if (!this.#own) {
      const shared = this.owner.pick(text);
      if (shared) return shared.query(text, values);
      this.#own = await this.owner.own();
    }
    return this.#own.query(text, values);
  }

  release(error?: Error | boolean) {
    const own = this.#own;
    this.#own = null;
    own?.release(error);
    // Kysely keeps its connection object per handle: one it discarded (a failed rollback) is not reused.
    if (!error) this.owner.release(this);
  }
}
