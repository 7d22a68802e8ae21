/**
 * `tsx server.ts`: the web process of the compiled server. Loads build/index.js (Remix build and
 * server in one module graph, see bin/build-entry.ts) and runs its `main`; `npm start` runs
 * `node build/index.js` directly, without TypeScript at run time.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";

type CompiledServer = ServerBuild & { main(build: ServerBuild): Promise<void> };

const file = path.resolve("build/index.js");
let compiled: CompiledServer;
try {
  compiled = await import(pathToFileURL(file).href);
} catch (error) {
  console.error(`build: cannot load ${file} (run \`npm run build\` first): ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
await compiled.main(compiled);
