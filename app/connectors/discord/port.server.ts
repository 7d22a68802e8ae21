/** Binds the DiscordPort to the REST client (rate limits shared through the database). */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type DiscordClient, DiscordApiError } from "./index.server";
import { createDiscordClient } from "./index.server";
import type { DiscordMember, DiscordPort } from "./port";

function member(m: { user?: { id: string; username: string; discriminator?: string; global_name?: string | null }; nick?: string | null; roles: string[] }): DiscordMember {
  return { user: m.user ?? { id: "", username: "" }, nick: m.nick ?? null, roles: [...m.roles] };
}

export function portFromClient(client: DiscordClient, guildId: string): DiscordPort {
  let reads = 0;
  let writes = 0;
  let rateLimited = 0;
  const counted = async <T>(kind: "read" | "write", fn: () => Promise<T>) => {
    if (kind === "read") reads++;
    else writes++;
    try {
      return await fn();
    } catch (error) {
      if ((error as { reason?: string }).reason === "rate_limited" || (error instanceof DiscordApiError && error.status === 429)) rateLimited++;
      throw error;
    }
  };
  const gone = (error: unknown) => error instanceof DiscordApiError && error.unknownMember;
  return {
    guildId,
    listRoles: () => counted("read", async () => (await client.listRoles(guildId)).map((r) => ({ id: r.id, name: r.name, managed: r.managed, position: r.position }))),
    createRole: (name) => counted("write", async () => {
      const r = await client.createRole(guildId, { name }, "Alliance Auth: role for a group or state");
      return { id: r.id, name: r.name, managed: r.managed, position: r.position };
    }),
    listMembers: (after, limit) =>
      counted("read", async () => {
        const pages = client.listMembers(guildId, { pageSize: limit, after });
        const first = await pages.next();
        await pages.return(undefined);
        return first.done ? [] : first.value.map(member);
      }),
    getMember: (userId) => counted("read", async () => {
      const m = await client.getMember(guildId, userId);
      return m ? member(m) : null;
    }),
    addMember: (userId, body) => counted("write", async () => ((await client.addMember(guildId, userId, { accessToken: body.accessToken, roles: body.roles, ...(body.nick ? { nick: body.nick } : {}) })).added ? "created" : "exists")),
    modifyMember: (userId, body) =>
      counted("write", async () => {
        try {
          await client.modifyMember(guildId, userId, body, "Alliance Auth: groups or name changed");
          return true;
        } catch (error) {
          if (gone(error)) return false;
          throw error;
        }
      }),
    removeMember: (userId) =>
      counted("write", async () => {
        try {
          await client.removeMember(guildId, userId, "Alliance Auth: access to Discord ended");
          return true;
        } catch (error) {
          if (gone(error)) return false;
          throw error;
        }
      }),
    getCurrentUser: (accessToken) => counted("read", async () => {
      const u = await client.getCurrentUser(accessToken);
      return { id: u.id, username: u.username, discriminator: u.discriminator, global_name: u.global_name };
    }),
    stats: () => ({ reads, writes, rateLimited }),
  };
}

export function discordPort(db: Kysely<DB>, settings: Settings): DiscordPort {
  return portFromClient(createDiscordClient(db, settings), settings.DISCORD_GUILD_ID);
}
