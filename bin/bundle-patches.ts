/**
 * Source patches applied while bundling build/server.js (docs/decisions/0044). Each replaces one
 * exact text in one package file; if a package upgrade changes that text the build fails with the
 * patch's name, so nothing silently stops applying.
 *
 * The first seven remove work React Router repeats on every request over a route tree that never
 * changes in a running server: matching flattened, ranked and compiled the whole tree (about 100
 * routes) to regular expressions three times per page, and the React side rebuilt its route objects
 * twice. Measured: about 6 ms of CPU per page, a third of a login page.
 *
 * The next one keeps what every Link resolves (its target, from the route context's matches) for the
 * render instead of writing the matches to JSON and back three or four times per Link; the one
 * after it skips, on the server only, the click handler a Link builds and a server render never calls.
 *
 * The next two let a document request read each loader's data from the JSON text `json()` wrote
 * instead of through the Response's body stream (a stream read, a byte copy and a UTF-8 decode per
 * loader; docs/decisions/0050); the Response itself is unchanged, so data requests, headers and
 * anything else that reads it see what they saw before.
 *
 * The last two stop Remix from copying the request twice for every loader (to strip `?index` and
 * `?_data`, which a page's URL rarely has): three loaders per page made six undici Requests, each
 * with its headers, URL and a signal following the original's (docs/decisions/0049).
 *
 * Those after them (docs/decisions/0057) make a body's web stream only when something reads it,
 * keep link resolutions and encodings for the process, list a build's route modules once, let the
 * JSX runtime keep the props object it is given, spare pg two copies per statement, and give React
 * Router's and Remix's namespaces of React values instead of getters. Below the
 * patches, `cjsValuesPlugin` has a few CommonJS packages read as values rather than through
 * esbuild's getters.
 */
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import type { Plugin } from "esbuild";

