/**
 * Bundle-time patches (bin/bundle-patches.ts), each file evaluated as the bundle would run it next
 * to the original: Remix's loaders must see the same request as before (the very object when there
 * is nothing to strip, with the same path and query values; a stripped copy otherwise), React
 * Router must resolve links the same, and a document request's loaders must yield the same data,
 * errors and headers while their Responses stay readable.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { applyPatches } from "../../bin/bundle-patches";

const root = path.resolve(import.meta.dirname, "..", "..");

/** A CommonJS file's exports, from the given source text, with the file's own requires (some of them replaced when given). */
function evaluate<T>(file: string, source: string, replaced: Record<string, unknown> = {}): T {
  const module = { exports: {} as Record<string, unknown> };
  const requireHere = createRequire(path.join(root, file));
  const require = (id: string) => (id in replaced ? replaced[id] : requireHere(id));
  new Function("exports", "require", "module", source)(module.exports, require, module);
  return module.exports as T;
}

/** The file as published and as bundled. */
function versions(file: string) {
  const original = fs.readFileSync(path.join(root, file), "utf8");
  return { original, patched: applyPatches(file, original) };
}

const FILE = "node_modules/@remix-run/server-runtime/dist/data.js";
const { original, patched } = versions(FILE);
const load = (source: string) => evaluate<{ callRouteLoader: (args: Record<string, unknown>) => Promise<Response> }>(FILE, source);

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
    const before = load(original);
    const runtime = load(patched);
    for (const url of ["http://x/dashboard", "http://x/groups?page=2&q=a+b", "http://x/login?next=/groups"]) {
      const request = new Request(url, { headers: { cookie: "a=b" } });
      expect(await seenBy(runtime, request)).toBe(request);
      // The same values; only the original's re-encoding of the query text is gone (next=/groups
      // stays as sent instead of next=%2Fgroups), as the browser's location shows it.
      const copied = new URL((await seenBy(before, request)).url);
      expect([...new URL(request.url).searchParams]).toEqual([...copied.searchParams]);
      expect(new URL(request.url).pathname).toBe(copied.pathname);
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
      const given = request.clone();
      const [was, is] = [await seenBy(before, request.clone()), await seenBy(after, given)];
      expect(is.url, url).toBe(was.url);
      expect(is.method).toBe("POST");
      expect(await is.text()).toBe("a=1");
      expect(is, url).not.toBe(given);
    }
  });
});

describe("react-router patch: a link's target is resolved once per route context", () => {
  const ROUTER = "node_modules/react-router/dist/umd/react-router.production.min.js";
  type Router = typeof import("react-router");
  const router = versions(ROUTER);

  /** Links of every kind, in nested routes and outside any route, rendered by one loaded module. */
  function render(rr: Router, at: string, relativeSplatPath: boolean) {
    const h = createElement;
    function Targets() {
      const targets = ["c", "c", "../d", "/abs?x=1#h", ".", "..", "", "?q=2", "e/../f"];
      const rows: ReactNode[] = [];
      targets.forEach((to, i) => {
        rows.push(h("i", { key: `h${i}` }, rr.useHref(to)), h("i", { key: `p${i}` }, rr.useHref(to, { relative: "path" })));
        const resolved = rr.useResolvedPath(to);
        resolved.pathname += "#changed-by-a-caller";
      });
      rows.push(h("i", { key: "object" }, rr.useHref({ pathname: "g", search: "?s=1" })));
      return h("p", null, rows);
    }
    const tree = h(
      rr.MemoryRouter,
      { initialEntries: [at], future: { v7_relativeSplatPath: relativeSplatPath } },
      // Outside <Routes> the context's matches are its default array, the same in every render.
      h(Targets),
      h(rr.Routes, null, h(rr.Route, { path: "a", element: h("div", null, h(Targets), h(rr.Outlet)) }, h(rr.Route, { path: ":id/*", element: h(Targets) }))),
    );
    return renderToString(tree);
  }

  it("changes the file", () => {
    expect(router.patched).not.toBe(router.original);
    expect(router.patched).toContain("resolveCached");
  });

  it("renders every link as the original does, at several locations, with either splat-path rule, twice over", () => {
    const [before, after] = [evaluate<Router>(ROUTER, router.original), evaluate<Router>(ROUTER, router.patched)];
    for (const relativeSplatPath of [false, true]) {
      for (const at of ["/a", "/a/7", "/a/7/x/y", "/a/8?z=1", "/b/c", "/a/7/x/y"]) {
        const expected = render(before, at, relativeSplatPath);
        expect(expected).toContain("<i>");
        expect(render(after, at, relativeSplatPath), `${at} ${relativeSplatPath}`).toBe(expected);
        expect(render(after, at, relativeSplatPath), `${at} ${relativeSplatPath}`).toBe(expected);
      }
    }
  });
});

