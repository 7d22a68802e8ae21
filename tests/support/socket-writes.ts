/** Counting this process's socket writes (the shared read connections' tests). */
import net from "node:net";

/** Runs `run` and counts the socket writes made meanwhile: every write goes through one of these two stream methods. */
export async function countSocketWrites<T>(run: () => Promise<T>): Promise<{ result: T; writes: number }> {
  type Write = (this: net.Socket, ...args: unknown[]) => unknown;
  const socket = net.Socket.prototype as unknown as { _write: Write; _writev: Write };
  const { _write: write, _writev: writev } = socket;
  let writes = 0;
  socket._write = function (...args) {
    writes++;
    return write.apply(this, args);
  };
  socket._writev = function (...args) {
    writes++;
    return writev.apply(this, args);
  };
  try {
    return { result: await run(), writes };
  } finally {
    socket._write = write;
    socket._writev = writev;
  }
}

/** Reads (through `read`) until `open()` says both shared connections are up: they open in the background on first use. */
export async function untilSharedOpen(open: () => number, read: () => Promise<unknown>) {
  for (let i = 0; open() < 2 && i < 500; i++) {
    await read().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return open();
}

/**
 * The least of up to `tries` measurements, stopping at `enough`: a read that finds a shared
 * connection stalled (no answer for 10 ms: a loaded machine, a collection) goes elsewhere by design,
 * so a test of how reads are shared looks for the best of a few tries.
 */
export async function fewest(measure: () => Promise<number>, enough: number, tries = 5) {
  let least = Infinity;
  for (let i = 0; i < tries && least > enough; i++) least = Math.min(least, await measure());
  return least;
}
