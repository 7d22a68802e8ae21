/**
 * The guild endpoints' semantics (what Discord does with each body, in which order it checks).
 * Bodies arrive parsed; every function returns the JSON Discord answers, or throws FakeDiscordError.
 */
import { DiscordWorld, FakeDiscordError, invalidForm, MAX_ROLES, missingPermissions, PERMISSIONS, unknownMember, unknownRole, type FakeGuild } from "./state";

const codePoints = (s: string) => Array.from(s).length;

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new FakeDiscordError(400, 50109, "The request body contains invalid JSON.");
  return body as Record<string, unknown>;
}

function parseNick(value: unknown): string | null {
  if (value === null || value === "") return null;
  if (typeof value !== "string") throw invalidForm("nick", "BASE_TYPE_STRING", "Must be a string.");
  const trimmed = value.trim().replace(/\s+/g, " ");
  if (codePoints(trimmed) > 32) throw invalidForm("nick", "BASE_TYPE_BAD_LENGTH", "Must be 32 or fewer in length.");
  return trimmed || null;
}

function parseRoleIds(guild: FakeGuild, value: unknown): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !/^\d{1,20}$/.test(v))) {
    throw invalidForm("roles", "BASE_TYPE_ARRAY_OF_SNOWFLAKES", "Must be an array of snowflakes.");
  }
  const ids = new Set<string>();
  for (const id of value as string[]) {
    if (id === guild.id) continue; // @everyone in a role list is accepted and ignored
    if (!guild.roles.has(id)) throw unknownRole();
    ids.add(id);
  }
  return [...ids];
}

function checkRoleName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidForm("name", "BASE_TYPE_STRING", "Must be a string.");
  if (codePoints(value) > 100) throw invalidForm("name", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
  return value;
}

/** Roles added or removed must all be manageable by the bot; unchanged ones (managed or high) are fine. */
function checkRoleChange(world: DiscordWorld, guild: FakeGuild, before: string[], after: string[]) {
  const changed = [...after.filter((id) => !before.includes(id)), ...before.filter((id) => !after.includes(id))];
  if (changed.length) world.requireBotPermission(guild, PERMISSIONS.MANAGE_ROLES);
  for (const id of changed) world.requireManageableRole(guild, id);
}

export function createRole(world: DiscordWorld, guildId: string, rawBody: unknown) {
  const guild = world.requireBotInGuild(guildId);
  const body = asObject(rawBody);
  world.requireBotPermission(guild, PERMISSIONS.MANAGE_ROLES);
  const name = checkRoleName(body.name) ?? "new role";
  if (guild.roles.size >= MAX_ROLES) throw new FakeDiscordError(400, 30005, "Maximum number of guild roles reached (250)");
  let permissions = 0n;
  if (body.permissions !== undefined && body.permissions !== null) {
    if (typeof body.permissions !== "string" || !/^\d+$/.test(body.permissions)) throw invalidForm("permissions", "NUMBER_TYPE_COERCE", "Value is not int.");
    permissions = BigInt(body.permissions);
    const own = world.botPermissions(guild);
    if ((own & PERMISSIONS.ADMINISTRATOR) === 0n && (permissions & ~own) !== 0n) throw missingPermissions();
  }
  // A new role goes to position 1, just above @everyone; the others move up.
  for (const role of guild.roles.values()) if (role.position >= 1) role.position += 1;
  const role = world.addRole(guildId, {
    name,
    position: 1,
    permissions,
    color: typeof body.color === "number" ? body.color : 0,
    hoist: body.hoist === true,
    mentionable: body.mentionable === true,
  });
  return world.roleJson(role);
}

export function modifyRole(world: DiscordWorld, guildId: string, roleId: string, rawBody: unknown) {
  const guild = world.requireBotInGuild(guildId);
  const body = asObject(rawBody);
  world.requireBotPermission(guild, PERMISSIONS.MANAGE_ROLES);
  const role = guild.roles.get(roleId);
  if (!role) throw unknownRole();
  world.requireManageableRole(guild, roleId);
  const name = checkRoleName(body.name);
  if (name !== undefined) role.name = name;
  if (typeof body.color === "number") role.color = body.color;
  if (typeof body.hoist === "boolean") role.hoist = body.hoist;
  if (typeof body.mentionable === "boolean") role.mentionable = body.mentionable;
  return world.roleJson(role);
}

export function deleteRole(world: DiscordWorld, guildId: string, roleId: string) {
  const guild = world.requireBotInGuild(guildId);
  world.requireBotPermission(guild, PERMISSIONS.MANAGE_ROLES);
  if (roleId === guild.id || !guild.roles.has(roleId)) throw unknownRole();
  world.requireManageableRole(guild, roleId);
  guild.roles.delete(roleId);
  for (const member of guild.members.values()) member.roles = member.roles.filter((id) => id !== roleId);
}

