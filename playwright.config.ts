/**
 * End-to-end tests against the production build, in the Chromium tests/support/chromium.ts finds
 * (CHROMIUM_PATH, else the system's, else the one shipped in the @sparticuz/chromium dev dependency).
 * tests/e2e/global-setup.ts starts one real server per database (embedded PostgreSQL, and MySQL when
 * TEST_MYSQL_URL is set); each runs first-run setup without JavaScript, then the main flow with and
 * without JavaScript.
 */
import { defineConfig, type Project } from "@playwright/test";
import { findChromium } from "./tests/support/chromium";

// TEST_DIALECTS (e.g. "mysql") limits the servers, as for vitest (tests/support/db.ts).
const onlyDialects = process.env.TEST_DIALECTS ? process.env.TEST_DIALECTS.split(",").map((d) => d.trim()) : null;
export const E2E_SERVERS = [
  ...(!onlyDialects || onlyDialects.includes("postgres") ? [{ name: "pg", port: Number(process.env.E2E_PORT ?? 3391) }] : []),
  ...(process.env.TEST_MYSQL_URL && (!onlyDialects || onlyDialects.includes("mysql")) ? [{ name: "mysql", port: Number(process.env.E2E_PORT ?? 3391) + 1 }] : []),
];

const everyProject: Project[] = E2E_SERVERS.flatMap(({ name, port }) => {
  const baseURL = `http://127.0.0.1:${port}`;
  return [
    { name: `${name}-setup-nojs`, testMatch: /[\\/]setup\.spec\.ts$/, use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    { name: `${name}-chromium`, testMatch: /[\\/]flow\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-chromium-nojs`, testMatch: /[\\/]flow\.spec\.ts$/, dependencies: [`${name}-chromium`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // EVE SSO against the in-process fake EVE (demo mode); its own server state, so it runs once per server.
    { name: `${name}-sso`, testMatch: /[\\/]sso\.spec\.ts$/, dependencies: [`${name}-chromium-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-notifications`, testMatch: /[\\/]notifications\.spec\.ts$/, dependencies: [`${name}-sso`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-groups`, testMatch: /[\\/]groups\.spec\.ts$/, dependencies: [`${name}-notifications`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-admin`, testMatch: /[\\/]admin\.spec\.ts$/, dependencies: [`${name}-groups`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-services`, testMatch: /[\\/]services\.spec\.ts$/, dependencies: [`${name}-admin`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-services-nojs`, testMatch: /[\\/]services\.spec\.ts$/, dependencies: [`${name}-services`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    { name: `${name}-mumble`, testMatch: /[\\/]mumble\.spec\.ts$/, dependencies: [`${name}-services-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-mumble-nojs`, testMatch: /[\\/]mumble\.spec\.ts$/, dependencies: [`${name}-mumble`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // TeamSpeak 3 against the in-process fake ServerQuery server (demo mode).
    { name: `${name}-teamspeak3`, testMatch: /[\\/]teamspeak3\.spec\.ts$/, dependencies: [`${name}-services-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-teamspeak3-nojs`, testMatch: /[\\/]teamspeak3\.spec\.ts$/, dependencies: [`${name}-teamspeak3`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // Discourse, XenForo, Openfire (demo-mode fakes) and the Jabber broadcast (prosody, when installed); a member no other spec uses.
    { name: `${name}-http-services`, testMatch: /[\\/]http-services\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-http-services-nojs`, testMatch: /[\\/]http-services\.spec\.ts$/, dependencies: [`${name}-http-services`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // Imports the AA fixture into this server (last: it adds 120 users); needs TEST_MYSQL_URL for the source.
    { name: `${name}-import`, testMatch: /[\\/]import\.spec\.ts$/, dependencies: [`${name}-services-nojs`], use: { baseURL }, metadata: { server: name } },
    // Apps (auto groups): registers a demo pilot itself, so it needs only the first-run setup.
    { name: `${name}-apps-autogroups`, testMatch: /[\\/]apps-autogroups\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-apps-autogroups-nojs`, testMatch: /[\\/]apps-autogroups\.spec\.ts$/, dependencies: [`${name}-apps-autogroups`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // Fleet activity tracking: an FC's link clicked by a demo pilot (online in the demo world); only first-run setup before it.
    { name: `${name}-apps-fat`, testMatch: /[\\/]apps-fat\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-apps-fat-nojs`, testMatch: /[\\/]apps-fat\.spec\.ts$/, dependencies: [`${name}-apps-fat`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // Corp stats: a demo pilot registers and adds their corporation's stats, so only the first-run setup is needed.
    { name: `${name}-apps-corpstats`, testMatch: /[\\/]apps-corpstats\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-apps-corpstats-nojs`, testMatch: /[\\/]apps-corpstats\.spec\.ts$/, dependencies: [`${name}-apps-corpstats`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // HR applications: registers its demo pilots itself, so it needs only the first-run setup.
    { name: `${name}-apps-hr`, testMatch: /[\\/]apps-hr\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-apps-hr-nojs`, testMatch: /[\\/]apps-hr\.spec\.ts$/, dependencies: [`${name}-apps-hr`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // The operations apps (tests/e2e/apps-ops-*.spec.ts): only first-run setup before them.
    { name: `${name}-apps-ops`, testMatch: /[\\/]apps-ops-.*\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-apps-ops-nojs`, testMatch: /[\\/]apps-ops-.*\.spec\.ts$/, dependencies: [`${name}-apps-ops`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // Ship replacement: a demo pilot files a loss the demo's fake zKillboard and ESI know; only first-run setup before it.
    { name: `${name}-apps-srp`, testMatch: /[\\/]apps-srp\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-apps-srp-nojs`, testMatch: /[\\/]apps-srp\.spec\.ts$/, dependencies: [`${name}-apps-srp`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // Customising the site (menu editor, branding, themes, custom CSS, announcements): only first-run setup before it.
    { name: `${name}-customise`, testMatch: /[\\/]customise\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-customise-nojs`, testMatch: /[\\/]customise\.spec\.ts$/, dependencies: [`${name}-customise`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
    // axe-core on the main pages in both themes (the first-run superuser): only first-run setup before it.
    { name: `${name}-accessibility`, testMatch: /[\\/]accessibility\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    // Forum database connectors (phpBB3, SMF and IPS4 on MariaDB; skipped without TEST_MYSQL_URL). The member registers on
    // first login (tests/e2e/session.ts), so only the first-run setup is needed before.
    { name: `${name}-forums`, testMatch: /[\\/]forums\.spec\.ts$/, dependencies: [`${name}-setup-nojs`], use: { baseURL }, metadata: { server: name } },
    { name: `${name}-forums-nojs`, testMatch: /[\\/]forums\.spec\.ts$/, dependencies: [`${name}-forums`], use: { baseURL, javaScriptEnabled: false }, metadata: { server: name } },
  ];
});

/**
 * On MySQL only the flows where the database dialect shows through (identity, groups, admin, services,
 * import, forums) run; the other flows' queries are covered on both dialects by vitest, and the flows
 * themselves on PostgreSQL. A dropped project's dependants hang on its nearest kept ancestor, so the
 * order of what stays is unchanged.
 */
const MYSQL_FLOWS = new Set(["setup-nojs", "chromium", "chromium-nojs", "sso", "groups", "admin", "services", "services-nojs", "import", "forums", "forums-nojs"]);

function keptFlows(list: Project[]): Project[] {
  const byName = new Map(list.map((p) => [p.name!, p]));
  const kept = (p: Project) => p.metadata?.server !== "mysql" || MYSQL_FLOWS.has(p.name!.slice("mysql-".length));
  const ancestors = (name: string): string[] => {
    const p = byName.get(name);
    if (!p) return [];
    return kept(p) ? [name] : (p.dependencies ?? []).flatMap(ancestors);
  };
  return list.filter(kept).map((p) => ({ ...p, dependencies: [...new Set((p.dependencies ?? []).flatMap(ancestors))] }));
}

const projects = keptFlows(everyProject);

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  // One retry: the packaged Chromium (a fresh machine's browser) has been seen to crash at launch
  // (SIGSEGV before the first page). A test that passes only on its retry is listed as "flaky" in
  // the report; one that fails twice fails the run.
  retries: 1,
  timeout: 30_000,
  reporter: [["list"]],
  use: {
    launchOptions: {
      executablePath: findChromium().path,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects,
});
