/** Discord as a Connector: OAuth activation into the guild, roles and nickname by desired state, kick on loss. */
import type { Connector, ConnectorContext, DesiredAccount } from "~/modules/services/contract";
import { meta } from "./meta";
import { discordDisplayName } from "./port";
import { discordPort } from "./port.server";
import { discordSettings } from "./settings";
import { RoleBook, memberPatch, reconcileGuild, reservedNames, syncMember } from "./sync.server";
import { managedGroupNames } from "~/modules/services/desired.server";
import { discordTasks } from "./tasks.server";

function options(ctx: ConnectorContext) {
  const s = discordSettings(ctx.settings);
  return { syncNames: s.syncNames, disableRoleCreation: s.disableRoleCreation };
}

/** Joins the guild with roles and nickname, or (already a member) one PATCH to the same end. */
async function joinGuild(ctx: ConnectorContext, accessToken: string, desired: DesiredAccount) {
  const port = discordPort(ctx.db, ctx.settings);
  const opts = options(ctx);
  const me = await port.getCurrentUser(accessToken);
  const book = new RoleBook(port, opts);
  await book.load();
  const reserved = await reservedNames(ctx.db);
  const fresh = { user: me, nick: null, roles: [] as string[] };
  const patch = await memberPatch(book, port, fresh, desired, { groups: true, nickname: true }, opts, reserved);
  const outcome = await port.addMember(me.id, { accessToken, roles: patch?.roles ?? [], ...(patch?.nick ? { nick: patch.nick } : {}) });
  if (outcome === "exists") {
    const member = await port.getMember(me.id);
    if (member) {
      const update = await memberPatch(book, port, member, desired, { groups: true, nickname: true }, opts, reserved);
      if (update) await port.modifyMember(me.id, update);
    }
  }
  return { remoteId: me.id, remoteUsername: discordDisplayName(me) };
}

export const discordConnector: Connector = {
  meta,
  isConfigured: (settings) => discordSettings(settings).configured,
  activation: {
    kind: "oauth",
    oauth: (settings) => {
      const s = discordSettings(settings);
      return { clientId: s.appId, clientSecret: s.appSecret, authorizationEndpoint: s.oauthAuthorizeUrl, tokenEndpoint: s.oauthTokenUrl, redirectURI: s.callbackUrl, scopes: ["identify", "guilds.join"] };
    },
    complete: joinGuild,
  },
  syncAccount: (ctx, account, desired, parts) => syncMember(ctx.db, discordPort(ctx.db, ctx.settings), account, desired, parts, options(ctx)),
  disableAccount: async (ctx, account) => {
    if (account.remoteId) await discordPort(ctx.db, ctx.settings).removeMember(account.remoteId);
  },
  reconcile: async (ctx, accounts, desired, parts, progress) => reconcileGuild(ctx.db, discordPort(ctx.db, ctx.settings), accounts, desired, parts, options(ctx), progress, await managedGroupNames(ctx.db, meta)),
  remoteGroups: async (ctx, account) => {
    if (!account.remoteId) return null;
    const port = discordPort(ctx.db, ctx.settings);
    const [roles, member] = await Promise.all([port.listRoles(), port.getMember(account.remoteId)]);
    if (!member) return null;
    const names = new Map(roles.map((r) => [r.id, r.name]));
    return member.roles.map((id) => names.get(id)).filter((n): n is string => Boolean(n)).sort();
  },
  describe: (settings, account) => ({ url: discordSettings(settings).guildId ? `https://discord.com/channels/${discordSettings(settings).guildId}` : null, username: account?.remoteUsername ?? null }),
};

discordConnector.tasks = discordTasks(discordConnector);
