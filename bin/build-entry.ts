/**
 * The entry of the compiled server (`server` in remix.config.js): build/index.js is the Remix server
 * build and the whole process — HTTP layer, runtime, worker, CLI — in one module graph, so every
 * module is loaded once.
 *   node build/index.js                 → the web process (bin/serve.ts)
 *   node build/index.js <command> …     → a command of the CLI (worker, migrate, check, …)
 * Imported (by server.ts, or by tests that need the Remix build) it only exports.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import * as build from "@remix-run/dev/server-build";
import { cli } from "./cli";
import { main } from "./serve";

export * from "@remix-run/dev/server-build";
export { cli, main };

const entry = process.argv[1];
if (entry && pathToFileURL(path.resolve(entry)).href === import.meta.url) {
  const [command = "web", ...rest] = process.argv.slice(2);
  if (command === "web") await main(build as unknown as ServerBuild);
  else await cli([command, ...rest]);
}
