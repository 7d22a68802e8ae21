/** Discord: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "discord",
  title: "Discord",
  accessPermission: accessPermission("discord", "Discord"),
  defaultNameFormat: "{character_name}",
  sanitiseName: sanitisers.discordNick,
  sanitiseGroupName: sanitisers.discordRole,
  accountActions: ["deactivate", "reset"],
  syncsGroups: true,
  syncsNicknames: true,
};
