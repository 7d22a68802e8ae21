/**
 * startFakeDiscord(): one loopback HTTP server playing discord.com (REST API v10 under /api/v10, OAuth2
 * under /oauth2 and /api/oauth2), with in-memory state, test hooks to seed and inspect it, rate limits,
 * faults and a request log. See state.ts and ops.ts (rules), ratelimit.ts and oauth.ts.
 */
import { serve, type RequestRecord } from "../eve/http";
import { FakeOAuth, type DiscordClientApp, type NextAuthorization } from "./oauth";
import { FakeRateLimits, type BucketLimit, type RouteGroup } from "./ratelimit";
import { FakeRest, type DiscordFault } from "./rest";
import { DiscordWorld, PERMISSIONS, type FakeGuild, type FakeRole, type FakeUser } from "./state";

export interface FakeDiscordOptions {
  host?: string;
  port?: number;
  /** The application: its client credentials, redirect URIs, and its bot. */
  app: DiscordClientApp & { botToken: string; botUserId?: string };
  /** Other applications (tokens they issue are refused by PUT member: 50025). */
  otherClients?: DiscordClientApp[];
  now?: () => number;
  maxRecordedRequests?: number;
}

export interface SeedGuild {
  guildId: string;
  ownerId: string;
  botRoleId: string;
}

export interface FakeDiscord {
  url: string;
  /** Base URL of the REST API without the version (the client adds /v10). */
  apiBase: string;
  authorizeUrl: string;
  tokenUrl: string;
  botUserId: string;
  stop(): Promise<void>;
  // state
  world: DiscordWorld;
  addUser(user: Partial<FakeUser> & { username: string }): FakeUser;
  /** A guild with an owner, @everyone and the bot at the top with `botPermissions` (default the four AA needs). */
  addGuild(options: { id?: string; name: string; ownerId?: string; botPermissions?: bigint; botAtTop?: boolean }): SeedGuild;
  addRole(guildId: string, role: Partial<FakeRole> & { name: string }): FakeRole;
  /** Like dragging a role to the top of the list in Discord's settings. */
  moveRoleToTop(guildId: string, roleId: string): void;
  addMember(guildId: string, userId: string, member?: { nick?: string | null; roles?: string[] }): void;
  ban(guildId: string, userId: string): void;
  /** Adds `count` users and members fast (ids ascending from a fixed base); returns their ids. */
  seedMembers(guildId: string, count: number, options?: { roles?: string[] }): string[];
  guild(guildId: string): FakeGuild;
  member(guildId: string, userId: string): { nick: string | null; roles: string[] } | null;
  roles(guildId: string): FakeRole[];
  roleByName(guildId: string, name: string): FakeRole | undefined;
  // OAuth
  setNextAuthorization(choice: NextAuthorization): void;
  issueToken(userId: string, scopes?: string[], clientId?: string): { access_token: string; refresh_token: string };
  revokeUserTokens(userId: string): void;
  linkBot(guildId: string, permissions: bigint): void;
  // behaviour switches
  setMembersIntent(on: boolean): void;
  setUserAgentCheck(on: boolean): void;
  setMissingScopeCode(code: 50025 | 50026): void;
  setBucketLimit(group: RouteGroup, limit: BucketLimit): void;
  setGlobalLimit(perSecond: number | null): void;
  omitRateLimitHeaders(group: RouteGroup, omit: boolean): void;
  /** The next `times` requests of the group answer 429 with this retry_after (seconds). */
  force429(group: RouteGroup, options: { retryAfter: number; scope?: "user" | "shared" | "global"; sublimit?: boolean; times?: number }): void;
  setInvalidRequestLimit(limit: number, windowMs?: number): void;
  setFault(fault: DiscordFault | null): void;
  resetRateLimits(): void;
  advanceClock(seconds: number): void;
  // inspection
  requests: RequestRecord[];
  clearRequests(): void;
  /** Requests answered for "METHOD /template", e.g. "PATCH /guilds/{guild.id}/members/{user.id}". */
  callCount(route: string): number;
  totalCalls(): number;
  rateLimitedCount(): number;
  invalidRequestCount(): number;
}

export const DEFAULT_BOT_PERMISSIONS = PERMISSIONS.MANAGE_ROLES | PERMISSIONS.MANAGE_NICKNAMES | PERMISSIONS.KICK_MEMBERS | PERMISSIONS.CREATE_INSTANT_INVITE;

