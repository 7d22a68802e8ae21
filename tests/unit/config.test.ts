import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadDotEnv, parseSettings, renderSettingsTable } from "~/config.server";

const SECRET = "x".repeat(40);

function problems(env: Record<string, string>): string[] {
  try {
    parseSettings({ SECRET_KEY: SECRET, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("settings", () => {
  it("has the original's defaults", () => {
    const s = parseSettings({ SECRET_KEY: SECRET });
    expect(s).toMatchObject({
      SITE_NAME: "Alliance Auth",
      REGISTRATION_VERIFY_EMAIL: true,
      ACCOUNT_ACTIVATION_DAYS: 1,
      NOTIFICATIONS_MAX_PER_USER: 50,
      NOTIFICATIONS_REFRESH_TIME: 30,
      ALLIANCEAUTH_DASHBOARD_TASKS_MAX_HOURS: 24,
      EMBEDDED_WORKER: true,
      PORT: 3000,
      SITE_URL: "http://localhost:3000",
      secureCookies: false,
    });
  });

  it("parses booleans, numbers and URLs, and derives cookie security from SITE_URL", () => {
    const s = parseSettings({ SECRET_KEY: SECRET, EMBEDDED_WORKER: "false", PORT: "8080", SITE_URL: "https://auth.example.com/", DATABASE_URL: "mysql://root@127.0.0.1:3306/aa" });
    expect(s.EMBEDDED_WORKER).toBe(false);
    expect(s.PORT).toBe(8080);
    expect(s.SITE_URL).toBe("https://auth.example.com");
    expect(s.secureCookies).toBe(true);
    expect(s.DATABASE_URL).toBe("mysql://root@127.0.0.1:3306/aa");
  });

  it("names the setting in one line per problem", () => {
    expect(problems({ DATABASE_URL: "sqlite:///tmp/x.db" })).toEqual(["DATABASE_URL: must start with postgres:// or postgresql:// or mysql:// or mariadb:// (expected postgres://… or mysql://…)"]);
    expect(problems({ DATABASE_URL: "not a url" })[0]).toMatch(/^DATABASE_URL: is not a valid URL/);
    expect(problems({ EMBEDDED_WORKER: "maybe" })).toEqual(['EMBEDDED_WORKER: expected true or false, got "maybe"']);
    expect(problems({ PORT: "70000" })[0]).toMatch(/^PORT: expected a whole number from 1 to 65535/);
    expect(problems({ LOG_LEVEL: "loud" })[0]).toMatch(/^LOG_LEVEL: /);
    expect(problems({ PORT: "x", NOTIFICATIONS_MAX_PER_USER: "-1" })).toHaveLength(2);
  });

  it("requires SECRET_KEY in production and a long one everywhere", () => {
    expect(() => parseSettings({ NODE_ENV: "production" })).toThrow(/SECRET_KEY: is required in production/);
    expect(() => parseSettings({ SECRET_KEY: "short" })).toThrow(/SECRET_KEY: must be at least 32 characters/);
  });

  it("requires an ESI contact address in production (CCP can ban an application without one)", () => {
    const production = { NODE_ENV: "production", SECRET_KEY: "x".repeat(32), ESI_SSO_CLIENT_ID: "id", ESI_SSO_CLIENT_SECRET: "secret" };
    expect(() => parseSettings(production)).toThrow(/ESI_USER_CONTACT_EMAIL: is required in production/);
    expect(parseSettings({ ...production, ESI_USER_CONTACT_EMAIL: "ops@example.com" }).ESI_USER_CONTACT_EMAIL).toBe("ops@example.com");
  });

  it("generates a development secret once and keeps it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-config-"));
    const first = parseSettings({ DATA_DIR: dir }).SECRET_KEY;
    const second = parseSettings({ DATA_DIR: dir }).SECRET_KEY;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(fs.statSync(path.join(dir, "secret_key")).mode & 0o777).toBe(0o600);
  });

  it("reads .env without overriding the environment", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-env-"));
    const file = path.join(dir, ".env");
    fs.writeFileSync(file, "SITE_NAME='My Alliance'\nexport PORT=4000\n# comment\nLOG_LEVEL=debug\n");
    const env: Record<string, string | undefined> = { LOG_LEVEL: "warn" };
    loadDotEnv(file, env);
    expect(env).toEqual({ SITE_NAME: "My Alliance", PORT: "4000", LOG_LEVEL: "warn" });
  });
});

describe("README configuration reference", () => {
  it("matches the settings schema (regenerate with `npm run config:docs -- --write`)", () => {
    const readme = fs.readFileSync(path.resolve("README.md"), "utf8");
    const section = readme.slice(readme.indexOf("<!-- config:start -->") + "<!-- config:start -->".length, readme.indexOf("<!-- config:end -->")).trim();
    expect(section).toBe(renderSettingsTable());
  });
});
