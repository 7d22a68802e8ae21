/**
 * Bundle-time patches (bin/bundle-patches.ts), each file evaluated as the bundle would run it next
 * to the original: Remix's loaders must see the same request as before (the very object when there
 * is nothing to strip, with the same path and query values; a stripped copy otherwise), React
 * Router must resolve links the same, and a document request's loaders must yield the same data,
 * errors and headers while their Responses stay readable.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { applyPatches, cjsValuesPlugin } from "../../bin/bundle-patches";

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
      // The last one spells how an object target ({ search: "?only" }) is kept: they must not meet.
      const targets = ["c", "c", "../d", "/abs?x=1#h", ".", "..", "", "?q=2", "e/../f", "\u0001\u0000?only\u0000\u0001"];
      const rows: ReactNode[] = [];
      targets.forEach((to, i) => {
        rows.push(h("i", { key: `h${i}` }, rr.useHref(to)), h("i", { key: `p${i}` }, rr.useHref(to, { relative: "path" })));
        const resolved = rr.useResolvedPath(to);
        resolved.pathname += "#changed-by-a-caller";
      });
      const objects = [{ pathname: "g", search: "?s=1" }, { pathname: "g", search: "?s=1" }, { search: "?only" }, { hash: "#only" }, { pathname: "" }, {}, { pathname: "../h", search: undefined }, { pathname: "i", state: 1 }];
      objects.forEach((to, i) => {
        rows.push(h("i", { key: `o${i}` }, rr.useHref(to)), h("i", { key: `q${i}` }, rr.useHref(to, { relative: "path" })));
      });
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

  it("stays right once it has forgotten what it kept (2,000 resolutions at most)", () => {
    const [before, after] = [evaluate<Router>(ROUTER, router.original), evaluate<Router>(ROUTER, router.patched)];
    const many = (rr: Router, at: string) => {
      function Many() {
        return createElement("p", null, Array.from({ length: 2_500 }, (_, i) => createElement("i", { key: i }, rr.useHref(`t${i % 2_100}/${i}`))));
      }
      return renderToString(createElement(rr.MemoryRouter, { initialEntries: [at] }, createElement(rr.Routes, null, createElement(rr.Route, { path: "a/*", element: createElement(Many) }))));
    };
    for (const at of ["/a", "/a/b", "/a"]) {
      const expected = many(before, at);
      expect(expected).toContain("/a/t2099/2099");
      expect(many(after, at), at).toBe(expected);
    }
  });
});

describe("react-router-dom patch: the static router encodes each target once", () => {
  const SERVER = "node_modules/react-router-dom/server.js";
  type Server = typeof import("react-router-dom/server");
  const server = versions(SERVER);
  const rr = createRequire(path.join(root, SERVER))("react-router-dom") as typeof import("react-router-dom");

  function render(module: Server, at: string) {
    const h = createElement;
    const links = () =>
      h(
        "nav",
        null,
        ["/a b ", "/a%20b", "/p?q=1#h", "https://example.org/x y", "c", "/a/é", "/a/A b", "/a/7"].map((to) => h(rr.NavLink, { key: to, to }, to)),
        h(rr.NavLink, { to: { pathname: "/o", search: "?s" } }, "object"),
      );
    return renderToString(h(module.StaticRouter, { location: at }, h(rr.Routes, null, h(rr.Route, { path: "a/*", element: h(links) }), h(rr.Route, { path: "*", element: h(links) }))));
  }

  it("changes the file", () => {
    expect(server.patched).not.toBe(server.original);
    expect(server.patched).toContain("encodedLocations");
  });

  it("renders what the original renders, at several locations, twice over", () => {
    const [before, after] = [evaluate<Server>(SERVER, server.original), evaluate<Server>(SERVER, server.patched)];
    // A NavLink is active when its encoded target is the location's path, so a wrong encoding shows.
    expect(render(before, "/a/A%20b")).toContain('aria-current="page" class="active" href="/a/A b"');
    expect(render(before, "/a/%C3%A9")).toContain('aria-current="page" class="active" href="/a/\u00e9"');
    for (const at of ["/a/7", "/a b ", "/p?q=1", "/a/A%20b", "/a/%C3%A9", "/a/7", "/x", "/a/A%20b"]) {
      const expected = render(before, at);
      expect(expected).toContain('href="/o?s"');
      expect(render(after, at), at).toBe(expected);
      expect(render(after, at), at).toBe(expected);
    }
  });
});

describe("server-runtime patch: the route modules of a build are listed once", () => {
  const ENTRY = "node_modules/@remix-run/server-runtime/dist/entry.js";
  type Entry = { createEntryRouteModules: (manifest: Record<string, { module: unknown }>) => Record<string, unknown> };
  const entry = versions(ENTRY);

  it("gives the original's list, the same object for the same manifest", () => {
    const [before, after] = [evaluate<Entry>(ENTRY, entry.original), evaluate<Entry>(ENTRY, entry.patched)];
    const manifest = { root: { module: { a: 1 } }, "routes/x": { module: { b: 2 } } };
    const other = { root: { module: { c: 3 } } };
    expect(after.createEntryRouteModules(manifest)).toEqual(before.createEntryRouteModules(manifest));
    expect(after.createEntryRouteModules(manifest)).toBe(after.createEntryRouteModules(manifest));
    expect(after.createEntryRouteModules(other)).toEqual({ root: { c: 3 } });
    expect(before.createEntryRouteModules(manifest)).not.toBe(before.createEntryRouteModules(manifest));
  });
});

describe("undici patch: a body's stream is made when first asked for", () => {
  const BODY = "node_modules/undici/lib/web/fetch/body.js";
  const RESPONSE = "node_modules/undici/lib/web/fetch/response.js";
  type Body = { stream: ReadableStream; source: unknown; length: number | null };
  type BodyModule = { extractBody: (object: unknown) => [Body, string | null]; streamNotMade?: (body: Body) => boolean };
  const body = versions(BODY);
  const response = versions(RESPONSE);
  const load = (bodySource: string, responseSource: string) => {
    const bodyModule = evaluate<BodyModule>(BODY, bodySource);
    const { Response } = evaluate<{ Response: typeof globalThis.Response }>(RESPONSE, responseSource, { "./body": bodyModule });
    return { bodyModule, Response };
  };
  const inputs = (): [string, () => unknown][] => [
    ["text", () => "héllo"],
    ["empty text", () => ""],
    ["buffer", () => Buffer.from("bytes")],
    ["bytes", () => new Uint8Array([1, 2, 255])],
    ["search params", () => new URLSearchParams("a=1&b=é")],
    ["blob", () => new Blob(["blob"], { type: "text/x-blob" })],
    ["stream", () => new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("streamed")), c.close()) })],
    ["null", () => null],
  ];

  /** What a reader can see of a Response made from `make()`, read in a few ways. */
  async function observe(R: typeof globalThis.Response, make: () => unknown) {
    const seen: unknown[] = [];
    const r = new R(make() as BodyInit, { headers: { "x-a": "1" } });
    seen.push(r.bodyUsed, r.headers.get("content-type"), r.body === null ? null : r.body instanceof ReadableStream);
    const copy = r.clone();
    seen.push(await copy.text(), copy.bodyUsed, await r.arrayBuffer().then((b) => [...new Uint8Array(b)]), r.bodyUsed);
    seen.push(await r.text().then(() => "read again", (e: Error) => e.constructor.name));
    const streamed = new R(make() as BodyInit);
    const reader = streamed.body?.getReader();
    seen.push(reader ? (await reader.read()).done : "no body", streamed.bodyUsed);
    const untouched = new R(make() as BodyInit);
    seen.push(untouched.bodyUsed, await untouched.json().then((v) => v, (e: Error) => e.constructor.name));
    return seen;
  }

  it("changes the files", () => {
    expect(body.patched).toContain("class LazyBody");
    expect(response.patched).toContain("streamNotMade(this.#state.body)");
  });

  it("gives every reader what the original gives", async () => {
    const before = load(body.original, response.original);
    const after = load(body.patched, response.patched);
    for (const [name, make] of inputs()) {
      expect(await observe(after.Response, make), name).toEqual(await observe(before.Response, make));
    }
  });

  it("makes the stream of text and bytes on first read only, of anything else at once", () => {
    const { bodyModule } = load(body.patched, response.patched);
    for (const [name, make] of inputs()) {
      const value = make();
      if (value === null) continue;
      const [extracted] = bodyModule.extractBody(value);
      const lazy = typeof value === "string" || value instanceof Uint8Array || value instanceof URLSearchParams;
      expect(bodyModule.streamNotMade!(extracted), name).toBe(lazy);
      expect(extracted.stream, name).toBeInstanceOf(ReadableStream);
      expect(extracted.stream, name).toBe(extracted.stream);
      expect(bodyModule.streamNotMade!(extracted), name).toBe(false);
    }
    const [set] = bodyModule.extractBody("set first");
    const replacement = new ReadableStream();
    set.stream = replacement;
    expect(set.stream).toBe(replacement);
    expect(bodyModule.streamNotMade!(set)).toBe(false);
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
      { root: () => 2, page: () => new Response(null, { headers: { "content-type": "application/json" } }) },
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

describe("react patch: an element made by the JSX runtime keeps the props object it was given", () => {
  const RUNTIME = "node_modules/react/cjs/react-jsx-runtime.production.min.js";
  type Runtime = { jsx: (type: unknown, props: Record<string, unknown>, key?: unknown) => { type: unknown; key: string | null; ref: unknown; props: Record<string, unknown> }; Fragment: symbol };
  const runtime = versions(RUNTIME);

  function WithDefaults(props: { label?: string; n?: number }) {
    return createElement("b", null, `${props.label}:${props.n}`);
  }
  WithDefaults.defaultProps = { label: "default", n: 1 };

  /** The same elements, made with one runtime: keys passed apart and inside props, refs, defaults, spreads. */
  const shared = { className: "s", title: "t" };
  const ref = () => {};
  function elements(r: Runtime) {
    return [
      r.jsx("a", { href: "/x", children: "x" }),
      r.jsx("a", { href: "/x", children: "x" }, "k1"),
      r.jsx("a", { href: "/x", children: "x" }, 7),
      r.jsx("a", { key: "inside", href: "/y" }),
      r.jsx("a", { key: "inside", href: "/y" }, "outside"),
      r.jsx("input", { ref, defaultValue: "v" }),
      r.jsx("p", { __self: null, __source: { fileName: "f" }, id: "dev" }),
      r.jsx(WithDefaults, { n: 2 }),
      r.jsx(WithDefaults, { label: undefined }),
      r.jsx("div", { ...shared, children: [r.jsx("i", { children: 1 }, "a"), r.jsx("i", { children: 2 }, "b")] }),
      r.jsx(r.Fragment, { children: "fragment" }),
    ];
  }

  it("changes the file", () => {
    expect(runtime.patched).not.toBe(runtime.original);
    expect(runtime.patched).toContain('props:a,_owner');
  });

  it("makes equal elements, rendered the same", () => {
    const [before, after] = [evaluate<Runtime>(RUNTIME, runtime.original), evaluate<Runtime>(RUNTIME, runtime.patched)];
    const [was, is] = [elements(before), elements(after)];
    is.forEach((element, i) => {
      expect({ ...element, _owner: null }, String(i)).toEqual({ ...was[i], _owner: null });
      expect(renderToString(element as never), String(i)).toBe(renderToString(was[i] as never));
    });
    // Props without key or ref are the very object given; the others are copies, as before.
    const given = { href: "/z" };
    expect(after.jsx("a", given).props).toBe(given);
    expect(before.jsx("a", given).props).not.toBe(given);
    const keyed = { key: "k", href: "/z" };
    expect(after.jsx("a", keyed).props).toEqual({ href: "/z" });
    expect(after.jsx(WithDefaults, given).props).not.toBe(given);
  });
});

describe("pg patch: a plain query config is copied by spreading it", () => {
  const UTILS = "node_modules/pg/lib/utils.js";
  type Utils = { normalizeQueryConfig: (config: unknown, values?: unknown, callback?: unknown) => Record<string, unknown> };
  const utils = versions(UTILS);

  it("changes the file", () => {
    expect(utils.patched).not.toBe(utils.original);
    expect(utils.patched).toContain("return { ...config }");
  });

  it("gives the original's copy, never the caller's object", () => {
    const [before, after] = [evaluate<Utils>(UTILS, utils.original), evaluate<Utils>(UTILS, utils.patched)];
    class Config {
      text = "select 2";
      get name() {
        return "from-a-getter";
      }
    }
    const callback = () => {};
    const configs: [unknown, unknown?, unknown?][] = [
      ["select 1"],
      [{ name: "aa_1", text: "select $1", values: [1] }],
      [{ text: "select $1", rowMode: "array", types: { getTypeParser: () => String } }, [2]],
      [{ text: "select 3" }, callback],
      [{ text: "select 4", values: [4] }, [5], callback],
      [new Config()],
      [Object.assign(Object.create(null), { text: "select 5" })],
    ];
    for (const args of configs) {
      const was = before.normalizeQueryConfig(...args);
      const is = after.normalizeQueryConfig(...args);
      expect(is).toEqual(was);
      expect(Object.getPrototypeOf(is)).toBe(Object.getPrototypeOf(was));
      expect((is as { name?: string }).name).toBe((was as { name?: string }).name);
      if (typeof args[0] === "object") expect(is).not.toBe(args[0]);
    }
    const given = { text: "select 6", values: [6] };
    after.normalizeQueryConfig(given, [7], callback);
    expect(given).toEqual({ text: "select 6", values: [6] });
  });
});

describe("bundle plugin: CommonJS packages imported by ES modules are read as values", () => {
  /** A bundle, as bin/bundle-server.ts makes one, of an ES module importing React and Remix; its exports after loading. */
  async function bundle(plugins: import("esbuild").Plugin[]) {
    const { build } = await import("esbuild");
    const entry = [
      'import React, { useState, createElement } from "react";',
      'import * as Runtime from "react/jsx-runtime";',
      'import { jsx } from "react/jsx-runtime";',
      'import { Link } from "@remix-run/react";',
      'import { json } from "@remix-run/node";',
      'import { renderToString } from "react-dom/server";',
      "export const seen = { React, useState, createElement, jsx, runtime: Runtime, Link, json };",
      'export const html = renderToString(jsx("p", { children: [jsx("b", { children: "x" }, "1"), createElement("i", null, "y")] }));',
    ].join("\n");
    const result = await build({
      stdin: { contents: entry, resolveDir: root, sourcefile: "entry.mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      write: false,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": '"production"' },
      banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
      plugins,
    });
    const text = result.outputFiles[0]!.text;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-bundle-test-")), "bundle.mjs");
    fs.writeFileSync(file, text);
    try {
      return { text, exports: (await import(file)) as { seen: Record<string, unknown>; html: string } };
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }

  it("refers to the packages' exports directly, with the same values and output as esbuild's wrappers", async () => {
    const plain = await bundle([]);
    const values = await bundle([cjsValuesPlugin()]);
    expect(plain.text).toMatch(/__toESM\(require_react\(\)/);
    expect(values.text).not.toMatch(/__toESM\(require_(react|jsx_runtime|dist\d*)\(\)/);
    expect(values.exports.html).toBe(plain.exports.html);
    expect(values.exports.html).toBe("<p><b>x</b><i>y</i></p>");
    const [was, is] = [plain.exports.seen, values.exports.seen];
    for (const name of ["useState", "createElement", "jsx", "Link", "json"]) expect(typeof is[name], name).toBe(typeof was[name]);
    // The default import is the package's exports object, as esbuild's wrapper makes it for Node.
    expect((is.React as { useState: unknown }).useState).toBe(is.useState);
    expect((is.runtime as { jsx: unknown }).jsx).toBe(is.jsx);
    expect(Object.keys(is.runtime as object).sort()).toEqual(Object.keys(was.runtime as object).sort());
  });
});

describe("pg patch: a result's empty row is built as an ordinary object", () => {
  const RESULT = "node_modules/pg/lib/result.js";
  type ResultClass = new (rowMode?: string) => { addFields(fields: { name: string; dataTypeID: number; format: string }[]): void; parseRow(values: (string | null)[]): Record<string, unknown> };
  const result = versions(RESULT);

  it("changes the file", () => {
    expect(result.patched).not.toBe(result.original);
    expect(result.patched).toContain("desc.name === '__proto__'");
  });

  it("gives rows with the same keys, order, values and prototype, a __proto__ column included", () => {
    const [Before, After] = [evaluate<ResultClass>(RESULT, result.original), evaluate<ResultClass>(RESULT, result.patched)];
    const columns: [string, number][][] = [
      [["id", 23], ["name", 25], ["joined", 1184], ["big", 20]],
      [["b", 25], ["a", 25], ["b", 23]],
      [["__proto__", 25], ["toString", 25], ["constructor", 23]],
      [["0", 25], ["x y", 25]],
      [],
    ];
    for (const fields of columns) {
      const values = fields.map(([, type], i) => (type === 1184 ? "2026-12-02 10:00:00+00" : type === 25 ? `v${i}` : String(i + 1)));
      const [before, after] = [new Before(), new After()];
      const descriptions = fields.map(([name, dataTypeID]) => ({ name, dataTypeID, format: "text" }));
      before.addFields(descriptions);
      after.addFields(descriptions);
      for (let n = 0; n < 2; n++) {
        const [was, is] = [before.parseRow(values), after.parseRow(values)];
        expect(Object.getPrototypeOf(is)).toBe(Object.getPrototypeOf(was));
        expect(Reflect.ownKeys(is)).toEqual(Reflect.ownKeys(was));
        expect(is).toEqual(was);
      }
    }
  });
});

describe("react-router and react-router-dom patches: their namespace of React holds values", () => {
  const ROUTER = "node_modules/react-router/dist/umd/react-router.production.min.js";
  const DOM = "node_modules/react-router-dom/dist/umd/react-router-dom.production.min.js";
  const React = createRequire(path.join(root, ROUTER))("react") as typeof import("react");

  /** React's exports read by the module while it renders a route with a link, after it has loaded. */
  function readsDuringRender(file: string, source: string) {
    let reads = 0;
    let counting = false;
    const counted = new Proxy(React, { get: (target, key, receiver) => ((reads += counting ? 1 : 0), Reflect.get(target, key, receiver)) });
    const real = createRequire(path.join(root, file));
    const replaced: Record<string, unknown> = { react: counted };
    if (file === DOM) replaced["react-router"] = evaluate(ROUTER, fs.readFileSync(path.join(root, ROUTER), "utf8"), { react: React });
    const rr = evaluate<typeof import("react-router-dom")>(file, source, replaced);
    const Dom = file === DOM ? rr : (real("react-router-dom") as typeof import("react-router-dom"));
    const tree = () => createElement(rr.MemoryRouter, { initialEntries: ["/a/1"] }, createElement(rr.Routes, null, createElement(rr.Route, { path: "a/:id", element: createElement(file === DOM ? Dom.Link : "b", { to: "x" }, "x") })));
    const first = renderToString(tree());
    counting = true;
    const second = renderToString(tree());
    return { reads, html: second, first };
  }

  for (const file of [ROUTER, DOM]) {
    it(`${file.split("/")[1]}: renders the same, reading React through no getter`, () => {
      const { original, patched } = versions(file);
      expect(patched).not.toBe(original);
      const before = readsDuringRender(file, original);
      const after = readsDuringRender(file, patched);
      expect(after.html).toBe(before.html);
      expect(after.html).toBe(after.first);
      expect(before.reads).toBeGreaterThan(0);
      expect(after.reads).toBe(0);
    });
  }
});

describe("remix-react patch: its namespace of React holds values", () => {
  const FALLBACK = "node_modules/@remix-run/react/dist/fallback.js";
  const React = createRequire(path.join(root, FALLBACK))("react") as typeof import("react");

  function readsWhileCalled(source: string) {
    let reads = 0;
    let counting = false;
    const counted = new Proxy(React, { get: (target, key, receiver) => ((reads += counting ? 1 : 0), Reflect.get(target, key, receiver)) });
    const fallback = evaluate<{ RemixRootDefaultHydrateFallback: () => unknown }>(FALLBACK, source, { react: counted });
    counting = true;
    const element = fallback.RemixRootDefaultHydrateFallback();
    return { reads, element };
  }

  it("makes the same element, reading React through no getter", () => {
    const { original, patched } = versions(FALLBACK);
    const before = readsWhileCalled(original);
    const after = readsWhileCalled(patched);
    expect(after.element).toEqual(before.element);
    expect(before.reads).toBeGreaterThan(0);
    expect(after.reads).toBe(0);
  });

  it("is applied to each of the package's files that wraps React", () => {
    const dist = path.join(root, "node_modules/@remix-run/react/dist");
    const wrapping = fs.readdirSync(dist).filter((name) => name.endsWith(".js") && fs.readFileSync(path.join(dist, name), "utf8").includes("_interopNamespace(React)"));
    expect(wrapping.length).toBeGreaterThan(5);
    for (const name of wrapping) {
      const file = `node_modules/@remix-run/react/dist/${name}`;
      expect(versions(file).patched, name).not.toContain("get: function () { return e[k]; }");
    }
  });
});
