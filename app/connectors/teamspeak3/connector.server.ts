/**
 * TeamSpeak 3 as a Connector: activation by privilege key (the key carries the custom property that
 * binds the redeeming identity to the member), server groups by desired state through the admin's
 * mappings, deletion from the client database on loss. Every remote failure is classified for the
 * admin (status.server.ts) and re-thrown so the job retries.
 */
import { randomBytes } from "node:crypto";
import { SecretBox } from "~/modules/auth/secrets.server";
import type { Connector, ConnectorContext, DesiredAccount } from "~/modules/services/contract";
import { loadGroupPlan, saveServerGroups, wantedGroups } from "./groups.server";
import { meta } from "./meta";
import { ts3Port } from "./port.server";
import { joinLink, ts3Configured } from "./settings";
import { recordTrouble, ts3Status, watched } from "./status.server";
import { reconcileServer, syncClient } from "./sync.server";
import { ts3Tasks } from "./tasks.server";
import { Ts3Error } from "./errors";

/** The binding value: unique per activation, no LIKE wildcards (`%`, `_`), so customsearch finds exactly it. */
function newBinding(userId: number) {
  return `aa-${userId}-${randomBytes(6).toString("hex")}`;
}

/** The original's account name: the formatted name, 30 characters, spaces → `_`, `'` → `-`. */
export function ts3Nickname(name: string) {
  return [...name].slice(0, 30).join("").replace(/ /g, "_").replace(/'/g, "-");
}

/**
 * The key's group: the first server group the member's groups or state map to; without any mapping,
 * the group named after the state (the last desired name), created like the original does.
 */
async function keyGroup(ctx: ConnectorContext, desired: DesiredAccount): Promise<number> {
  const port = ts3Port(ctx.settings);
  const plan = await loadGroupPlan(ctx.db);
  const mapped = [...wantedGroups(plan, desired.groups)].sort((a, b) => a - b);
  if (mapped.length) return mapped[0];
  const fallback = desired.groups.at(-1);
  const groups = await port.serverGroups();
  const regular = groups.filter((g) => g.type === 1);
  const named = fallback ? regular.find((g) => g.name === fallback) : undefined;
  if (named) return named.sgid;
  if (fallback) {
    const sgid = await port.createGroup(fallback);
    await saveServerGroups(ctx.db, await port.serverGroups());
    return sgid;
  }
  throw new Ts3Error(2560, "no server group to give: map an Auth group or state to a TeamSpeak group", "privilegekeyadd");
}

async function createKey(ctx: ConnectorContext, desired: DesiredAccount) {
  return watched(ctx.db, ctx.settings, async () => {
    const nickname = ts3Nickname(desired.name);
    const binding = newBinding(desired.userId);
    const key = await ts3Port(ctx.settings).privilegeKey(await keyGroup(ctx, desired), nickname, binding);
    return { remoteId: binding, remoteUsername: nickname, credentials: SecretBox.fromSettings(ctx.settings).encrypt(key) };
  });
}

async function sealedKey(ctx: ConnectorContext, accountId: number) {
  const row = await ctx.db.selectFrom("service_accounts").select("credentials").where("id", "=", accountId).executeTakeFirst();
  return row?.credentials ? SecretBox.fromSettings(ctx.settings).decrypt(row.credentials) : null;
}

export const teamspeak3Connector: Connector = {
  meta,
  isConfigured: ts3Configured,
  activation: { kind: "privilege-key", create: createKey },
  syncAccount: async (ctx, account, desired) => {
    const notes: string[] = [];
    const outcome = await watched(ctx.db, ctx.settings, () => syncClient(ctx.db, ts3Port(ctx.settings), account, desired, notes));
    if (notes.length) await recordTrouble(ctx.db, ctx.settings, new Ts3Error(2564, "access to default group is forbidden", "servergroupdelclient"));
    return outcome;
  },
  disableAccount: async (ctx, account) =>
    watched(ctx.db, ctx.settings, async () => {
      const port = ts3Port(ctx.settings);
      // An unredeemed key would still let its holder in: delete it first.
      const key = await sealedKey(ctx, account.id).catch(() => null);
      if (key) await port.deletePrivilegeKey(key);
      const cldbid = account.remoteId ? await port.findClient(account.remoteId) : null;
      if (cldbid !== null) await port.deleteClient(cldbid);
    }),
  reconcile: async (ctx, accounts, desired, _parts, progress) => watched(ctx.db, ctx.settings, () => reconcileServer(ctx.db, ts3Port(ctx.settings), accounts, desired, progress)),
  remoteGroups: async (ctx, account) => {
    if (!account.remoteId) return null;
    const port = ts3Port(ctx.settings);
    const cldbid = await port.findClient(account.remoteId);
    if (cldbid === null) return null;
    return [...(await port.clientGroups(cldbid)).values()].sort();
  },
  pendingActivation: async (ctx, account) => {
    const key = await sealedKey(ctx, account.id);
    return key ? { secret: key, link: joinLink(ctx.settings, key, account.remoteUsername ?? "") } : null;
  },
  adminStatus: async (ctx) => {
    const status = await ts3Status(ctx.db);
    return { topic: status.trouble, detail: status.detail, at: status.at };
  },
  adminActions: [{ intent: "run_ts3_group_update", task: "teamspeak3.run_ts3_group_update", label: "teamspeak3.admin.updateGroups" }],
  describe: (settings, account) => ({ url: settings.TEAMSPEAK3_PUBLIC_URL ? `ts3server://${settings.TEAMSPEAK3_PUBLIC_URL}` : null, username: account?.remoteUsername ?? null }),
};

teamspeak3Connector.tasks = ts3Tasks();
teamspeak3Connector.crontab = [{ identifier: "run_ts3_group_update", task: "teamspeak3.run_ts3_group_update", pattern: "*/30 * * * *", description: "TeamSpeak 3: refresh the server group list (Auth / TS groups choices)." }];