export function getMember(world: DiscordWorld, guildId: string, userId: string) {
  const guild = world.requireBotInGuild(guildId);
  const member = guild.members.get(userId);
  if (!member) throw world.users.has(userId) ? unknownMember() : new FakeDiscordError(404, 10013, "Unknown User");
  return world.memberJson(member);
}

export function listMembers(world: DiscordWorld, guildId: string, query: URLSearchParams, intent: boolean) {
  const guild = world.requireBotInGuild(guildId);
  if (!intent) throw new FakeDiscordError(403, 50001, "Missing Access");
  const limitText = query.get("limit");
  const limit = limitText === null ? 1 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidForm("limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 1000.");
  const after = query.get("after") ?? "0";
  if (!/^\d{1,20}$/.test(after)) throw invalidForm("after", "NUMBER_TYPE_COERCE", `Value "${after}" is not snowflake.`);
  const ids = world.sortedMemberIds(guild);
  // First id greater than `after` (binary search).
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid].length < after.length || (ids[mid].length === after.length && ids[mid] <= after)) lo = mid + 1;
    else hi = mid;
  }
  return ids.slice(lo, lo + limit).map((id) => world.memberJson(guild.members.get(id)!));
}

export interface AccessTokenCheck {
  /** null when the token is valid for this client, this user, with guilds.join. */
  (token: string, userId: string): null | { code: 50025 | 50026; message: string };
}

/** PUT member: 201 + member when added, 204 (nothing applied) when already there. */
export function addMember(world: DiscordWorld, guildId: string, userId: string, rawBody: unknown, checkToken: AccessTokenCheck) {
  const guild = world.requireBotInGuild(guildId);
  const body = asObject(rawBody);
  if (typeof body.access_token !== "string" || !body.access_token) {
    throw invalidForm("access_token", "BASE_TYPE_REQUIRED", "This field is required");
  }
  const tokenProblem = checkToken(body.access_token, userId);
  if (tokenProblem) throw new FakeDiscordError(403, tokenProblem.code, tokenProblem.message);
  world.requireBotPermission(guild, PERMISSIONS.CREATE_INSTANT_INVITE);
  if (guild.banned.has(userId)) throw new FakeDiscordError(403, 40007, "The user is banned from this guild.");
  if (guild.members.has(userId)) return { status: 204 as const };
  const nick = body.nick === undefined ? null : parseNick(body.nick);
  const roles = body.roles === undefined ? [] : parseRoleIds(guild, body.roles);
  if (nick !== null) world.requireBotPermission(guild, PERMISSIONS.MANAGE_NICKNAMES);
  checkRoleChange(world, guild, [], roles);
  if (body.mute === true) world.requireBotPermission(guild, PERMISSIONS.MUTE_MEMBERS);
  if (body.deaf === true) world.requireBotPermission(guild, PERMISSIONS.DEAFEN_MEMBERS);
  const member = world.putMember(guild, userId, { nick, roles });
  return { status: 201 as const, member: world.memberJson(member) };
}

/** PATCH member: roles replace the whole list; nick null or "" clears it. 200 + the member. */
export function modifyMember(world: DiscordWorld, guildId: string, userId: string, rawBody: unknown) {
  const guild = world.requireBotInGuild(guildId);
  const body = asObject(rawBody);
  const member = guild.members.get(userId);
  if (!member) throw unknownMember();
  const nick = "nick" in body ? parseNick(body.nick) : undefined;
  const roles = "roles" in body ? parseRoleIds(guild, body.roles) : undefined;
  if (userId === guild.ownerId && (nick !== undefined || roles !== undefined)) throw missingPermissions();
  if (nick !== undefined && nick !== member.nick) {
    world.requireBotPermission(guild, PERMISSIONS.MANAGE_NICKNAMES);
    world.requireOutranked(guild, userId);
  }
  if (roles !== undefined) checkRoleChange(world, guild, member.roles, roles);
  if (nick !== undefined) member.nick = nick;
  if (roles !== undefined) member.roles = roles;
  return world.memberJson(member);
}

export function kickMember(world: DiscordWorld, guildId: string, userId: string) {
  const guild = world.requireBotInGuild(guildId);
  if (!guild.members.has(userId)) throw unknownMember();
  world.requireBotPermission(guild, PERMISSIONS.KICK_MEMBERS);
  world.requireOutranked(guild, userId);
  world.removeMemberRaw(guild, userId);
}

export function memberRole(world: DiscordWorld, guildId: string, userId: string, roleId: string, add: boolean) {
  const guild = world.requireBotInGuild(guildId);
  const member = guild.members.get(userId);
  if (!member) throw unknownMember();
  if (roleId === guild.id || !guild.roles.has(roleId)) throw unknownRole();
  world.requireBotPermission(guild, PERMISSIONS.MANAGE_ROLES);
  world.requireManageableRole(guild, roleId);
  if (add && !member.roles.includes(roleId)) member.roles.push(roleId);
  if (!add) member.roles = member.roles.filter((id) => id !== roleId);
}
