/**
 * V8 settings of the server's processes that Node does not take in NODE_OPTIONS (the Docker image
 * sets the heap's sizes there; `npm start` passes them on the command line). Decision 0058.
 */
import v8 from "node:v8";

/**
 * No allocation-site pretenuring. V8 sends the objects of an allocation site straight to the old
 * generation once enough of them survive a young collection. Under load a page's objects do: the
 * requests in flight hold theirs across each scavenge. So objects that die with their request were
 * allocated old and could only be freed by mark-compacts. Without it, about 40% fewer mark-compacts
 * run under load, at the same peak RSS (a change in CPU per page was within the test machine's
 * noise). Set before the first request; V8 reads it whenever it weighs a site's survival.
 */
export function tuneHeap() {
  v8.setFlagsFromString("--no-allocation-site-pretenuring");
}
