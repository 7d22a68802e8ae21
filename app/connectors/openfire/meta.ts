/** Openfire: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "openfire",
  title: "Openfire",
  accessPermission: accessPermission("openfire", "Openfire"),
  defaultNameFormat: "{character_name}",
  sanitiseName: sanitisers.openfireName,
  sanitiseGroupName: sanitisers.openfireGroup,
  accountActions: ["deactivate", "reset_password", "set_password"],
  syncsGroups: true,
  syncsNicknames: true,
};