export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const baseClock = options.now ?? Date.now;
  let offsetMs = 0;
  const clock = () => baseClock() + offsetMs;
  const botUserId = options.app.botUserId ?? "1000000000000000001";
  const world = new DiscordWorld(botUserId, clock);
  world.addUser({ id: botUserId, username: options.app.name ?? "allianceauth-bot", bot: true });
  const clients = [options.app, ...(options.otherClients ?? [])].map((c) => ({ ...c, redirectUris: [...c.redirectUris] }));
  const oauth = new FakeOAuth(world, clients, clock);
  const limits = new FakeRateLimits(clock);
  const rest = new FakeRest(world, oauth, limits, { token: options.app.botToken, clientId: options.app.clientId });
  const requests: RequestRecord[] = [];
  const server = await serve({ service: "discord", host: options.host ?? "127.0.0.1", port: options.port ?? 0, log: requests, maxLog: Math.max(1, options.maxRecordedRequests ?? 10_000), clock, handle: (r) => rest.handle(r) });
  let seedCounter = 0n;

  const fake: FakeDiscord = {
    url: server.url,
    apiBase: `${server.url}/api`,
    authorizeUrl: `${server.url}/oauth2/authorize`,
    tokenUrl: `${server.url}/api/oauth2/token`,
    botUserId,
    stop: () => server.stop(),
    world,
    addUser: (user) => world.addUser(user),
    addGuild: ({ id, name, ownerId, botPermissions, botAtTop }) => {
      const owner = ownerId ?? world.addUser({ username: `${name.toLowerCase().replace(/\W+/g, "-").slice(0, 20)}-owner` }).id;
      const guild = world.addGuild({ id, name, ownerId: owner });
      oauth.addBotToGuild(guild.id, options.app, botPermissions ?? DEFAULT_BOT_PERMISSIONS);
      const botRole = [...guild.roles.values()].find((r) => r.managed && r.botId === botUserId)!;
      // AA's setup asks for the bot role to be dragged to the top; tests can opt out.
      if (botAtTop !== false) botRole.position = world.maxPosition(guild) + 1;
      return { guildId: guild.id, ownerId: owner, botRoleId: botRole.id };
    },
    addRole: (guildId, role) => world.addRole(guildId, role),
    moveRoleToTop: (guildId, roleId) => {
      const guild = world.requireGuild(guildId);
      const role = guild.roles.get(roleId);
      if (!role) throw new Error(`fake discord: no role ${roleId}`);
      role.position = world.maxPosition(guild) + 1;
    },
    addMember: (guildId, userId, member) => void world.putMember(world.requireGuild(guildId), userId, { nick: member?.nick ?? null, roles: member?.roles ?? [] }),
    ban: (guildId, userId) => {
      const guild = world.requireGuild(guildId);
      guild.banned.add(userId);
      world.removeMemberRaw(guild, userId);
    },
    seedMembers: (guildId, count, seedOptions) => {
      const guild = world.requireGuild(guildId);
      const ids: string[] = [];
      const joinedAt = new Date(clock()).toISOString();
      for (let i = 0; i < count; i++) {
        seedCounter += 1n;
        const id = (500_000_000_000_000_000n + seedCounter).toString();
        world.users.set(id, { id, username: `member${seedCounter}`, globalName: null });
        guild.members.set(id, { userId: id, nick: null, roles: [...(seedOptions?.roles ?? [])], joinedAt });
        ids.push(id);
      }
      guild.sortedIds = null;
      return ids;
    },
    guild: (guildId) => world.requireGuild(guildId),
    member: (guildId, userId) => {
      const m = world.requireGuild(guildId).members.get(userId);
      return m ? { nick: m.nick, roles: [...m.roles] } : null;
    },
    roles: (guildId) => [...world.requireGuild(guildId).roles.values()].sort((a, b) => a.position - b.position),
    roleByName: (guildId, name) => [...world.requireGuild(guildId).roles.values()].find((r) => r.name === name),
    setNextAuthorization: (choice) => {
      oauth.nextAuthorization = choice;
    },
    issueToken: (userId, scopes = ["identify", "guilds.join"], clientId = options.app.clientId) => oauth.issueToken(clientId, userId, scopes),
    revokeUserTokens: (userId) => oauth.revokeUserTokens(userId),
    linkBot: (guildId, permissions) => oauth.addBotToGuild(guildId, options.app, permissions),
    setMembersIntent: (on) => {
      rest.membersIntent = on;
    },
    setUserAgentCheck: (on) => {
      rest.checkUserAgent = on;
    },
    setMissingScopeCode: (code) => {
      oauth.missingScopeCode = code;
    },
    setBucketLimit: (group, limit) => {
      limits.limits[group] = { ...limit };
    },
    setGlobalLimit: (perSecond) => {
      limits.globalPerSecond = perSecond;
    },
    omitRateLimitHeaders: (group, omit) => void (omit ? limits.omitHeaders.add(group) : limits.omitHeaders.delete(group)),
    force429: (group, o) => {
      limits.forced.push({ group, retryAfter: o.retryAfter, scope: o.scope ?? "user", sublimit: o.sublimit, times: o.times ?? 1 });
    },
    setInvalidRequestLimit: (limit, windowMs) => {
      limits.invalidLimit = limit;
      if (windowMs) limits.invalidWindowMs = windowMs;
    },
    setFault: (fault) => {
      const route = fault?.route ? new RegExp(fault.route.source, fault.route.flags.replace(/[gy]/g, "")) : undefined;
      rest.fault = fault ? { ...fault, route, remaining: fault.times ?? Infinity } : null;
    },
    resetRateLimits: () => {
      limits.reset();
      limits.forced.length = 0;
    },
    advanceClock: (seconds) => {
      offsetMs += seconds * 1000;
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
      rest.calls.clear();
    },
    callCount: (route) => rest.calls.get(route) ?? 0,
    totalCalls: () => [...rest.calls.values()].reduce((a, b) => a + b, 0),
    rateLimitedCount: () => limits.rateLimitedTotal,
    invalidRequestCount: () => limits.invalidTotal,
  };
  return fake;
}
