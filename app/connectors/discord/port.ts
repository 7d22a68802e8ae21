/**
 * What the Discord connector needs from the REST client (app/connectors/discord/client*), as one
 * small interface: the connector's logic is written against it, port.server.ts binds it to the
 * client with its shared rate limiter.
 */
export interface DiscordRole {
  id: string;
  name: string;
  managed: boolean;
  position: number;
}

export interface DiscordUserInfo {
  id: string;
  username: string;
  discriminator?: string;
  global_name?: string | null;
}

export interface DiscordMember {
  user: DiscordUserInfo;
  nick: string | null;
  roles: string[];
}

export interface DiscordPort {
  guildId: string;
  listRoles(): Promise<DiscordRole[]>;
  createRole(name: string): Promise<DiscordRole>;
  /** One page of members, ordered by user id, after `after`. */
  listMembers(after: string | undefined, limit: number): Promise<DiscordMember[]>;
  /** null: not a member (10007). */
  getMember(userId: string): Promise<DiscordMember | null>;
  /** PUT member with the user's token: "created" (201), or "exists" (204, nothing applied). */
  addMember(userId: string, body: { accessToken: string; roles: string[]; nick?: string }): Promise<"created" | "exists">;
  /** One PATCH; false when the member is gone (10007). */
  modifyMember(userId: string, body: { roles?: string[]; nick?: string | null }): Promise<boolean>;
  /** Kick; false when the member was not there (10007). */
  removeMember(userId: string): Promise<boolean>;
  getCurrentUser(accessToken: string): Promise<DiscordUserInfo>;
  /** Calls made through this port so far (for reports and benchmarks). */
  stats(): { reads: number; writes: number; rateLimited: number };
}

/** The original's display name: `@username` on the new name system, else `username#discriminator`. */
export function discordDisplayName(user: Pick<DiscordUserInfo, "username" | "discriminator">) {
  if (!user.username) return "";
  if (!user.discriminator || user.discriminator === "0") return `@${user.username}`;
  return `${user.username}#${user.discriminator}`;
}
