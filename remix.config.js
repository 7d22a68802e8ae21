/**
 * Remix v2, classic compiler. The server build (build/index.js, ESM) bundles bin/build-entry.ts: the
 * Remix build and the whole server process in one file (`node build/index.js`).
 */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  server: "bin/build-entry.ts",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  tailwind: true,
  postcss: true,
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Off: with it every page computes and inlines a partial route manifest (CPU and bytes per
    // request); without, the whole manifest is one content-hashed, cached script.
    v3_lazyRouteDiscovery: false,
    v3_singleFetch: false,
  },
};
