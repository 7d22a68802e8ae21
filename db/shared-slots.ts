/**
 * The two shared read connections of a pool (PostgreSQL: db/shared-reads.ts; MySQL/MariaDB:
 * db/mysql-shared-reads.ts): each opened in the background on first use and again after it broke,
 * and the one to send a read to now: the least busy that is neither full nor stuck on a slow read.
 */
import { performance } from "node:perf_hooks";
import type { Writable } from "node:stream";

/** Statements waiting on one shared connection at most; more go elsewhere. */
const MAX_IN_FLIGHT = 32;
/** A shared connection with statements in flight and no answer for this long is busy with a slow one. */
const STALL_MS = 10;
/** After a shared connection failed to open, the next attempt waits this long (reads use the pool). */
const RETRY_MS = 1_000;

/** What a slot holds: a connection that counts its reads in flight and says when it broke. */
export interface SharedSlot {
  inFlight: number;
  /** When a statement was last sent to an idle connection or last answered (performance.now()). */
  lastProgress: number;
  broken: boolean;
  close(): void;
}

/** Marks a read sent on `slot`; the returned function marks it answered (and the slot broken when `broken`). */
export function startRead(slot: SharedSlot): (broken: boolean) => void {
  if (slot.inFlight++ === 0) slot.lastProgress = performance.now();
  return (broken) => {
    slot.inFlight--;
    slot.lastProgress = performance.now();
    if (broken) slot.broken = true;
  };
}

export class SharedSlots<T extends SharedSlot> {
  readonly #slots: (T | null)[];
  readonly #opening: boolean[];
  /** After a failed open, not again before this time (performance.now()): no storm while the server is away. */
  readonly #retryAt: number[];
  #ended = false;

  constructor(
    private readonly open: () => Promise<T>,
    count = 2,
  ) {
    this.#slots = Array.from({ length: count }, () => null);
    this.#opening = Array.from({ length: count }, () => false);
    this.#retryAt = Array.from({ length: count }, () => 0);
  }

  /** The shared connection to send a read to now, or null: none open yet, or all busy. */
  pick(): T | null {
    if (this.#ended) return null;
    const now = performance.now();
    let best: T | null = null;
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      if (!slot || slot.broken) {
        this.#open(i);
        continue;
      }
      if (slot.inFlight >= MAX_IN_FLIGHT || (slot.inFlight > 0 && now - slot.lastProgress > STALL_MS)) continue;
      if (!best || slot.inFlight < best.inFlight) best = slot;
    }
    return best;
  }

  /** Opens slot i in the background; until it is up, reads use the pool. */
  #open(i: number) {
    if (this.#opening[i] || this.#ended || performance.now() < this.#retryAt[i]!) return;
    this.#opening[i] = true;
    // A broken one is closed (what it still has in flight ends with it) and leaves its slot.
    this.#slots[i]?.close();
    this.#slots[i] = null;
    this.open().then(
      (slot) => {
        this.#opening[i] = false;
        if (this.#ended) slot.close();
        else this.#slots[i] = slot;
      },
      () => {
        this.#opening[i] = false;
        this.#retryAt[i] = performance.now() + RETRY_MS;
      },
    );
  }

  /** Shared connections open now (the tests wait for them). */
  get openCount() {
    return this.#slots.filter((s) => s && !s.broken).length;
  }

  get ended() {
    return this.#ended;
  }

  /** No more picks or opens; returns the open connections for the caller to close. */
  end(): T[] {
    this.#ended = true;
    return this.#slots.splice(0, this.#slots.length).filter((s): s is T => s !== null);
  }
}

const corked = new WeakSet<object>();

/**
 * Holds a socket's writes until the event loop's turn ends: the reads sent in one turn (a page's
 * loaders start theirs together, and one answer often lets several pages go on) leave in one socket
 * write. The socket is uncorked after the turn's callbacks and promise jobs; the drivers' own corks
 * nest inside this one.
 */
export function corkForTurn(stream: Partial<Writable> | undefined) {
  if (!stream || corked.has(stream) || typeof stream.cork !== "function" || typeof stream.uncork !== "function") return;
  stream.cork();
  corked.add(stream);
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork!();
  });
}
