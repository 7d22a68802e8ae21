import fs from "node:fs";
import path from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const ADMIN = { username: "admin", email: "admin@example.com", password: "a very long admin password" };

/** Logs the first-run superuser in with the password form. */
export function serverState(testInfo: TestInfo): { setupPath: string; database: string } {
  const server = testInfo.project.metadata.server as string;
  return JSON.parse(fs.readFileSync(path.resolve("test-results/e2e-state", `${server}.json`), "utf8"));
}
