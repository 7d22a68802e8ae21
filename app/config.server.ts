/**
 * Every setting of the site, read from environment variables (and `.env` when present).
 * Settings that exist in the original Alliance Auth keep their names.
 * The README's configuration reference is generated from `settingsSchema` (`npm run config:docs`).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      if (["1", "true", "yes", "on"].includes(value)) return true;
      if (["0", "false", "no", "off"].includes(value)) return false;
      ctx.addIssue({ code: "custom", message: `expected true or false, got "${value}"` });
      return z.NEVER;
    });

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `expected a whole number from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

const str = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === "" ? fallback : value));

const tablePrefix = (fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return fallback;
      if (!/^[A-Za-z0-9_]*$/.test(value)) {
        ctx.addIssue({ code: "custom", message: `a table prefix has letters, digits and _ only, got "${value}"` });
        return z.NEVER;
      }
      return value;
    });

const optionalUrl = (protocols: string[], label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return undefined;
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `is not a valid URL (expected ${label})` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: "custom", message: `must start with ${protocols.map((p) => `${p}//`).join(" or ")} (expected ${label})` });
        return z.NEVER;
      }
      return value;
    });

export const LANGUAGES = ["en", "de", "es", "zh-hans"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each entry: [schema, one-line description]. The description feeds the README. */
const definitions = {
  NODE_ENV: [z.enum(["development", "production", "test"]).default("development"), "development, production or test. Production requires SECRET_KEY."],
  SITE_NAME: [str("Alliance Auth"), "Name shown in the title and header."],
  SITE_URL: [optionalUrl(["http:", "https:"], "http(s)://host[:port]"), "Public URL of the site, no trailing slash. Default http://localhost:PORT. https makes cookies Secure and __Host- prefixed."],
  HOST: [str("0.0.0.0"), "Address the web server listens on."],
  PORT: [int(3000, 1, 65535), "Port the web server listens on."],
  SECRET_KEY: [z.string().optional(), "Secret for signing cookies and encrypting tokens (at least 32 characters). Required in production; in development one is generated once into DATA_DIR/secret_key."],
  DATA_DIR: [str("./data"), "Folder for local state: the embedded PostgreSQL, the generated development secret."],
  DATABASE_URL: [optionalUrl(["postgres:", "postgresql:", "mysql:", "mariadb:"], "postgres://… or mysql://…"), "Auth database. postgres://user:pass@host:5432/db or mysql://user:pass@host:3306/db (MariaDB >= 10.6, MySQL 8). Unset: an embedded PostgreSQL in DATA_DIR/postgres."],
  QUEUE_DATABASE_URL: [optionalUrl(["postgres:", "postgresql:"], "postgres://…"), "PostgreSQL for the job queue. Default: DATABASE_URL when that is PostgreSQL, else the embedded PostgreSQL."],
  EMBEDDED_POSTGRES_PORT: [int(0, 0, 65535), "Port for the embedded PostgreSQL; 0 picks 54329 or the next free one."],
  WEB_CONCURRENCY: [int(1, 1, 32), "HTTP processes sharing PORT (node cluster). More than 1 uses more cores, and more memory."],
  PAGE_CONCURRENCY: [int(8, 0, 1024), "Page requests each HTTP process handles at once; the others wait their turn in arrival order, and one whose client left meanwhile is not run. Under load this bounds memory and keeps throughput (docs/decisions/0047, 0059). A page waiting on a slow external service holds its place: raise it if many pages call out. 0 = no limit."],
  DEMO_SEED_STATES: [bool(true), "Demo mode only: on the first run, put the demo world's alliances into the Member and Blue states, so a demo visitor is not a Guest."],
  ANALYTICS_PROVIDER: [z.enum(["off", "plausible", "umami", "ga4"]).default("off"), "Usage statistics: off (the default: nothing is sent), or your own plausible, umami or ga4 (Measurement Protocol). /admin/analytics shows exactly what is sent."],
  ANALYTICS_URL: [optionalUrl(["http:", "https:"], "http(s)://…"), "Your analytics server: Plausible or Umami base URL (e.g. https://plausible.example.org). GA4: default https://www.google-analytics.com."],
  ANALYTICS_SITE: [str(""), "Plausible: the site's domain; Umami: the website id; GA4: the measurement id (G-…)."],
  ANALYTICS_SECRET: [str(""), "GA4 only: the Measurement Protocol API secret."],
  ANALYTICS_PAGE_VIEWS: [bool(true), "With analytics on: send daily page-view counts per page pattern (/groups/:groupId), never URLs, users or addresses."],
  ANALYTICS_TASK_EVENTS: [bool(true), "With analytics on: send daily counts of background tasks by name and outcome."],
  ANALYTICS_DAILY_STATS: [bool(true), "With analytics on: send the daily install statistics (user and token counts, enabled apps, version)."],
  EMBEDDED_WORKER: [bool(true), "Run the job worker inside the web process. Set false when you run `npm run worker` separately."],
  WORKER_CONCURRENCY: [int(4, 1, 100), "Jobs a worker process runs at once."],
  EVE_AFFILIATION_UPDATE_MINUTES: [
    int(10, 5, 1440).refine((m) => (m < 60 ? 60 % m === 0 : m % 60 === 0 && 1440 % m === 0), "a divisor of 60 (5, 10, 15, 20, 30) or a whole number of hours dividing a day (60, 120, 180, 240, 360, 480, 720, 1440)"),
    "Minutes between runs of `eveonline.run_model_update`, which re-reads every character's corporation and alliance in bulk: a character that leaves the alliance loses its access at the next run after ESI publishes the change (ESI caches affiliations up to an hour). Cost per run for N characters: ⌈N/1000⌉ affiliation calls + ⌈N/4000⌉ name calls (10,000 characters: 13 calls). CRONTAB_OVERRIDES still wins.",
  ],
  CRONTAB_OVERRIDES: [str(""), "Change the built-in schedule: `identifier=<cron pattern>` or `identifier=off`, separated by `;`."],
  CRONTAB_EXTRA: [str(""), "Extra periodic jobs: `<cron pattern> <task> [<json payload>]`, separated by `;`."],
  APPS_DISABLED: [str(""), "Apps switched off, by id, separated by commas (e.g. `corputils,hrapplications`): their menu entries, pages (404), jobs and dashboard widgets go; their data stays."],
  APPS_ENABLED: [str(""), "Opt-in apps switched on, by id, separated by commas (e.g. `example`)."],
  LOG_LEVEL: [z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"), "Log level of the JSON logs on stdout."],
  LANGUAGE_CODE: [z.enum(LANGUAGES).default("en"), "Default language when neither the user nor the browser picks one."],
  REGISTRATION_VERIFY_EMAIL: [bool(true), "New users must confirm their email before their account is activated."],
  ACCOUNT_ACTIVATION_DAYS: [int(1, 1, 365), "Days an email activation link stays valid."],
  NOTIFICATIONS_MAX_PER_USER: [int(50, 1, 10000), "Notifications kept per user; the oldest are dropped."],
  NOTIFICATIONS_REFRESH_TIME: [int(30, 0, 3600), "Seconds between unread-count refreshes in the browser (0 = off)."],
  ALLIANCEAUTH_DASHBOARD_TASKS_MAX_HOURS: [int(24, 1, 720), "Hours of job statistics shown to superusers on the dashboard."],
  GROUPMANAGEMENT_AUTO_LEAVE: [bool(false), "Leaving a group needs no approval."],
  GROUPMANAGEMENT_REQUESTS_NOTIFICATION: [bool(false), "Notify group leaders of new join and leave requests."],
  SESSION_IDLE_MINUTES: [int(60 * 24 * 14, 5), "Members: minutes without a request before a session ends."],
  SESSION_MAX_AGE_HOURS: [int(24 * 30, 1), "Members: hours after login when a session ends regardless of activity."],
  STAFF_SESSION_IDLE_MINUTES: [int(120, 5), "Staff and superusers: idle timeout in minutes."],
  STAFF_SESSION_MAX_AGE_HOURS: [int(12, 1), "Staff and superusers: absolute session lifetime in hours."],
  LOGIN_FAILURE_THRESHOLD: [int(30, 1), "Failed password logins (per username or per address) before waits start."],
  LOGIN_FAILURE_WAIT_SECONDS: [int(60, 1), "Wait added per failure beyond the threshold."],
  LOGIN_FAILURE_MAX_WAIT_SECONDS: [int(900, 1), "Longest wait after failed password logins."],
  LOGIN_FAILURE_RESET_HOURS: [int(12, 1), "Hours after the last failure when the failure count resets."],
  TRUSTED_PROXIES: [str(""), "Reverse proxies whose X-Forwarded-For is believed, comma-separated addresses or CIDR ranges (also `loopback`, `linklocal`, `uniquelocal`). Empty: none, the connecting address is the client (throttling, audit)."],
  METRICS_TOKEN: [str(""), "Bearer token that /metrics requires (`Authorization: Bearer <token>`). Empty: /metrics is not served on PORT."],
  RATE_LIMIT_LOGIN_PER_MINUTE: [int(10, 0), "Password login attempts (and first-run setup posts) per client address per minute (0 = no limit)."],
  RATE_LIMIT_SSO_PER_MINUTE: [int(20, 0), "EVE SSO logins started per client address per minute (0 = no limit)."],
  RATE_LIMIT_REGISTRATION_PER_HOUR: [int(10, 0), "Registration form posts per client address per hour (0 = no limit)."],
  AUDIT_IP_RETENTION_DAYS: [int(90, 1, 3650), "Days audit rows keep the client IP address; the retention job clears it afterwards (the row stays)."],
  EMAIL_OUTBOX_RETENTION_DAYS: [int(7, 1, 3650), "Days the email outbox (development and demo mode) keeps sent emails, with their addresses and links."],
  SETUP_TOKEN_HOURS: [int(24, 1), "Hours the first-run setup URL stays valid."],
  SECRET_KEY_FALLBACKS: [str(""), "Earlier SECRET_KEYs, comma-separated: still accepted for decrypting stored tokens until `npm run task -- run core.reencrypt_secrets` has moved them to the current key."],
  ESI_SSO_CLIENT_ID: [str(""), "Client ID of your EVE SSO application (developers.eveonline.com). Unset outside production: demo mode with a local fake EVE."],
  ESI_SSO_CLIENT_SECRET: [str(""), "Secret key of your EVE SSO application."],
  ESI_SSO_CALLBACK_URL: [optionalUrl(["http:", "https:"], "http(s)://…/sso/callback"), "Callback URL registered on the EVE SSO application. Default SITE_URL/sso/callback."],
  ESI_SSO_BASE_URL: [str("https://login.eveonline.com"), "EVE SSO base URL (its metadata document is read from here)."],
  ESI_API_URL: [str("https://esi.evetech.net/"), "ESI base URL."],
  ESI_USER_CONTACT_EMAIL: [str(""), "Contact address sent in the ESI User-Agent, as CCP asks of every application."],
  ZKILLBOARD_API_URL: [str("https://zkillboard.com/api/"), "zKillboard API base URL; ship replacement (SRP) reads a loss's hash and value there."],
  ESI_TOKEN_VALID_DURATION: [int(1170, 60, 1200), "Seconds after which a stored access token is refreshed before use."],
  ESI_TIMEOUT_SECONDS: [int(15, 1, 120), "Timeout of one ESI or SSO request."],
  ESI_COMPATIBILITY_DATE: [
    z
      .string()
      .trim()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === "") return "2025-09-30";
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
          ctx.addIssue({ code: "custom", message: `expected a date YYYY-MM-DD, got "${value}"` });
          return z.NEVER;
        }
        return value;
      }),
    "ESI behaviour the app speaks (header X-Compatibility-Date). Move it only with the tests (see the README's EVE section).",
  ],
  ESI_SSO_REFRESH_PER_MINUTE: [int(300, 1, 100000), "Token refreshes at the EVE SSO per minute, across all processes (CCP blocks clients with many failed token requests)."],
  DISCORD_GUILD_ID: [str(""), "ID of your Discord server (guild). Unset outside production with no bot token: demo mode with a local fake Discord."],
  DISCORD_APP_ID: [str(""), "OAuth client ID of the Discord application."],
  DISCORD_APP_SECRET: [str(""), "OAuth client secret of the Discord application."],
  DISCORD_BOT_TOKEN: [str(""), "Token of the application's bot user."],
  DISCORD_CALLBACK_URL: [optionalUrl(["http:", "https:"], "http(s)://…/discord/callback"), "OAuth callback URL registered on the Discord application (exactly, trailing slash included). Default SITE_URL/discord/callback."],
  DISCORD_SYNC_NAMES: [bool(false), "Set members' Discord nicknames from the name format (main character name by default)."],
  DISCORD_GUILD_NAME_CACHE_MAX_AGE: [int(86400, 0), "Seconds the Discord server name is cached."],
  DISCORD_ROLES_CACHE_MAX_AGE: [int(3600, 0), "Seconds the Discord server's roles are cached."],
  DISCORD_TASKS_RETRY_PAUSE: [int(60, 1), "Seconds before a failed Discord task is retried."],
  DISCORD_TASKS_MAX_RETRIES: [int(3, 0, 100), "Retries of a failed Discord task."],
  DISCORD_DISABLE_ROLE_CREATION: [bool(false), "Never create missing roles on Discord (Discord allows about 250 role creations per 48 hours)."],
  DISCORD_API_BASE_URL: [str("https://discord.com/api"), "Discord API base URL, without the version (the client uses v10)."],
  DISCORD_OAUTH_BASE_URL: [str("https://discord.com/api/oauth2/authorize"), "Discord OAuth2 authorize URL."],
  DISCORD_OAUTH_TOKEN_URL: [str("https://discord.com/api/oauth2/token"), "Discord OAuth2 token URL."],
  PHPBB3_DATABASE_URL: [optionalUrl(["mysql:", "mariadb:"], "mysql://user:password@host:3306/forum"), "phpBB3: the forum's own MySQL/MariaDB database (the original's DATABASES['phpbb3']). Unset: the phpBB3 service is off."],
  PHPBB3_URL: [str(""), "phpBB3: the forum's web address, shown on the services page."],
  PHPBB3_TABLE_PREFIX: [tablePrefix("phpbb_"), "phpBB3: table prefix of the forum's database."],
  PHPBB3_PASSWORD_COST: [int(19, 7, 30), "phpBB3: log2 of the MD5 rounds of the phpass ($H$) hashes written (19, as the original)."],
  SMF_DATABASE_URL: [optionalUrl(["mysql:", "mariadb:"], "mysql://user:password@host:3306/smf"), "SMF: the forum's own MySQL/MariaDB database (the original's DATABASES['smf']). Unset: the SMF service is off."],
  SMF_URL: [str(""), "SMF: the forum's web address, shown on the services page."],
  SMF_TABLE_PREFIX: [tablePrefix("smf_"), "SMF: table prefix of the forum's database."],
  IPS4_DATABASE_URL: [optionalUrl(["mysql:", "mariadb:"], "mysql://user:password@host:3306/ips4"), "IPS4: the forum's own MySQL/MariaDB database (the original's DATABASES['ips4']). Unset: the IPS4 service is off."],
  IPS4_URL: [str(""), "IPS4: the forum's web address, shown on the services page."],
  IPS4_TABLE_PREFIX: [tablePrefix(""), "IPS4: table prefix of the forum's database."],
  IPS4_PASSWORD_COST: [int(13, 4, 31), "IPS4: bcrypt cost of the password hashes written (13, as the original)."],
  IPS4_MEMBER_GROUP_ID: [int(3, 1, 65535), "IPS4: primary group of new members (the original's MEMBER_GROUP_ID, 3 = Members)."],
  TEAMSPEAK3_SERVER_IP: [str(""), "TeamSpeak 3 server address for ServerQuery. Unset outside production: demo mode with a local fake TeamSpeak server."],
  TEAMSPEAK3_SERVER_PORT: [int(10011, 1, 65535), "TeamSpeak 3 ServerQuery (raw TCP) port."],
  TEAMSPEAK3_SERVERQUERY_USER: [str("serveradmin"), "ServerQuery login name (printed by the TeamSpeak server on its first start)."],
  TEAMSPEAK3_SERVERQUERY_PASSWORD: [str(""), "ServerQuery password (printed by the TeamSpeak server on its first start)."],
  TEAMSPEAK3_VIRTUAL_SERVER: [int(1, 0, 65535), "Virtual server id to manage (1 unless your host says otherwise; 0 skips `use`)."],
  TEAMSPEAK3_PUBLIC_URL: [str(""), "Public address of the TeamSpeak server for the ts3server:// link, without http:// or teamspeak://."],
  TEAMSPEAK3_QUERY_FLOOD_COMMANDS: [int(10, 0, 100000), "ServerQuery commands sent per TEAMSPEAK3_QUERY_FLOOD_SECONDS at most (the server's flood limit; 0 when our address is in query_ip_allowlist.txt)."],
  TEAMSPEAK3_QUERY_FLOOD_SECONDS: [int(3, 1, 3600), "Window of the ServerQuery flood limit, in seconds."],
  TEAMSPEAK3_QUERY_TIMEOUT_SECONDS: [int(10, 1, 120), "Seconds to wait for a ServerQuery connection or answer."],
  DISCOURSE_URL: [str(""), "Discourse: the forum's address, without a trailing slash (https://discourse.example.com). Unset outside production: demo mode with a local fake Discourse."],
  DISCOURSE_API_USERNAME: [str(""), "Discourse: the admin user the API key belongs to (sent as Api-Username)."],
  DISCOURSE_API_KEY: [str(""), "Discourse: an admin API key (sent as Api-Key)."],
  DISCOURSE_SSO_SECRET: [str(""), "Discourse: the DiscourseConnect secret (discourse_connect_secret on the forum); the forum's discourse_connect_url is SITE_URL/discourse/sso."],
  DISCOURSE_GROUP_CACHE_MAX_AGE: [int(7200, 0), "Discourse: seconds the forum's group list (name to id) is cached."],
  XENFORO_ENDPOINT: [str(""), "XenForo: address of XenAPI's api.php (example.com/api.php; https:// is assumed without a scheme). Unset outside production: demo mode with a local fake."],
  XENFORO_APIKEY: [str(""), "XenForo: XenAPI's API key (sent as hash)."],
  XENFORO_DEFAULT_GROUP: [int(0, 0), "XenForo: id of the user group members are given on activation (removed on deactivation)."],
  JABBER_URL: [str(""), "Openfire: the XMPP domain members and the broadcast bot log in to (example.com)."],
  JABBER_SERVER: [str(""), "Openfire: host the broadcast bot connects to. Default JABBER_URL."],
  JABBER_PORT: [int(5223, 1, 65535), "Openfire: client port the broadcast bot connects to (5223: direct TLS; any other port: STARTTLS when offered)."],
  OPENFIRE_ADDRESS: [str(""), "Openfire: address of the admin console with the REST API plugin (http://example.com:9090). Unset outside production: demo mode with a local fake."],
  OPENFIRE_SECRET_KEY: [str(""), "Openfire: the REST API plugin's secret key (Secret Key Auth)."],
  BROADCAST_USER: [str(""), "Openfire: full JID of the broadcast bot (broadcast@example.com)."],
  BROADCAST_USER_PASSWORD: [str(""), "Openfire: password of the broadcast bot."],
  BROADCAST_SERVICE_NAME: [str("broadcast"), "Openfire: subdomain of the Broadcast plugin's component (<group>@broadcast.<JABBER_URL>)."],
  BROADCAST_IGNORE_INVALID_CERT: [bool(false), "Openfire: let the broadcast bot accept an XMPP server certificate that does not verify (self-signed, expired, another name). Prefer NODE_EXTRA_CA_CERTS for a private CA."],
  LOGIN_TOKEN_SCOPES: [str("publicData"), "Scopes requested at login, space-separated. Must not be empty (the login token must be refreshable)."],
  DEFAULT_FROM_EMAIL: [str("Alliance Auth <noreply@localhost>"), "Sender of activation emails."],
  EMAIL_HOST: [str(""), "SMTP server. Unset outside production: emails go to the outbox page (/account/outbox) instead."],
  EMAIL_PORT: [int(587, 1, 65535), "SMTP port."],
  EMAIL_HOST_USER: [str(""), "SMTP user name."],
  EMAIL_HOST_PASSWORD: [str(""), "SMTP password."],
  EMAIL_USE_TLS: [bool(true), "Use STARTTLS (port 587) or TLS."],
  EMAIL_TIMEOUT: [int(15, 1, 300), "Seconds before an SMTP connection gives up."],
  SERVICES_SYNC_DEBOUNCE_SECONDS: [int(5, 0, 3600), "Services: seconds a user's sync waits for further changes before it runs (repeated triggers collapse into one job)."],
  SERVICES_BULK_THRESHOLD: [int(50, 1, 100000), "Services: a change touching more users than this queues one reconcile per service instead of one job per user."],
  SERVICES_REMOVAL_GRACE_HOURS: [int(0, 0, 24 * 30), "Services: hours a member who lost access keeps the account (warned by a notification) before removal. 0: removed at once, as in the original."],
  MUMBLE_URL: [str(""), "Mumble server address members connect to (host or host:port, the original's MUMBLE_URL); the services page links mumble://<username>@MUMBLE_URL. Mumble is offered when set."],
  MUMBLE_MODE: [z.enum(["table", "direct"]).default("table"), "Mumble: table (the original's mumble_mumbleuser table, read by the murmur authenticator daemon) or direct (accounts registered in murmur itself over Ice; no daemon). See the README's Mumble section."],
  MUMBLE_ICE_HOST: [str("127.0.0.1"), "Mumble direct mode: host of murmur's Ice endpoint (murmur.ini ice=)."],
  MUMBLE_ICE_PORT: [int(6502, 1, 65535), "Mumble direct mode: port of murmur's Ice endpoint."],
  MUMBLE_ICE_SECRET: [str(""), "Mumble direct mode: murmur's icesecretwrite, sent with every Ice call."],
  MUMBLE_SERVER_ID: [int(1, 1, 1000000), "Mumble direct mode: the virtual server's id in murmur (1 on a default install)."],
  MUMBLE_PASSWORD_COST: [int(12, 4, 16), "Mumble: bcrypt cost of the passlib bcrypt_sha256 hashes in mumble_mumbleuser (the original: 12)."],
  MUMBLE_ICE_TIMEOUT_SECONDS: [int(10, 1, 120), "Mumble direct mode: timeout of one Ice call."],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type Definitions = typeof definitions;
