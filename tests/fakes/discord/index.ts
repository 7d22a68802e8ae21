/**
 * Fake Discord (REST API v10 + OAuth2) for tests, demo mode and benchmarks. See server.ts (options and
 * hooks), ops.ts and state.ts (rules), ratelimit.ts (buckets, global limit, ban) and oauth.ts.
 */
export { startFakeDiscord, DEFAULT_BOT_PERMISSIONS, type FakeDiscord, type FakeDiscordOptions, type SeedGuild } from "./server";
export { seedDemoDiscord, DISCORD_DEMO } from "./demo";
export { PERMISSIONS, MAX_ROLES, type FakeRole, type FakeUser } from "./state";
export { DEFAULT_LIMITS, FakeRateLimits, type RouteGroup, type BucketLimit } from "./ratelimit";
export type { DiscordFault } from "./rest";
export type { DiscordClientApp, NextAuthorization } from "./oauth";
