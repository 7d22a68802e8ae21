/** TeamSpeak 3: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "teamspeak3",
  title: "TeamSpeak 3",
  accessPermission: accessPermission("teamspeak3", "TeamSpeak 3"),
  defaultNameFormat: "[{corp_ticker}]{character_name}",
  sanitiseName: sanitisers.ts3Name,
  sanitiseGroupName: sanitisers.ts3Name,
  accountActions: ["verify", "deactivate", "reset"],
  syncsGroups: true,
  syncsNicknames: false,
};