const shape = Object.fromEntries(Object.entries(definitions).map(([key, [schema]]) => [key, schema])) as {
  [K in keyof Definitions]: Definitions[K][0];
};
export const settingsSchema = z.object(shape);
export const settingDescriptions: Record<string, string> = Object.fromEntries(
  Object.entries(definitions).map(([key, [, description]]) => [key, description]),
);

/** The configuration reference in the README (kept in sync by `npm run config:docs -- --write`). */
export function renderSettingsTable(): string {
  const defaults = settingsSchema.safeParse({});
  const lines = ["| Setting | Default | Description |", "|---|---|---|"];
  for (const [key, description] of Object.entries(settingDescriptions)) {
    const value = defaults.success ? (defaults.data as Record<string, unknown>)[key] : undefined;
    const shown = value === undefined || value === "" ? "—" : `\`${String(value)}\``;
    lines.push(`| \`${key}\` | ${shown} | ${description.replace(/\|/g, "\\|")} |`);
  }
  return lines.join("\n");
}

export type RawSettings = z.infer<typeof settingsSchema>;
export type Settings = Omit<RawSettings, "SECRET_KEY" | "SITE_URL" | "ESI_SSO_CALLBACK_URL"> & {
  SECRET_KEY: string;
  SITE_URL: string;
  ESI_SSO_CALLBACK_URL: string;
  /** No EVE SSO application configured (never in production): a local fake EVE stands in. */
  demoMode: boolean;
  /** True when SITE_URL is https: cookies get Secure and the __Host- prefix. */
  secureCookies: boolean;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** Reads `.env` (if any) without overriding variables that are already set. */
export function loadDotEnv(file = path.resolve(".env"), env: Record<string, string | undefined> = process.env) {
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!match) continue;
    const [, key, rawValue] = match;
    if (env[key] !== undefined) continue;
    env[key] = rawValue.replace(/^(['"])(.*)\1$/, "$2");
  }
}

function developmentSecret(dataDir: string): string {
  const file = path.resolve(dataDir, "secret_key");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Parses settings; every problem becomes one line naming the setting. */
export function parseSettings(env: Record<string, string | undefined> = process.env): Settings {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(definitions)) input[key] = env[key];
  const result = settingsSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? "settings");
        const message = issue.code === "invalid_value" ? `must be one of ${issue.values.join(", ")}` : issue.message;
        return `${key}: ${message}`;
      }),
    );
  }
  const raw = result.data;
  const problems: string[] = [];
  let secret = raw.SECRET_KEY;
  if (!secret) {
    if (raw.NODE_ENV === "production") problems.push("SECRET_KEY: is required in production (at least 32 random characters)");
    else secret = developmentSecret(raw.DATA_DIR);
  } else if (secret.length < 32) {
    problems.push("SECRET_KEY: must be at least 32 characters long");
  }
  if (raw.NODE_ENV === "production" && !raw.ESI_SSO_CLIENT_ID) problems.push("ESI_SSO_CLIENT_ID: is required in production (demo mode is for development only)");
  if (raw.NODE_ENV === "production" && !raw.ESI_USER_CONTACT_EMAIL) problems.push("ESI_USER_CONTACT_EMAIL: is required in production (CCP asks every ESI application for a contact and can ban one without)");
  if (raw.ESI_SSO_CLIENT_ID && !raw.ESI_SSO_CLIENT_SECRET) problems.push("ESI_SSO_CLIENT_SECRET: is required when ESI_SSO_CLIENT_ID is set");
  if (!raw.LOGIN_TOKEN_SCOPES.trim()) problems.push("LOGIN_TOKEN_SCOPES: must not be empty");
  if (raw.DISCORD_GUILD_ID && !/^\d{1,20}$/.test(raw.DISCORD_GUILD_ID)) problems.push("DISCORD_GUILD_ID: must be the server's numeric ID");
  if (raw.ANALYTICS_PROVIDER !== "off" && !raw.ANALYTICS_SITE.trim()) problems.push(`ANALYTICS_SITE: is required with ANALYTICS_PROVIDER=${raw.ANALYTICS_PROVIDER}`);
  if ((raw.ANALYTICS_PROVIDER === "plausible" || raw.ANALYTICS_PROVIDER === "umami") && !raw.ANALYTICS_URL) problems.push(`ANALYTICS_URL: is required with ANALYTICS_PROVIDER=${raw.ANALYTICS_PROVIDER} (your server's address)`);
  if (raw.ANALYTICS_PROVIDER === "ga4" && !raw.ANALYTICS_SECRET) problems.push("ANALYTICS_SECRET: is required with ANALYTICS_PROVIDER=ga4 (the Measurement Protocol API secret)");
  if (problems.length) throw new ConfigError(problems);
  const siteUrl = (raw.SITE_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, "");
  return {
    ...raw,
    SECRET_KEY: secret!,
    SITE_URL: siteUrl,
    ESI_SSO_CALLBACK_URL: raw.ESI_SSO_CALLBACK_URL ?? `${siteUrl}/sso/callback`,
    secureCookies: siteUrl.startsWith("https:"),
    demoMode: !raw.ESI_SSO_CLIENT_ID,
  };
}

const SETTINGS_KEY = Symbol.for("allianceauth.settings");
type Holder = { [SETTINGS_KEY]?: Settings };

/** The settings of this process, parsed once (shared by the server bundle and the CLI). */
export function getSettings(): Settings {
  const holder = globalThis as Holder;
  if (!holder[SETTINGS_KEY]) {
    loadDotEnv();
    holder[SETTINGS_KEY] = parseSettings();
  }
  return holder[SETTINGS_KEY]!;
}

/** For tests and tools that build settings themselves. */
export function setSettings(settings: Settings) {
  (globalThis as Holder)[SETTINGS_KEY] = settings;
}
