import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** app/modules is the domain: no Remix, no React, no Responses, no components (docs/decisions/0007). */
const rules: [string, RegExp][] = [
  ["imports @remix-run", /from\s+["']@remix-run\/|import\(\s*["']@remix-run\//],
  ["imports react", /from\s+["']react(?:-dom)?(?:\/[^"']*)?["']/],
  ["imports app/web or app/components", /from\s+["'](?:~\/|(?:\.\.\/)+)(?:web|components)\//],
  ["builds a Response", /new\s+Response\s*\(/],
  ["calls json()", /(?<![.\w$])json\s*\(/],
  ["calls redirect()", /(?<![.\w$])redirect\s*\(/],
  ["throws a Response", /throw\s+[^;]*Response\b/],
];

function violations(file: string, source: string): string[] {
  const found = file.endsWith(".tsx") ? ["is a .tsx file"] : [];
  for (const [what, pattern] of rules) if (pattern.test(source)) found.push(what);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : /\.(ts|tsx|js|jsx)$/.test(entry.name) ? [full] : [];
  });
}

/** `import "./x";` lines: an import kept only for its side effect (stylesheets excepted). */
function sideEffectImports(source: string): string[] {
  return [...source.matchAll(/^\s*import\s+["']([^"']+)["'];?\s*(?:\/\/.*)?$/gm)].map((m) => m[1]).filter((target) => !/\.css(\?[^"']*)?$/.test(target));
}

describe("layering", () => {
  it("recognises each kind of web code", () => {
    expect(violations("a.tsx", "")).toEqual(["is a .tsx file"]);
    expect(violations("a.ts", 'import { json } from "@remix-run/node";')).toContain("imports @remix-run");
    expect(violations("a.ts", 'import { useState } from "react";')).toEqual(["imports react"]);
    expect(violations("a.ts", 'import { x } from "../../web/guards.server";')).toEqual(["imports app/web or app/components"]);
    expect(violations("a.ts", 'return new Response("x");')).toEqual(["builds a Response"]);
    expect(violations("a.ts", "throw json({ a: 1 }, { status: 400 });")).toEqual(["calls json()"]);
    expect(violations("a.ts", 'return redirect("/");')).toEqual(["calls redirect()"]);
    expect(violations("a.ts", "throw notFoundResponse;")).toEqual(["throws a Response"]);
    expect(violations("a.ts", "const body = await res.json(); JSON.parse(s); type T = EsiResponse<number>;")).toEqual([]);
  });

  it("app/modules holds no web code", () => {
    const root = path.resolve(__dirname, "../../app/modules");
    const files = filesUnder(root);
    expect(files.length).toBeGreaterThan(10);
    const bad = files.map((file) => ({ file: path.relative(root, file), why: violations(file, readFileSync(file, "utf8")) })).filter((entry) => entry.why.length > 0);
    expect(bad).toEqual([]);
  });

  it("an app's domain modules (app/apps/<id>/*.server.ts) hold no web code either", () => {
    const root = path.resolve(__dirname, "../../app/apps");
    const bad = filesUnder(root)
      // plugin-web.server.ts is the apps' door to the web layer (for their route modules).
      .filter((file) => file.endsWith(".server.ts") && !file.includes(`${path.sep}routes${path.sep}`) && !file.endsWith("plugin-web.server.ts"))
      .map((file) => ({ file: path.relative(root, file), why: violations(file, readFileSync(file, "utf8")) }))
      .filter((entry) => entry.why.length > 0);
    expect(bad).toEqual([]);
  });

  it("recognises an import kept only for its side effect", () => {
    expect(sideEffectImports('import "~/modules/groups/menu.server";\nimport \'./x\'\nimport "./y"; // registers y\n')).toEqual(["~/modules/groups/menu.server", "./x", "./y"]);
    expect(sideEffectImports('import "./tailwind.css";\nimport styles from "./tailwind.css?url";\nimport type { A } from "./a";\nimport { b } from "./b";')).toEqual([]);
  });

  it("nothing under app/ is imported only for its side effect (registries are explicit lists)", () => {
    const root = path.resolve(__dirname, "../../app");
    const bad = filesUnder(root)
      .flatMap((file) => sideEffectImports(readFileSync(file, "utf8")).map((target) => `${path.relative(root, file)}: import "${target}"`));
    expect(bad).toEqual([]);
  });

  it("file names under app/ are kebab-case (route files follow Remix's flat-route names)", () => {
    const root = path.resolve(__dirname, "../../app");
    const kebab = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$/;
    const bad = filesUnder(root)
      .map((file) => path.relative(root, file))
      .filter((file) => !file.startsWith(`routes${path.sep}`) && !/^apps[\\/][^\\/]+[\\/]routes[\\/]/.test(file))
      .filter((file) => !file.split(path.sep).every((part) => kebab.test(part.replace(/\.(ts|tsx|js|jsx)$/, ""))));
    expect(bad).toEqual([]);
    expect(kebab.test("AdminForm")).toBe(false);
    expect(kebab.test("admin-form")).toBe(true);
    expect(kebab.test("registry.server")).toBe(true);
  });

  it("domain code reads no global runtime: db and settings come in as parameters (docs/conventions.md)", () => {
    const root = path.resolve(__dirname, "../../app");
    const call = /(?<![.\w$])(getRuntime|getSettings)\s*\(/g;
    // The process's own accessors: the runtime, the worker's task entries' context, the apps' SDK
    // (appContext for their routes and tasks) and its web door.
    const accessors = ["modules/runtime.server.ts", "modules/jobs/context.server.ts", "apps/plugin-api.server.ts", "apps/plugin-web.server.ts"];
    // `settings = getSettings()` defaults kept because tests call these without settings (issue 9).
    const defaults: Record<string, number> = { "modules/menu/registry.server.ts": 2, "modules/menu/stored.server.ts": 1, "modules/services/sync.server.ts": 3, "modules/services/run.server.ts": 1, "modules/states/evaluate.server.ts": 1, "apps/registry.server.ts": 2 };
    const bad = ["modules", "apps", "connectors"]
      .flatMap((dir) => filesUnder(path.join(root, dir)))
      .map((file) => path.relative(root, file).split(path.sep).join("/"))
      .filter((file) => !/(^|\/)routes\//.test(file) && !accessors.includes(file))
      .map((file) => ({ file, calls: [...readFileSync(path.join(root, file), "utf8").matchAll(call)].length }))
      .filter(({ file, calls }) => calls > (defaults[file] ?? 0));
    expect(bad).toEqual([]);
  });
});
