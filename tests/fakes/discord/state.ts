/**
 * The fake Discord's world: users, guilds, roles, members, and the rules Discord applies to a bot
 * (permission bits, role hierarchy, the owner, managed roles, the 250-role cap, name lengths).
 * Rule violations are thrown as FakeDiscordError, which rest.ts turns into Discord's JSON error body.
 */
import type { APIGuild, APIGuildMember, APIRole, APIUser } from "discord-api-types/v10";

export const PERMISSIONS = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  ADMINISTRATOR: 1n << 3n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
} as const;

export const MAX_ROLES = 250;

export class FakeDiscordError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
    public readonly errors?: unknown,
  ) {
    super(message);
  }
}

export const missingPermissions = () => new FakeDiscordError(403, 50013, "Missing Permissions");
export const unknownMember = () => new FakeDiscordError(404, 10007, "Unknown Member");
export const unknownRole = () => new FakeDiscordError(404, 10011, "Unknown Role");
export const unknownGuild = () => new FakeDiscordError(404, 10004, "Unknown Guild");
export function invalidForm(field: string, code: string, message: string) {
  return new FakeDiscordError(400, 50035, "Invalid Form Body", { [field]: { _errors: [{ code, message }] } });
}

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  permissions: bigint;
  managed: boolean;
  color: number;
  hoist: boolean;
  mentionable: boolean;
  /** For managed roles: the bot user it belongs to (tags.bot_id). */
  botId?: string;
}

export interface FakeMember {
  userId: string;
  nick: string | null;
  roles: string[];
  joinedAt: string;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, FakeRole>;
  members: Map<string, FakeMember>;
  banned: Set<string>;
  /** Member ids sorted as snowflakes, rebuilt lazily for list paging. */
  sortedIds: string[] | null;
}

