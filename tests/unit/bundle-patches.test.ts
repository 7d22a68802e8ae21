/**
 * The bundle-time patches of Remix's server runtime (bin/bundle-patches.ts): the patched data.js is
 * evaluated as the bundle would run it, and its loaders must see the same request as before —
 * the very object when there is nothing to strip, a stripped copy otherwise.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyPatches } from "../../bin/bundle-patches";

const FILE = "node_modules/@remix-run/server-runtime/dist/data.js";
const root = path.resolve(import.meta.dirname, "..", "..");
const requireFromPackage = createRequire(path.join(root, FILE));

/** The module's exports, from the given source text, with its own requires. */
function load(source: string) {
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", source)(module.exports, requireFromPackage, module);
  return module.exports as { callRouteLoader: (args: Record<string, unknown>) => Promise<Response> };
}

const original = fs.readFileSync(path.join(root, FILE), "utf8");
const patched = applyPatches(FILE, original);

/** The request a loader receives for `url` (a loader that echoes what it was given). */
async function seenBy(runtime: ReturnType<typeof load>, request: Request) {
  let seen: Request | undefined;
  await runtime.callRouteLoader({ request, loadContext: {}, params: {}, routeId: "routes/x", singleFetch: false, loader: ({ request: r }: { request: Request }) => ((seen = r), null) });
  return seen!;
}

describe("server-runtime patch: requests are copied only to strip ?index or ?_data", () => {
  it("changes the file", () => {
    expect(patched).not.toBe(original);
    expect(patched).toContain("mayHoldSearchKey");
  });

  it("hands a loader the request itself when there is nothing to strip", async () => {
    const runtime = load(patched);
    for (const url of ["http://x/dashboard", "http://x/groups?page=2&q=a+b", "http://x/login?next=/groups"]) {
      const request = new Request(url, { headers: { cookie: "a=b" } });
      expect(await seenBy(runtime, request)).toBe(request);
    }
  });

  it("strips as before when the query holds the keys, also percent-encoded", async () => {
    const before = load(original);
    const after = load(patched);
    const urls = [
      "http://x/groups?index",
      "http://x/groups?index&page=2",
      "http://x/groups?index=routes%2Fx&_data=routes%2Fgroups",
      "http://x/groups?_data=routes%2Fgroups&q=1",
      "http://x/groups?%69ndex=1",
      "http://x/groups?q=index",
      "http://x/groups?q=a%20b",
    ];
    for (const url of urls) {
      const request = new Request(url, { method: "POST", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
      const [was, is] = [await seenBy(before, request.clone()), await seenBy(after, request.clone())];
      expect(is.url, url).toBe(was.url);
      expect(is.method).toBe("POST");
      expect(await is.text()).toBe("a=1");
      expect(is).not.toBe(request);
    }
  });
});
