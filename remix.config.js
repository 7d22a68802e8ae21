/**
 * Remix v2, classic compiler. The server build (build/index.js, ESM) bundles bin/build-entry.ts: the
 * Remix build and the whole server process in one file (`node build/index.js`).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";

const appDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), "app");
const ignoredRouteFiles = ["**/.*", "**/*.test.{ts,tsx}"];

/** The core layouts an app's route may sit in, by the first segment of its file name. */
const CORE_LAYOUTS = ["_app", "admin"];

/**
 * The apps' pages: the flat-route files in app/apps/<id>/routes/, named as they would be in
 * app/routes (`_app.corpstats._index.tsx` sits in the member layout, `admin.x.tsx` in the admin's).
 * The app registry (app/apps/registry.server.ts) switches them off per app at run time.
 */
export function appRoutes() {
  const appsDir = path.join(appDirectory, "apps");
  const manifest = {};
  for (const entry of fs.existsSync(appsDir) ? fs.readdirSync(appsDir, { withFileTypes: true }) : []) {
    if (!entry.isDirectory() || !fs.existsSync(path.join(appsDir, entry.name, "routes"))) continue;
    const prefix = `apps/${entry.name}/routes`;
    for (const route of Object.values(flatRoutes(appDirectory, ignoredRouteFiles, prefix))) {
      const first = route.id.slice(prefix.length + 1).split(".")[0];
      const layout = route.parentId === "root" && CORE_LAYOUTS.includes(first) ? `routes/${first}` : route.parentId;
      manifest[route.id] = { ...route, parentId: layout };
    }
  }
  return manifest;
}

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles,
  routes: async () => appRoutes(),
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
