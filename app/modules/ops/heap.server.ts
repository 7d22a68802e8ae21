/**
 * V8 settings of the server's processes that Node does not take in NODE_OPTIONS (the Docker image
 * sets the heap's sizes there; `npm start` passes them on the command line). Decision 0058.
 */
import v8 from "node:v8";

/**
 * No allocation-site pretenuring. V8 sends the objects of an allocation site straight to the old
 * generation once enough of them survive a young collection. Under load a page's objects do: the
 * requests in flight hold theirs across each scavenge. So objects that die with their request were
 * allocated old and could only be freed by mark-compacts (twice as many), and incremental marking
 * slowed every write meanwhile: without it a page takes 13–26% less CPU, at the same peak RSS.
 * Set before the first request; V8 reads it whenever it weighs a site's survival.
 */
export function tuneHeap() {
  v8.setFlagsFromString("--no-allocation-site-pretenuring");
}
