import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findChromium, NO_CHROMIUM_HELP } from "../support/chromium";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-chromium-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number) {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, "#!/bin/sh\n", { mode });
  return p;
}

describe("finding a Chromium", () => {
  it("uses CHROMIUM_PATH first, and names it when it is not an executable", () => {
    const exe = file("custom/chrome", 0o755);
    expect(findChromium({ CHROMIUM_PATH: exe, PATH: "" })).toEqual({ path: exe, source: "CHROMIUM_PATH" });
    const plain = file("custom/not-exe", 0o644);
    expect(() => findChromium({ CHROMIUM_PATH: plain })).toThrow(`CHROMIUM_PATH=${plain} is not an executable file`);
  });

  it("takes the system's chromium from PATH before the packaged one", () => {
    const exe = file("bin/chromium", 0o755);
    expect(findChromium({ PATH: path.dirname(exe) })).toEqual({ path: exe, source: "system" });
  });

  it("skips the system's with CHROMIUM_SKIP_SYSTEM=1 and falls back to the packaged one, which really is a Chromium", async () => {
    file("bin/chromium", 0o755);
    const found = findChromium({ PATH: path.join(dir, "bin"), CHROMIUM_SKIP_SYSTEM: "1" });
    expect(found.source).toBe("package");
    expect(found.path).toMatch(/node_modules\/\.cache\/sparticuz-chromium-[\d.]+\/chromium$/);
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync(found.path, ["--version"], { encoding: "utf8" })).toMatch(/^Chromium \d+\./);
  });

  it("says in one line how to get one when there is none", () => {
    expect(NO_CHROMIUM_HELP).not.toContain("\n");
    expect(NO_CHROMIUM_HELP).toMatch(/npm install.*apt-get install chromium.*CHROMIUM_PATH/);
  });
});