/** `texts` as one alternation for a regular expression, each matched literally. */
const anyOf = (texts: readonly string[]) => texts.map((text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|");

export interface SourcePatch {
  name: string;
  /** The package file, as a path ending (forward slashes). */
  file: string;
  find: string;
  replace: string;
  /**
   * Patch the project's own copy only, and bundle any copy nested in another package as published
   * (undici 6 inside @remix-run/node, for its installGlobals, which this server never calls).
   */
  topLevelOnly?: boolean;
}

export const SOURCE_PATCHES: SourcePatch[] = [
  {
    name: "router: rank the branches of a route tree once, remember recent matches",
    file: "node_modules/@remix-run/router/dist/router.cjs.js",
    find: "  let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);\n  let matches = null;\n",
    replace: [
      "  let recent = recentMatches.get(routes);",
      "  if (recent === undefined) {",
      "    recent = new Map();",
      "    recentMatches.set(routes, recent);",
      "  }",
      '  let recentKey = (allowPartial ? "partial:" : "exact:") + pathname;',
      "  let remembered = recent.get(recentKey);",
      "  if (remembered !== undefined) return copyMatches(remembered);",
      "  let branches = rankedBranches.get(routes);",
      "  if (branches === undefined) {",
      "    branches = flattenRoutes(routes);",
      "    rankRouteBranches(branches);",
      "    rankedBranches.set(routes, branches);",
      "  }",
      "  let matches = null;",
      "",
    ].join("\n"),
  },
  {
    name: "router: store the match, hand out copies",
    file: "node_modules/@remix-run/router/dist/router.cjs.js",
    find: "  return matches;\n}\nfunction convertRouteMatchToUiMatch(",
    replace: [
      // Request paths are unbounded (ids, hostile input): a full cache starts again.
      "  if (recent.size >= 1000) recent.clear();",
      "  recent.set(recentKey, matches);",
      "  return copyMatches(matches);",
      "}",
      // The matches of one branch share one params object; callers may change it or the matches.
      "function copyMatches(matches) {",
      "  if (matches === null) return null;",
      "  let params = matches.length ? { ...matches[0].params } : {};",
      "  return matches.map((match) => ({ ...match, params }));",
      "}",
      "function convertRouteMatchToUiMatch(",
    ].join("\n"),
  },
  {
    name: "router: compile each route pattern once",
    file: "node_modules/@remix-run/router/dist/router.cjs.js",
    find: "function compilePath(path, caseSensitive, end) {\n",
    replace: [
      // Keyed by the route tree's array: the server's trees live as long as the process.
      "const rankedBranches = new WeakMap();",
      "const recentMatches = new WeakMap();",
      // Patterns come from route definitions, not from request paths; the cap bounds the rest.
      "const compiledPaths = new Map();",
      "function compilePath(path, caseSensitive, end) {",
      '  const key = path + "\\u0000" + (caseSensitive === true) + "\\u0000" + (end !== false);',
      "  let compiled = compiledPaths.get(key);",
      "  if (compiled === undefined) {",
      "    compiled = compilePathUncached(path, caseSensitive, end);",
      "    if (compiledPaths.size < 10000) compiledPaths.set(key, compiled);",
      "  }",
      "  return compiled;",
      "}",
      "function compilePathUncached(path, caseSensitive, end) {",
      "",
    ].join("\n"),
  },
  {
    name: "remix-react: build the server route objects once per manifest",
    file: "node_modules/@remix-run/react/dist/server.js",
    find: "  let routes$1 = routes.createServerRoutes(manifest.routes, routeModules, context.future, context.isSpaMode);\n",
    replace: [
      "  let routes$1 = serverRoutesOf.get(manifest.routes);",
      "  if (routes$1 === undefined) {",
      "    routes$1 = routes.createServerRoutes(manifest.routes, routeModules, context.future, context.isSpaMode);",
      "    serverRoutesOf.set(manifest.routes, routes$1);",
      "  }",
      "",
    ].join("\n"),
  },
  {
    name: "remix-react: the cache of server route objects",
    file: "node_modules/@remix-run/react/dist/server.js",
    find: "function RemixServer({",
    replace: "const serverRoutesOf = new WeakMap();\nfunction RemixServer({",
  },
  {
    name: "react-router-dom: convert a route tree to data routes once",
    file: "node_modules/react-router-dom/server.js",
    find: "  let manifest = {};\n  let dataRoutes = router.UNSAFE_convertRoutesToDataRoutes(routes, reactRouter.UNSAFE_mapRouteProperties, undefined, manifest);\n",
    replace: [
      "  let converted = dataRoutesOf.get(routes);",
      "  if (converted === undefined) {",
      "    let manifest = {};",
      "    converted = { manifest, dataRoutes: router.UNSAFE_convertRoutesToDataRoutes(routes, reactRouter.UNSAFE_mapRouteProperties, undefined, manifest) };",
      "    dataRoutesOf.set(routes, converted);",
      "  }",
      "  let { manifest, dataRoutes } = converted;",
      "",
    ].join("\n"),
  },
  {
    name: "react-router-dom: the cache of data routes",
    file: "node_modules/react-router-dom/server.js",
    find: "function createStaticRouter(routes, context, opts = {}) {\n",
    replace: "const dataRoutesOf = new WeakMap();\nfunction createStaticRouter(routes, context, opts = {}) {\n",
  },
  {
    name: "react-router: useResolvedPath resolves each target once per route context",
    file: "node_modules/react-router/dist/umd/react-router.production.min.js",
    find: 'function y(e,t){let{relative:n}=void 0===t?{}:t,{future:o}=a.useContext(s),{matches:i}=a.useContext(d),{pathname:u}=v(),l=JSON.stringify(r.UNSAFE_getResolveToMatches(i,o.v7_relativeSplatPath));return a.useMemo(()=>r.resolveTo(e,JSON.parse(l),u,"path"===n),[e,l,u,n])}',
    replace: [
      // Every Link resolved its target three or four times per render (Remix's Link and React Router's
      // both call useHref, the click handler resolves again, a NavLink once more), each time writing
      // the route context's matches to JSON and parsing them back. The JSON is written once per
      // matches array (a WeakMap, so it goes with the render). A resolution depends only on that
      // JSON, the location's path, the target and the relative mode, so it is kept for the process
      // under those (string targets, and plain { pathname, search, hash } objects such as a NavLink's
      // resolved path), at most 2,000 at a time (all forgotten when full), and callers get copies.
      "const resolvedOf=new WeakMap(),resolvedByRoutes=new Map();let resolvedCount=0;",
      "function resolvedEntry(i,f){let k=resolvedOf.get(i);if(k===void 0){k=new Map();resolvedOf.set(i,k)}let x=k.get(f);if(x===void 0){let json=JSON.stringify(r.UNSAFE_getResolveToMatches(i,f)),paths=resolvedByRoutes.get(json);if(paths===void 0){paths=new Map();resolvedByRoutes.set(json,paths)}x={json,paths};k.set(f,x)}return x}",
      'function targetPart(v){return v===void 0?"\\u0001":v}',
      'function objectKey(e){if(e===null||typeof e!=="object")return void 0;for(let k in e){if(k!=="pathname"&&k!=="search"&&k!=="hash")return void 0;let v=e[k];if(v!==void 0&&typeof v!=="string")return void 0}return targetPart(e.pathname)+"\\0"+targetPart(e.search)+"\\0"+targetPart(e.hash)}',
      // Kept per location path, then per relative mode and kind of target, so a lookup builds no key
      // string for a string target.
      'function resolveCached(e,i,f,l,u,p){let t=typeof e==="string"?e:objectKey(e);if(t===void 0)return r.resolveTo(e,JSON.parse(l),u,p);let x=resolvedEntry(i,f),at=x.paths.get(u);if(at===void 0){at=[new Map(),new Map(),new Map(),new Map()];x.paths.set(u,at)}let m=at[(p?1:0)+(typeof e==="string"?0:2)],hit=m.get(t);if(hit===void 0){hit=r.resolveTo(e,JSON.parse(l),u,p);if(resolvedCount>=2000){resolvedByRoutes.clear();resolvedCount=0}m.set(t,hit);resolvedCount++}return{...hit}}',
      'function y(e,t){let{relative:n}=void 0===t?{}:t,{future:o}=a.useContext(s),{matches:i}=a.useContext(d),{pathname:u}=v(),l=resolvedEntry(i,o.v7_relativeSplatPath).json;return a.useMemo(()=>resolveCached(e,i,o.v7_relativeSplatPath,l,u,"path"===n),[e,l,u,n])}',
    ].join("\n"),
  },
  {
    name: "react-router-dom: a Link rendered on the server builds no click handler",
    file: "node_modules/react-router-dom/dist/umd/react-router-dom.production.min.js",
    find: "S=I(p,{replace:f,state:d,target:m,preventScrollReset:v,relative:u,viewTransition:h});",
    // `j` is the package's own "in a browser" test, fixed for the life of the process, so the hooks
    // a Link calls are the same on every render. A server render never calls an event handler;
    // the handler's hooks (navigate, location, one more resolution of the target) were a third of
    // each Link's work. The browser's render is unchanged, so hydration meets the same markup.
    replace: "S=j?I(p,{replace:f,state:d,target:m,preventScrollReset:v,relative:u,viewTransition:h}):null;",
  },
  {
    name: "router: json() keeps the text it wrote",
    file: "node_modules/@remix-run/router/dist/router.cjs.js",
    find: "  return new Response(JSON.stringify(data), _extends({}, responseInit, {\n    headers\n  }));\n};\nclass DataWithResponseInit {",
    replace: [
      "  let text = JSON.stringify(data);",
      "  let response = new Response(text, _extends({}, responseInit, {",
      "    headers",
      "  }));",
      '  if (typeof text === "string") keptJsonText.set(response, text);',
      "  return response;",
      "};",
      // Responses are garbage like any other object: the map holds nothing alive.
      "const keptJsonText = new WeakMap();",
      "class DataWithResponseInit {",
    ].join("\n"),
  },
  {
    name: "router: a loader's json() data is parsed from that text, not read back through the body stream",
    file: "node_modules/@remix-run/router/dist/router.cjs.js",
    find: "        if (result.body == null) {\n          data = null;\n        } else {\n          data = await result.json();\n        }\n",
    replace: [
      // Asked before `body`, which would make the body's lazy stream (undici patch below). A body
      // already read fails as before (result.json() throws); a kept text means a body that is not null.
      "        let kept = result.bodyUsed ? undefined : keptJsonText.get(result);",
      "        if (kept !== undefined) {",
      "          data = JSON.parse(kept);",
      "        } else if (result.body == null) {",
      "          data = null;",
      "        } else {",
      "          data = await result.json();",
      "        }",
      "",
    ].join("\n"),
  },
  {
    name: "server-runtime: a loader or action gets the request itself when there is no index param to strip",
    file: "node_modules/@remix-run/server-runtime/dist/data.js",
    find: "function stripIndexParam(request) {\n  let url = new URL(request.url);\n",
    replace: [
      // Conservative: any query holding the key's letters, or a percent escape (which could spell
      // them), takes the original path. Otherwise the copy would have the same URL (but for the
      // query's re-encoding, which parses to the same values), method, headers, body and signal.
      "function mayHoldSearchKey(href, key) {",
      '  let query = href.indexOf("?");',
      '  return query >= 0 && (href.indexOf(key, query) >= 0 || href.indexOf("%", query) >= 0);',
      "}",
      "function stripIndexParam(request) {",
      '  if (!mayHoldSearchKey(request.url, "index")) return request;',
      "  let url = new URL(request.url);",
      "",
    ].join("\n"),
  },
  {
    name: "server-runtime: the same for the _data param",
    file: "node_modules/@remix-run/server-runtime/dist/data.js",
    find: "function stripDataParam(request) {\n  let url = new URL(request.url);\n",
    replace: 'function stripDataParam(request) {\n  if (!mayHoldSearchKey(request.url, "_data")) return request;\n  let url = new URL(request.url);\n',
  },
  {
    name: "react-router-dom: the static router encodes each target once",
    file: "node_modules/react-router-dom/server.js",
    find: "function encodeLocation(to) {\n  let href = typeof to === \"string\" ? to : reactRouterDom.createPath(to);\n",
    // A server render encodes every Link's target through two URL parses; the result depends only
    // on the target's text. At most 1,000 are kept (all forgotten when full); callers get copies.
    replace: [
      "const encodedLocations = new Map();",
      "function encodeLocation(to) {",
      '  let href = typeof to === "string" ? to : reactRouterDom.createPath(to);',
      "  let known = encodedLocations.get(href);",
      "  if (known === undefined) {",
      "    known = encodeLocationOnce(href);",
      "    if (encodedLocations.size >= 1000) encodedLocations.clear();",
      "    encodedLocations.set(href, known);",
      "  }",
      "  return { ...known };",
      "}",
      "function encodeLocationOnce(href) {",
      "",
    ].join("\n"),
  },
  {
    name: "undici: a body's stream is made when first asked for",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "  // 1. Let stream be null.\n  let stream = null\n",
    replace: "  // 1. Let stream be null.\n  let stream = null\n  let makeStream = null\n",
  },
  {
    name: "undici: the byte stream of a body, as a function",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "    //    up stream with byte reading support.\n    stream = new ReadableStream({\n",
    replace: "    //    up stream with byte reading support.\n    makeStream = () => (stream = new ReadableStream({\n",
  },
  {
    name: "undici: the end of that function",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "      type: 'bytes'\n    })\n  }\n\n  // 5. Assert: stream is a ReadableStream object.\n  assert(webidl.is.ReadableStream(stream))\n",
    replace: "      type: 'bytes'\n    }))\n  }\n\n  // 5. Assert: stream is a ReadableStream object.\n  assert(makeStream !== null || webidl.is.ReadableStream(stream))\n",
  },
  {
    name: "undici: an async iterable brings its own stream",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "    stream =\n      webidl.is.ReadableStream(object) ? object : ReadableStreamFrom(object)\n",
    replace: "    makeStream = null\n    stream =\n      webidl.is.ReadableStream(object) ? object : ReadableStreamFrom(object)\n",
  },
  {
    name: "undici: text and bytes get a lazy stream, anything else one at once",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "  const body = { stream, source, length }\n",
    replace: [
      "  if (makeStream !== null && typeof source !== 'string' && !isUint8Array(source)) makeStream()",
      "  const body = stream === null ? new LazyBody(makeStream, source, length) : { stream, source, length }",
      "",
    ].join("\n"),
  },
  {
    name: "undici: the lazy body",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "function extractBody (object, keepalive = false) {\n",
    replace: [
      // A body of text or bytes (every page and every loader's json()) got a web ReadableStream when
      // its Response was made, though the server never reads a page's or a document request's loader
      // Response through it (about 2.5% of a page's CPU on Node 20, where each stream is also made
      // transferable). Its `stream` is now made on first read, by the same code, and kept; setting
      // it first replaces it. (undici reads and sets a body's members by name and never copies a
      // body wholesale, so a getter on the prototype serves every reader.)
      "class LazyBody {",
      "  constructor (makeStream, source, length) {",
      "    this.makeStream = makeStream",
      "    this.madeStream = null",
      "    this.source = source",
      "    this.length = length",
      "  }",
      "",
      "  get stream () {",
      "    if (this.makeStream !== null) {",
      "      this.madeStream = this.makeStream()",
      "      this.makeStream = null",
      "    }",
      "    return this.madeStream",
      "  }",
      "",
      "  set stream (value) {",
      "    this.makeStream = null",
      "    this.madeStream = value",
      "  }",
      "}",
      "",
      "function streamNotMade (body) {",
      "  return body instanceof LazyBody && body.makeStream !== null",
      "}",
      "",
      "function extractBody (object, keepalive = false) {",
      "",
    ].join("\n"),
  },
  {
    name: "undici: the lazy body is exported",
    file: "node_modules/undici/lib/web/fetch/body.js",
    topLevelOnly: true,
    find: "  streamRegistry,\n  bodyUnusable\n}",
    replace: "  streamRegistry,\n  bodyUnusable,\n  streamNotMade\n}",
  },
  {
    name: "undici: a Response imports it",
    file: "node_modules/undici/lib/web/fetch/response.js",
    topLevelOnly: true,
    find: "const { extractBody, cloneBody, mixinBody, streamRegistry, bodyUnusable } = require('./body')",
    replace: "const { extractBody, cloneBody, mixinBody, streamRegistry, bodyUnusable, streamNotMade } = require('./body')",
  },
  {
    name: "undici: a Response whose stream was never made has not been used",
    file: "node_modules/undici/lib/web/fetch/response.js",
    topLevelOnly: true,
    find: "    return !!this.#state.body && util.isDisturbed(this.#state.body.stream)\n",
    replace: "    return !!this.#state.body && !streamNotMade(this.#state.body) && util.isDisturbed(this.#state.body.stream)\n",
  },
  {
    name: "server-runtime: a Response is known without asking for its body",
    file: "node_modules/@remix-run/server-runtime/dist/responses.js",
    find: "function isResponse(value) {\n  return value != null && typeof value.status",
    // The duck test reads `body`, which makes the lazy stream (undici patch above) of every loader's
    // Response; a real Response passes it anyway, so it is asked first.
    replace: 'function isResponse(value) {\n  return typeof Response === "function" && value instanceof Response || value != null && typeof value.status',
  },
  {
    name: "router: the same test",
    file: "node_modules/@remix-run/router/dist/router.cjs.js",
    find: "function isResponse(value) {\n  return value != null && typeof value.status",
    replace: 'function isResponse(value) {\n  return typeof Response === "function" && value instanceof Response || value != null && typeof value.status',
  },
  {
    name: "react: an element made by the JSX runtime keeps the props object it was given",
    file: "node_modules/react/cjs/react-jsx-runtime.production.min.js",
    find: "function q(c,a,g){var b,d={},e=null,h=null;",
    // Compiled JSX hands the runtime a new object literal per element (`jsx("a", { href, children })`,
    // a spread included) and passes the key apart. The runtime copied every prop into another new
    // object to leave out key and ref (2.4% of a page's CPU, and as much garbage). Props without
    // key, ref, __self or __source, for a type without defaultProps, are now used as they are: the
    // same values; React never writes to props.
    replace:
      'function q(c,a,g){if(!("key"in a)&&!("ref"in a)&&!("__self"in a)&&!("__source"in a)&&!(c&&c.defaultProps))return{$$typeof:k,type:c,key:void 0!==g?""+g:null,ref:null,props:a,_owner:n.current};var b,d={},e=null,h=null;',
  },
  {
    name: "pg: a plain query config is copied by spreading it",
    file: "node_modules/pg/lib/utils.js",
    find: "function cloneQueryConfig(config) {\n  if (config == null) {\n    return config\n  }\n",
    // Every named read (db/index.server.ts) hands pg a new `{ name, text, values }`, which it copied
    // through property descriptors (1.1% of a dashboard). An object literal's own properties are
    // plain enumerable values, so a spread makes the same copy; anything else is copied as before.
    replace: [
      "function cloneQueryConfig(config) {",
      "  if (config == null) {",
      "    return config",
      "  }",
      "  if (Object.getPrototypeOf(config) === Object.prototype) {",
      "    return { ...config }",
      "  }",
      "",
    ].join("\n"),
  },
  {
    name: "pg: a result's empty row is built as an ordinary object",
    file: "node_modules/pg/lib/result.js",
    find: "    const row = Object.create(null)\n",
    // Built without a prototype (so that a column named __proto__ becomes a property), then spread
    // into the object every row copies: writes and spread in dictionary mode, once per statement
    // (1.3% of a dashboard). Without such a column an ordinary object gives the same spread.
    replace: "    const row = fieldDescriptions.some((desc) => desc.name === '__proto__') ? Object.create(null) : {}\n",
  },
  {
    name: "react-router: its namespace of React holds values, not getters",
    file: "node_modules/react-router/dist/umd/react-router.production.min.js",
    find: "Object.defineProperty(t,r,n.get?n:{enumerable:!0,get:function(){return e[r]}})",
    // The UMD build reads React through a frozen namespace whose every member was a getter: each
    // hook call of a Link, a route or an outlet called one (about 0.9% of /notifications). React
    // assigns all its exports as it loads and never reassigns one (see cjsValuesPlugin below).
    replace: "Object.defineProperty(t,r,n.get?n:{enumerable:!0,value:e[r]})",
  },
  {
    name: "react-router-dom: the same for React and ReactDOM",
    file: "node_modules/react-router-dom/dist/umd/react-router-dom.production.min.js",
    find: "Object.defineProperty(t,n,r.get?r:{enumerable:!0,get:function(){return e[n]}})",
    replace: "Object.defineProperty(t,n,r.get?r:{enumerable:!0,value:e[n]})",
  },
  // Remix's React package does the same through Rollup's `_interopNamespace`, once per file that
  // uses React (its Links, Forms, Scripts and route components: about 0.5% of /notifications).
  ...["browser", "components", "errorBoundaries", "fallback", "fog-of-war", "routeModules", "routes", "scroll-restoration", "server", "single-fetch"].map(
    (name): SourcePatch => ({
      name: `remix-react: its namespace of React holds values, not getters (${name}.js)`,
      file: `node_modules/@remix-run/react/dist/${name}.js`,
      find: "        Object.defineProperty(n, k, d.get ? d : {\n          enumerable: true,\n          get: function () { return e[k]; }\n        });\n",
      replace: "        Object.defineProperty(n, k, d.get ? d : {\n          enumerable: true,\n          value: e[k]\n        });\n",
    }),
  ),
  {
    name: "server-runtime: the route modules of a build are listed once",
    file: "node_modules/@remix-run/server-runtime/dist/entry.js",
    find: "function createEntryRouteModules(manifest) {\n  return Object.keys(manifest).reduce(",
    // Every document request listed the modules of all ~100 routes into a new object; the build's
    // route manifest never changes in a running server, and nothing writes to the list on the server.
    replace: [
      "const entryRouteModules = new WeakMap();",
      "function createEntryRouteModules(manifest) {",
      "  let known = entryRouteModules.get(manifest);",
      "  if (known === undefined) {",
      "    known = listEntryRouteModules(manifest);",
      "    entryRouteModules.set(manifest, known);",
      "  }",
      "  return known;",
      "}",
      "function listEntryRouteModules(manifest) {",
      "  return Object.keys(manifest).reduce(",
    ].join("\n"),
  },
];

/** Applies the patches of one file to its text; throws when a patch's text is missing or repeated. */
export function applyPatches(file: string, text: string, patches: readonly SourcePatch[] = SOURCE_PATCHES): string {
  let result = text;
  for (const patch of patches) {
    if (!file.replaceAll("\\", "/").endsWith(patch.file)) continue;
    const at = result.indexOf(patch.find);
    if (at < 0 || result.indexOf(patch.find, at + 1) >= 0) {
      throw new Error(`bundle patch "${patch.name}": the text to replace is ${at < 0 ? "missing from" : "repeated in"} ${patch.file}; the package changed, review docs/decisions/0044`);
    }
    result = result.slice(0, at) + patch.replace + result.slice(at + patch.find.length);
  }
  return result;
}

/** The esbuild plugin; also fails the build when a patched file was never bundled. */
export function sourcePatchesPlugin(patches: readonly SourcePatch[] = SOURCE_PATCHES): Plugin {
  const files = [...new Set(patches.map((patch) => patch.file))];
  return {
    name: "source-patches",
    setup(build) {
      const seen = new Map<string, string>();
      const filter = new RegExp(`(${anyOf(files)})$`);
      build.onLoad({ filter }, async (args) => {
        const file = files.find((candidate) => args.path.replaceAll("\\", "/").endsWith(candidate))!;
        const nested = args.path.replaceAll("\\", "/").slice(0, -file.length).includes("/node_modules/");
        if (nested && patches.every((patch) => patch.file !== file || patch.topLevelOnly)) return undefined;
        const earlier = seen.get(file);
        if (earlier !== undefined && earlier !== args.path) throw new Error(`bundle patch: ${file} is bundled from two places (${earlier}, ${args.path}); deduplicate the package`);
        seen.set(file, args.path);
        return { contents: applyPatches(args.path, await fs.readFile(args.path, "utf8"), patches), loader: "js" };
      });
      build.onEnd((result) => {
        if (result.errors.length) return;
        const missing = files.filter((file) => !seen.has(file));
        if (missing.length) throw new Error(`bundle patch: never bundled: ${missing.join(", ")}`);
      });
    },
  };
}

/** CommonJS packages our ES modules import on every render: their exports are read as plain values. */
export const CJS_VALUE_PACKAGES = ["react", "react/jsx-runtime", "@remix-run/react", "@remix-run/node"] as const;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(["default", "arguments", "eval", "await", "yield", "let", "static", "enum", "implements", "interface", "package", "private", "protected", "public"]);

/** The ES module that stands for a CommonJS file: its exports as values read once, itself as the default. */
function cjsValuesModule(requirePath: string, names: readonly string[]): string {
  const exported = names.filter((name) => IDENTIFIER.test(name) && !RESERVED.has(name));
  return [
    `const m = require(${JSON.stringify(requirePath)});`,
    "export default m;",
    ...exported.map((name) => `export const ${name} = m.${name};`),
    "",
  ].join("\n");
}

/**
 * An ES module that imports a CommonJS package gets, from esbuild, a wrapper whose every export is
 * a getter (`__toESM`), so each `jsx(…)` or `useContext(…)` of a render first calls a getter: about
 * 1–1.7% of a page's CPU across the ~200 modules that import React. For the packages listed, the
 * import is answered by a small ES module that reads the package's exports once, when it is first
 * loaded (these packages assign all their exports as they load and never reassign them), so the
 * bundle refers to them directly. A name the package lacks fails the build, as it should.
 */
export function cjsValuesPlugin(packages: readonly string[] = CJS_VALUE_PACKAGES): Plugin {
  const filter = new RegExp(`^(${anyOf(packages)})$`);
  return {
    name: "cjs-values",
    setup(build) {
      build.onResolve({ filter }, async (args) => {
        if (args.kind !== "import-statement" || args.namespace === "cjs-values") return undefined;
        const resolved = await build.resolve(args.path, { kind: "require-call", resolveDir: args.resolveDir, importer: args.importer });
        if (resolved.errors.length) return { errors: resolved.errors };
        return { path: resolved.path, namespace: "cjs-values" };
      });
      build.onLoad({ filter: /.*/, namespace: "cjs-values" }, (args) => {
        const names = Object.keys(createRequire(args.path)(args.path) as object);
        return { contents: cjsValuesModule(args.path, names), loader: "js", resolveDir: process.cwd() };
      });
    },
  };
}