describe("router patch: a loader's json() data is parsed from the text json() wrote", () => {
  const FILE_ROUTER = "node_modules/@remix-run/router/dist/router.cjs.js";
  type RemixRouter = typeof import("@remix-run/router");
  const router = versions(FILE_ROUTER);
  const payload = { when: new Date(Date.UTC(2026, 11, 1, 12)), n: 3, nothing: undefined, list: ["a", null, "ü"], nested: { deep: [1, { x: "</script>" }] } };

  /** What a document request's static handler gives each route, and what the Responses still hold. */
  async function query(rr: RemixRouter, loaders: Record<string, () => unknown>) {
    type Loader = import("@remix-run/router").LoaderFunction;
    const made: Response[] = [];
    const routes = [
      {
        id: "root",
        path: "/",
        loader: () => {
          const response = rr.json(loaders.root!(), { headers: { "x-kept": "yes" } });
          made.push(response);
          return response;
        },
        children: [{ id: "page", index: true, loader: loaders.page as Loader }],
      },
    ];
    const context = await rr.createStaticHandler(routes).query(new Request("http://x/"));
    if (context instanceof Response) throw new Error("unexpected redirect");
    return { loaderData: context.loaderData, errors: context.errors, headers: [...context.loaderHeaders.root!.entries()], made };
  }

  it("changes the file", () => {
    expect(router.patched).not.toBe(router.original);
    expect(router.patched).toContain("keptJsonText");
  });

  it("gives every route the same data, errors and headers as the original", async () => {
    const [before, after] = [evaluate<RemixRouter>(FILE_ROUTER, router.original), evaluate<RemixRouter>(FILE_ROUTER, router.patched)];
    const cases: Record<string, () => unknown>[] = [
      { root: () => payload, page: () => after.json([1, 2, 3]) },
      { root: () => null, page: () => after.json(undefined) },
      { root: () => "text", page: () => new Response('{"plain":true}', { headers: { "content-type": "application/json" } }) },
      // A body already read fails the loader as before.
      {
        root: () => 1,
        page: async () => {
          const used = after.json({ a: 1 });
          await used.text();
          return used;
        },
      },
    ];
    for (const loaders of cases) {
      const was = await query(before, { root: loaders.root!, page: loaders.page! });
      const is = await query(after, { root: loaders.root!, page: loaders.page! });
      expect(is.loaderData).toEqual(was.loaderData);
      expect(Object.keys(is.errors ?? {})).toEqual(Object.keys(was.errors ?? {}));
      expect(is.headers).toEqual(was.headers);
    }
    const { loaderData } = await query(after, { root: () => payload, page: () => null });
    expect(loaderData.root).toEqual(JSON.parse(JSON.stringify(payload)));
  });

  it("leaves the Response as it was: its body can still be read, as a data request does", async () => {
    const after = evaluate<RemixRouter>(FILE_ROUTER, router.patched);
    const { made } = await query(after, { root: () => payload, page: () => null });
    expect(made[0]!.bodyUsed).toBe(false);
    expect(await made[0]!.text()).toBe(JSON.stringify(payload));
  });
});

describe("react-router-dom patch: a Link rendered on the server builds no click handler", () => {
  const DOM = "node_modules/react-router-dom/dist/umd/react-router-dom.production.min.js";
  type RouterDom = typeof import("react-router-dom");
  const dom = versions(DOM);

  /** The module with React Router's useNavigate counted (the click handler is the only caller in a Link's render). */
  function loadCounting(source: string) {
    const counter = { navigations: 0 };
    const reactRouter = createRequire(path.join(root, DOM))("react-router") as typeof import("react-router");
    const counted = { ...reactRouter, useNavigate: (...args: Parameters<typeof reactRouter.useNavigate>) => (counter.navigations++, reactRouter.useNavigate(...args)) };
    return { rr: evaluate<RouterDom>(DOM, source, { "react-router": counted }), counter };
  }

  /** Links of every kind (relative, absolute, external, with a target, reloading, NavLinks) in nested routes. */
  function render(rr: RouterDom, at: string) {
    const h = createElement;
    const links = () =>
      h(
        "nav",
        null,
        h(rr.Link, { to: "c", className: "x" }, "c"),
        h(rr.Link, { to: "/abs?x=1#h", replace: true, state: { a: 1 } }, "abs"),
        h(rr.Link, { to: "..", relative: "path" }, "up"),
        h(rr.Link, { to: "https://example.org/x", target: "_blank", rel: "noreferrer" }, "ext"),
        h(rr.Link, { to: "/reload", reloadDocument: true, onClick: () => {} }, "reload"),
        h(rr.NavLink, { to: "/a", end: true }, "a"),
        h(rr.NavLink, { to: "/a/7", className: ({ isActive }: { isActive: boolean }) => (isActive ? "on" : "off") }, "seven"),
      );
    const tree = h(
      rr.MemoryRouter,
      { initialEntries: [at] },
      h(rr.Routes, null, h(rr.Route, { path: "a", element: h("div", null, h(links), h(rr.Outlet)) }, h(rr.Route, { path: ":id/*", element: h(links) }))),
    );
    return renderToString(tree);
  }

  it("changes the file", () => {
    expect(dom.patched).not.toBe(dom.original);
    expect(dom.patched).toContain("S=j?I(");
  });

  it("renders every link as the original does, without the handler's navigate", () => {
    const before = loadCounting(dom.original);
    const after = loadCounting(dom.patched);
    for (const at of ["/a", "/a/7", "/a/7/x/y", "/a/8?z=1"]) {
      const expected = render(before.rr, at);
      expect(expected).toContain('href="https://example.org/x"');
      expect(render(after.rr, at), at).toBe(expected);
    }
    // Four locations, five Links each in one or two route levels: the original built a handler per Link.
    expect(before.counter.navigations).toBeGreaterThan(0);
    expect(after.counter.navigations).toBe(0);
  });
});
