/**
 * XenForo as a Connector (XenAPI): register with the default group and a password, re-activation of an
 * existing name by adding the group back, password reset and set, deactivation by removing the group.
 * XenAPI cannot sync groups; the periodic sync checks the account still exists (drift report) and renames
 * it when the name format gives another name (a new main).
 */
import type { Settings } from "~/config.server";
import { setRemoteUsername } from "~/modules/services/accounts.server";
import { type Connector, type ConnectorContext, type DesiredAccount, type ServiceAccount, ServiceNameTakenError, type SyncOutcome, type SyncParts } from "~/modules/services/contract";
import { generatePassword } from "~/modules/services/http.server";
import { XENAPI, XenForoClient, isUserError, xenForoUrl } from "./api.server";
import { meta } from "./meta";

export function xenForoConfigured(settings: Settings) {
  return Boolean(settings.XENFORO_ENDPOINT && settings.XENFORO_APIKEY);
}

const client = (ctx: ConnectorContext) => new XenForoClient(ctx.settings.XENFORO_ENDPOINT, ctx.settings.XENFORO_APIKEY);
/** XenAPI finds a user by id or name: the id, which survives a rename, when we have it. */
const username = (account: ServiceAccount) => (account.remoteId && /^\d+$/.test(account.remoteId) ? account.remoteId : (account.remoteUsername ?? ""));

/** The periodic check (a vanished user is unlinked) and the name: the username follows the name format. */
async function syncAccount(ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts): Promise<SyncOutcome> {
  const api = client(ctx);
  const user = await api.getUser(username(account));
  if (!user) return { kind: "gone" };
  if (!parts.nickname || !desired.name || user.username === desired.name) return { kind: "unchanged" };
  try {
    await api.editUser(String(user.user_id), { username: desired.name });
  } catch (error) {
    if (isUserError(error, XENAPI.userExists)) throw new ServiceNameTakenError(`XenForo: the name ${desired.name} is taken by another user`);
    throw error;
  }
  await setRemoteUsername(ctx.db, account.id, desired.name);
  return { kind: "updated", calls: 2 };
}

/** Re-activation (the name exists): the default group back and a new password. */
async function reactivate(api: XenForoClient, name: string, group: number, password: string) {
  try {
    await api.editUser(name, { add_groups: group, password });
  } catch (error) {
    if (!isUserError(error, XENAPI.alreadyInGroup)) throw error;
    await api.editUser(name, { password });
  }
  const user = await api.getUser(name);
  return user ? String(user.user_id) : name;
}

export const xenforoConnector: Connector = {
  meta,
  isConfigured: xenForoConfigured,
  activation: {
    kind: "password",
    create: async (ctx, desired) => {
      const api = client(ctx);
      const password = generatePassword();
      const group = ctx.settings.XENFORO_DEFAULT_GROUP;
      try {
        const user = await api.register({ username: desired.name, password, email: desired.email ?? "", group });
        return { remoteId: String(user.user_id), remoteUsername: user.username ?? desired.name, password };
      } catch (error) {
        if (!isUserError(error, XENAPI.userExists)) throw error;
        return { remoteId: await reactivate(api, desired.name, group, password), remoteUsername: desired.name, password };
      }
    },
  },
  syncAccount,
  disableAccount: async (ctx, account) => {
    try {
      await client(ctx).editUser(username(account), { remove_groups: ctx.settings.XENFORO_DEFAULT_GROUP });
    } catch (error) {
      // Already out of the group, or the user is gone: nothing left to take away.
      if (isUserError(error, XENAPI.notInGroup) || (error as { code?: number }).code === XENAPI.noUser) return;
      throw error;
    }
  },
  resetPassword: async (ctx, account) => {
    const password = generatePassword();
    await client(ctx).editUser(username(account), { password });
    return password;
  },
  setPassword: async (ctx, account, password) => {
    await client(ctx).editUser(username(account), { password });
  },
  describe: (settings, account) => ({ url: settings.XENFORO_ENDPOINT ? new URL(".", xenForoUrl(settings.XENFORO_ENDPOINT)).toString() : null, username: account?.remoteUsername ?? null }),
};
