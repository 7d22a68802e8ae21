/** XenForo: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "xenforo",
  title: "XenForo",
  accessPermission: accessPermission("xenforo", "XenForo"),
  defaultNameFormat: "{character_name}",
  // The original: spaces become underscores, nothing else changes.
  sanitiseName: (s) => s.replace(/ /g, "_"),
  sanitiseGroupName: sanitisers.plain,
  accountActions: ["deactivate", "reset_password", "set_password"],
  syncsGroups: false,
  syncsNicknames: true,
};
