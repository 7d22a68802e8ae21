import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "app/apps/*/tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-file.ts"],
    pool: "forks",
    // The files mostly wait on databases, servers and child processes, and each has its own database:
    // one more file at a time than there are cores (vitest's default is one fewer), at most four.
    // On two cores that is about half the wall time of one at a time.
    maxWorkers: Math.min(os.availableParallelism() + 1, 4),
    // Files share the cores, so a slow step may take several times what it takes alone; nothing here
    // asserts on time, and these only stop a test that hangs.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" },
  },
});
