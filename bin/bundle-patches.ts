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
 */
import fs from "node:fs/promises";
import type { Plugin } from "esbuild";

export interface SourcePatch {
  name: string;
  /** The package file, as a path ending (forward slashes). */
  file: string;
  find: string;
  replace: string;
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
      // the route context's matches to JSON and parsing them back. The JSON is the same for every
      // Link under one route context (one matches array), and so is a string target's resolution
      // from one location: both are kept per matches array (a WeakMap, so they go with the render;
      // at most 500 targets for the context's default empty matches, which lives as long as the
      // process) and callers get copies.
      "const resolvedOf=new WeakMap();",
      "function resolvedEntry(i,f){let k=resolvedOf.get(i);if(k===void 0){k=new Map();resolvedOf.set(i,k)}let x=k.get(f);if(x===void 0){x={json:JSON.stringify(r.UNSAFE_getResolveToMatches(i,f)),paths:new Map()};k.set(f,x)}return x}",
      'function resolveCached(e,i,f,l,u,p){if(typeof e!=="string")return r.resolveTo(e,JSON.parse(l),u,p);let x=resolvedEntry(i,f),key=(p?"p":"r")+u+"\\0"+e,hit=x.paths.get(key);if(hit===void 0){hit=r.resolveTo(e,JSON.parse(l),u,p);if(x.paths.size>=500)x.paths.clear();x.paths.set(key,hit)}return{...hit}}',
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
      "        if (result.body == null) {",
      "          data = null;",
      "        } else {",
      // A body already read fails as before (result.json() throws).
      "          let kept = result.bodyUsed ? undefined : keptJsonText.get(result);",
      "          data = kept !== undefined ? JSON.parse(kept) : await result.json();",
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
      const filter = new RegExp(`(${files.map((file) => file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})$`);
      build.onLoad({ filter }, async (args) => {
        const file = files.find((candidate) => args.path.replaceAll("\\", "/").endsWith(candidate))!;
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