/** Snowflakes compare as numbers; same-length strings compare lexicographically. */
export function compareSnowflakes(a: string, b: string) {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export class DiscordWorld {
  users = new Map<string, FakeUser>();
  guilds = new Map<string, FakeGuild>();
  private nextId = 1_100_000_000_000_000_000n;

  constructor(
    public readonly botUserId: string,
    private readonly clock: () => number,
  ) {}

  snowflake(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }

  addUser(user: Partial<FakeUser> & { username: string }): FakeUser {
    const full: FakeUser = { id: user.id ?? this.snowflake(), username: user.username, globalName: user.globalName ?? null, bot: user.bot };
    this.users.set(full.id, full);
    return full;
  }

  requireGuild(guildId: string): FakeGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw unknownGuild();
    return guild;
  }

  addGuild(options: { id?: string; name: string; ownerId: string }): FakeGuild {
    const id = options.id ?? this.snowflake();
    const guild: FakeGuild = { id, name: options.name, ownerId: options.ownerId, roles: new Map(), members: new Map(), banned: new Set(), sortedIds: null };
    // @everyone has the guild's id and position 0.
    guild.roles.set(id, { id, name: "@everyone", position: 0, permissions: PERMISSIONS.CREATE_INSTANT_INVITE, managed: false, color: 0, hoist: false, mentionable: false });
    this.guilds.set(id, guild);
    this.putMember(guild, options.ownerId, { nick: null, roles: [] });
    return guild;
  }

  /** Test hook: a role at an explicit position (others are not shifted). */
  addRole(guildId: string, role: Partial<FakeRole> & { name: string }): FakeRole {
    const guild = this.requireGuild(guildId);
    const full: FakeRole = {
      id: role.id ?? this.snowflake(),
      name: role.name,
      position: role.position ?? this.maxPosition(guild) + 1,
      permissions: role.permissions ?? 0n,
      managed: role.managed ?? false,
      color: role.color ?? 0,
      hoist: role.hoist ?? false,
      mentionable: role.mentionable ?? false,
      botId: role.botId,
    };
    guild.roles.set(full.id, full);
    return full;
  }

  /** Test hook: add or replace a member without any rule check. */
  putMember(guild: FakeGuild, userId: string, member: { nick: string | null; roles: string[] }): FakeMember {
    if (!this.users.has(userId)) throw new Error(`fake discord: no user ${userId}`);
    const existing = guild.members.get(userId);
    const full: FakeMember = { userId, nick: member.nick, roles: [...member.roles], joinedAt: existing?.joinedAt ?? new Date(this.clock()).toISOString() };
    if (!existing) guild.sortedIds = null;
    guild.members.set(userId, full);
    return full;
  }

  removeMemberRaw(guild: FakeGuild, userId: string) {
    if (guild.members.delete(userId)) guild.sortedIds = null;
  }

  maxPosition(guild: FakeGuild) {
    let max = 0;
    for (const role of guild.roles.values()) max = Math.max(max, role.position);
    return max;
  }

  /** Highest position among a member's roles (0 = only @everyone). Ties are broken by id, as Discord does. */
  topPosition(guild: FakeGuild, userId: string): number {
    const member = guild.members.get(userId);
    let top = 0;
    for (const id of member?.roles ?? []) top = Math.max(top, guild.roles.get(id)?.position ?? 0);
    return top;
  }

  botPermissions(guild: FakeGuild): bigint {
    const member = guild.members.get(this.botUserId);
    if (!member) return 0n;
    let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
    for (const id of member.roles) bits |= guild.roles.get(id)?.permissions ?? 0n;
    return bits;
  }

  /** The bot is in the guild and holds the bit (ADMINISTRATOR implies every bit, not the hierarchy). */
  requireBotPermission(guild: FakeGuild, bit: bigint) {
    if (!guild.members.has(this.botUserId)) throw new FakeDiscordError(403, 50001, "Missing Access");
    const bits = this.botPermissions(guild);
    if ((bits & PERMISSIONS.ADMINISTRATOR) === 0n && (bits & bit) === 0n) throw missingPermissions();
  }

  requireBotInGuild(guildId: string): FakeGuild {
    const guild = this.requireGuild(guildId);
    if (!guild.members.has(this.botUserId)) throw new FakeDiscordError(403, 50001, "Missing Access");
    return guild;
  }

  /** A role the bot may grant, remove, edit or delete: below its top role and not managed. */
  requireManageableRole(guild: FakeGuild, roleId: string) {
    const role = guild.roles.get(roleId);
    if (!role) throw unknownRole();
    if (role.managed || role.position >= this.topPosition(guild, this.botUserId)) throw missingPermissions();
  }

  /** A member the bot may rename or kick: not the owner, top role below the bot's. */
  requireOutranked(guild: FakeGuild, userId: string) {
    if (userId === guild.ownerId) throw missingPermissions();
    if (userId !== this.botUserId && this.topPosition(guild, userId) >= this.topPosition(guild, this.botUserId)) throw missingPermissions();
  }

  sortedMemberIds(guild: FakeGuild): string[] {
    if (!guild.sortedIds) guild.sortedIds = [...guild.members.keys()].sort(compareSnowflakes);
    return guild.sortedIds;
  }

  // ---- JSON shapes -------------------------------------------------------------------------------

  userJson(user: FakeUser): APIUser {
    return { id: user.id, username: user.username, discriminator: "0", global_name: user.globalName, avatar: null, ...(user.bot ? { bot: true } : {}) };
  }

  roleJson(role: FakeRole): APIRole {
    return {
      id: role.id,
      name: role.name,
      color: role.color,
      colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
      hoist: role.hoist,
      icon: null,
      unicode_emoji: null,
      position: role.position,
      permissions: role.permissions.toString(),
      managed: role.managed,
      mentionable: role.mentionable,
      flags: 0 as never,
      ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
    };
  }

  memberJson(member: FakeMember): APIGuildMember {
    return {
      user: this.userJson(this.users.get(member.userId)!),
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roles],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as never,
      pending: false,
    };
  }

  guildJson(guild: FakeGuild): APIGuild {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [...guild.roles.values()].map((r) => this.roleJson(r)),
      emojis: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: "en-US" as APIGuild["preferred_locale"],
      public_updates_channel_id: null,
      nsfw_level: 0,
      stickers: [],
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      region: "",
    } as unknown as APIGuild;
  }
}
