/** Mumble: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "mumble",
  title: "Mumble",
  accessPermission: accessPermission("mumble", "Mumble"),
  defaultNameFormat: "[{corp_ticker}]{character_name}",
  sanitiseName: sanitisers.mumbleName,
  sanitiseGroupName: sanitisers.mumbleGroup,
  accountActions: ["deactivate", "reset_password", "set_password"],
  syncsGroups: true,
  syncsNicknames: true,
};
