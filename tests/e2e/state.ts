import fs from "node:fs";
import path from "node:path";
import type { TestInfo } from "@playwright/test";

export const ADMIN = { username: "admin", email: "admin@example.com", password: "a very long admin password" };

export function serverState(testInfo: TestInfo): { setupPath: string; database: string } {
  const server = testInfo.project.metadata.server as string;
  return JSON.parse(fs.readFileSync(path.resolve("test-results/e2e-state", `${server}.json`), "utf8"));
}
