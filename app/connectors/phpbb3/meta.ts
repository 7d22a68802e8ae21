/** phpBB3: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "phpbb3",
  title: "phpBB3",
  accessPermission: accessPermission("phpbb3", "phpBB3"),
  defaultNameFormat: "{character_name}",
  sanitiseName: sanitisers.forumName,
  sanitiseGroupName: sanitisers.forumGroup,
  accountActions: ["deactivate", "reset_password", "set_password"],
  syncsGroups: true,
  syncsNicknames: true,
};
