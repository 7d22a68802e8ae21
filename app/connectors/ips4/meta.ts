/** IPS4: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "ips4",
  title: "IPS4",
  accessPermission: accessPermission("ips4", "IPS4"),
  defaultNameFormat: "{character_name}",
  sanitiseName: sanitisers.plain,
  sanitiseGroupName: sanitisers.plain,
  accountActions: ["deactivate", "reset_password", "set_password"],
  syncsGroups: true,
  syncsNicknames: true,
};
