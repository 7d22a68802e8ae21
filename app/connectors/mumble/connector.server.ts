/** Mumble as a Connector: password activation, groups and display name by desired state, in table or direct mode. */
import type { Connector, ServiceDetail } from "~/modules/services/contract";
import { meta } from "./meta";
import { membershipOf, withMurmur } from "./murmur.server";
import { managedGroupNames } from "~/modules/services/desired.server";
import { connectUrl, mumbleSettings } from "./settings";
import { findRow } from "./store.server";
import { activate, disable, reconcileAll, resetPassword, setPassword, syncOne } from "./sync.server";

export const mumbleConnector: Connector = {
  meta,
  isConfigured: (settings) => mumbleSettings(settings).configured,
  activation: { kind: "password", shownOn: "action", create: activate },
  syncAccount: syncOne,
  disableAccount: disable,
  reconcile: reconcileAll,
  resetPassword,
  setPassword,
  describe: (settings, account) => ({ url: connectUrl(settings, account?.remoteUsername ?? null), username: account?.remoteUsername ?? null }),
  remoteGroups: async (ctx, account) => {
    if (mumbleSettings(ctx.settings).mode === "direct") {
      const id = Number(account.remoteId);
      const managed = await managedGroupNames(ctx.db, meta);
      const membership = await withMurmur(mumbleSettings(ctx.settings), async (s) => membershipOf(await s.rootAcl(), managed));
      return [...membership].filter(([, ids]) => ids.has(id)).map(([name]) => name).sort();
    }
    const row = await findRow(ctx.db, account.userId);
    return row?.groups ? row.groups.split(",").sort() : row ? [] : null;
  },
  accountDetails: async (ctx, account) => {
    const row = await findRow(ctx.db, account.userId);
    const details: ServiceDetail[] = [];
    if (mumbleSettings(ctx.settings).mode === "direct" && account.remoteId) {
      const at = await withMurmur(mumbleSettings(ctx.settings), (s) => s.lastActive(Number(account.remoteId)));
      details.push(at ? { key: "services.detail.lastConnect", params: { at: `${at.replace(" ", "T")}Z` } } : { key: "services.detail.neverConnected", params: {} });
      return details;
    }
    if (row?.last_connect) details.push({ key: "services.detail.lastConnect", params: { at: new Date(row.last_connect).toISOString() } });
    else details.push({ key: "services.detail.neverConnected", params: {} });
    if (row?.release) details.push({ key: "services.detail.client", params: { release: row.release, version: row.version !== null ? String(row.version) : "" } });
    return details;
  },
};
