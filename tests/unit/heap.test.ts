import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// The child runs plain JavaScript: with tsx's loader in the process V8 never pretenures this site,
// so the module is compiled here and imported by file.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-heap-"));
const source = fs.readFileSync(path.resolve(import.meta.dirname, "..", "..", "app", "modules", "ops", "heap.server.ts"), "utf8");
fs.writeFileSync(path.join(dir, "heap.mjs"), transformSync(source, { loader: "ts", format: "esm" }).code);
/** One allocation site's objects survive many young collections (V8 would pretenure it); how many of 1,000 new ones start young? */
fs.writeFileSync(
  path.join(dir, "child.mjs"),
  `import { tuneHeap } from ${JSON.stringify(pathToFileURL(path.join(dir, "heap.mjs")).href)};
if (process.argv[2] === "tuned") tuneHeap();
const inYoungGeneration = new Function("value", "return %InYoungGeneration(value)");
const make = (i) => ({ a: i, b: [i] });
const kept = [];
for (let round = 0; round < 200; round++) {
  for (let i = 0; i < 20000; i++) kept.push(make(i));
  if (kept.length > 400000) kept.splice(0, 200000);
}
let young = 0;
for (let i = 0; i < 1000; i++) if (inYoungGeneration(make(i))) young++;
process.stdout.write(String(young));
`,
);
const youngOfThousand = (mode: string) => Number(execFileSync(process.execPath, ["--allow-natives-syntax", path.join(dir, "child.mjs"), mode], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } }));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the server's heap settings", () => {
  it("keep a long-surviving allocation site's new objects young, where V8 would allocate them old", () => {
    expect(youngOfThousand("plain")).toBe(0);
    expect(youngOfThousand("tuned")).toBe(1000);
  });
});
